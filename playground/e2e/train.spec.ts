/**
 * The playground in a real browser (system Chromium): trains the hello-KAN preset through two levels in
 * the Web Worker, stops and resumes it, checks that the loss fell and the level change is marked, that
 * every edge's activation and the fit are drawn, and that the downloaded model JSON loads in mlkan
 * (`mlkan predict`) and the downloaded ONNX gives the same predictions in onnxruntime. Saves a screenshot
 * to playground/test-results/playground.png.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, test } from "@playwright/test";
import ort from "onnxruntime-node";
import { loadModel } from "../../dist/index.js";

const root = resolve(import.meta.dirname, "../..");
const out = join(root, "playground/test-results");

test("hello-KAN trains multilevel in the worker; stop, resume, downloads", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/");
  await page.selectOption("#preset", "hello");
  await page.fill("#hidden", "5");
  await page.fill("#grids", "5,10");
  await page.fill("#steps", "20");
  await page.selectOption("#optimizer", "lbfgs");
  const status = page.locator("#status");
  const chart = page.locator("#loss-chart");

  // Train and stop in one task of the page, so that the worker has the stop message queued before its
  // first slice of steps: the run stops before it has finished (at most a slice or a level boundary in).
  // Nothing moves while stopped; resume continues the same run to the end.
  await page.evaluate(() => {
    (document.getElementById("train") as HTMLButtonElement).click();
    (document.getElementById("stop") as HTMLButtonElement).click();
  });
  await expect(status).toHaveAttribute("data-state", "stopped");
  const atStop = Number(await chart.getAttribute("data-steps"));
  expect(atStop).toBeLessThan(40);
  await page.waitForTimeout(300);
  expect(Number(await chart.getAttribute("data-steps"))).toBe(atStop);
  await expect(status).toHaveAttribute("data-state", "stopped");
  await page.click("#resume");
  await expect(status).toHaveAttribute("data-state", "done", { timeout: 60_000 });

  // Two levels of 20 steps, one level change marked (G=10), the loss fell.
  expect(Number(await chart.getAttribute("data-steps"))).toBe(40);
  const markers = page.locator("#loss-chart .level-marker");
  await expect(markers).toHaveCount(1);
  await expect(markers.first()).toHaveAttribute("data-grid", "10");
  const first = Number(await chart.getAttribute("data-first-loss"));
  const last = Number(await chart.getAttribute("data-last-loss"));
  expect(last).toBeLessThan(first / 10);
  await expect(status).toContainText("G=10");
  // The refinement is exact: the loss right after it equals the loss before it (to rounding).
  await expect(status).toContainText("refined G=5 -> 10, exactly");
  const before = Number(await status.getAttribute("data-refine-before"));
  const after = Number(await status.getAttribute("data-refine-after"));
  expect(before).toBeGreaterThan(0);
  expect(Math.abs(after - before)).toBeLessThanOrEqual(1e-12 * before);
  // Every edge of the [2, 5, 1] KAN drawn (2*5 + 5*1), and the three heat maps of the 2D fit.
  await expect(page.locator("#activations svg.activation")).toHaveCount(15);
  await expect(page.locator("#fit canvas")).toHaveCount(3);
  await page.screenshot({ path: join(out, "playground.png"), fullPage: true });

  // Model JSON: loads in mlkan and in `mlkan predict`.
  const [jsonDl] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const jsonPath = join(out, "mlkan-model.json");
  await jsonDl.saveAs(jsonPath);
  const saved = JSON.parse(readFileSync(jsonPath, "utf8"));
  expect(saved.training.inputs).toEqual(["x", "y"]);
  const model = loadModel(saved);
  expect(model.grids).toEqual([10, 10]);
  const pts = [
    [0.5, 0.5],
    [-0.3, 0.9],
    [0.1, -0.7],
  ];
  writeFileSync(join(out, "points.csv"), `x,y\n${pts.map((p) => p.join(",")).join("\n")}\n`);
  const csv = execFileSync(
    "node",
    [join(root, "dist/cli/main.js"), "predict", jsonPath, "--data", join(out, "points.csv")],
    {
      encoding: "utf8",
    },
  );
  const preds = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => Number(l.split(",")[2]));
  expect(preds).toEqual(model.predict(pts).map((r) => r[0]));
  // The fit is close to exp(sin(pi x) + y^2) (range about 0.4 to 7.4).
  pts.forEach((p, i) => {
    expect(Math.abs(preds[i] - Math.exp(Math.sin(Math.PI * p[0]) + p[1] ** 2))).toBeLessThan(0.5);
  });

  // ONNX: the same predictions in onnxruntime.
  const [onnxDl] = await Promise.all([page.waitForEvent("download"), page.click("#download-onnx")]);
  const onnxPath = join(out, "mlkan-model.onnx");
  await onnxDl.saveAs(onnxPath);
  const session = await ort.InferenceSession.create(readFileSync(onnxPath), { logSeverityLevel: 3 });
  const y = (await session.run({ x: new ort.Tensor("float64", Float64Array.from(pts.flat()), [3, 2]) })).y
    .data;
  for (let i = 0; i < 3; i++)
    expect(Math.abs(Number(y[i]) - preds[i])).toBeLessThan(1e-12 * Math.max(...preds.map(Math.abs)));
  expect(errors).toEqual([]);
});

test("a drawn 1D target: a stroke across the canvas becomes the training target", async ({ page }) => {
  await page.goto("/");
  await page.selectOption("#preset", "draw");
  const canvas = page.locator("#draw-canvas");
  await expect(canvas).toBeVisible();
  // A straight stroke from the bottom left to the top right: the target is the ramp -1.5 .. 1.5.
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 1, box.y + box.height - 1);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + 1, { steps: 25 });
  await page.mouse.up();
  await page.fill("#grids", "4,8");
  await page.fill("#steps", "15");
  await page.click("#train");
  const status = page.locator("#status");
  await expect(status).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(page.locator("#fit svg polyline")).toHaveCount(2);
  const rmse = Number((await status.textContent())!.match(/test RMSE (\S+)/)![1]);
  expect(rmse).toBeLessThan(0.05);
  await page.screenshot({ path: join(out, "playground-draw.png"), fullPage: true });
});
