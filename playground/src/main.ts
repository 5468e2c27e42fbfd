/**
 * The playground page: controls, the training worker, and the live views (loss curve with level changes,
 * fit against the target, the activation of every spline edge). Downloads the model as mlkan JSON (with
 * the column names `mlkan predict` reads) and as ONNX (mlkan/export).
 */

import { exportOnnx } from "../../src/export/onnx.js";
import { splineCoefficients } from "../../src/export/onnx-spline.js";
import { evalSpline, loadModel, type ModelJSON, type Network, SplineLayer } from "../../src/index.js";
import { drawHeatmap, drawLines, drawLoss, type LevelMark } from "./plots.js";
import {
  checkGrids,
  DRAW_POINTS,
  PRESETS,
  type Preset,
  type PresetId,
  parseList,
  presetFor,
  type RunConfig,
} from "./presets.js";
import type { FromWorker, Snapshot, ToWorker } from "./protocol.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const presetSel = $<HTMLSelectElement>("preset");
const statusEl = $("status");
const errorEl = $("error");
const lossSvg = $("loss-chart") as unknown as SVGSVGElement;
const buttons = {
  train: $<HTMLButtonElement>("train"),
  stop: $<HTMLButtonElement>("stop"),
  resume: $<HTMLButtonElement>("resume"),
  json: $<HTMLButtonElement>("download-json"),
  onnx: $<HTMLButtonElement>("download-onnx"),
};

const DEFAULTS: Record<PresetId, { grids: string; steps: string; hidden: string }> = {
  hello: { grids: "5,10,20", steps: "30", hidden: "5" },
  step: { grids: "5,10,20,40", steps: "30", hidden: "3" },
  draw: { grids: "5,10,20", steps: "30", hidden: "3" },
  rotated: { grids: "5,10,20,40", steps: "30", hidden: "5" },
};

for (const p of Object.values(PRESETS)) {
  const o = document.createElement("option");
  o.value = p.id;
  o.textContent = p.label;
  presetSel.appendChild(o);
}
presetSel.onchange = () => {
  const d = DEFAULTS[presetSel.value as PresetId];
  $("draw-box").hidden = presetSel.value !== "draw";
  $<HTMLInputElement>("grids").value = d.grids;
  $<HTMLInputElement>("steps").value = d.steps;
  $<HTMLInputElement>("hidden").value = d.hidden;
};

/** State of the run shown on the page. */
let config: RunConfig | null = null;
let losses: number[] = [];
let initialLoss = Number.NaN;
let levels: LevelMark[] = [];
let levelInfo = { level: 0, levels: 0, grid: 0 };
/** The last refinement: loss before and after (equal to rounding: refinement is exact). */
let refinement: { from: number; to: number; before: number; after: number } | null = null;
let latest: Snapshot | null = null;
let state: "idle" | "running" | "stopped" | "done" = "idle";
let drawPending = false;

let worker: Worker | null = null;

function send(msg: ToWorker): void {
  worker?.postMessage(msg);
}

function readConfig(): RunConfig {
  const preset = presetSel.value as PresetId;
  const grids = parseList("grid schedule", $<HTMLInputElement>("grids").value, 1);
  checkGrids(grids);
  const [steps] = parseList("steps per level", $<HTMLInputElement>("steps").value, 1);
  const [trainNum] = parseList("training points", $<HTMLInputElement>("trainNum").value, 10);
  const [seed] = parseList("seed", $<HTMLInputElement>("seed").value, 0);
  return {
    preset,
    hidden: parseList("hidden width(s)", $<HTMLInputElement>("hidden").value, 1),
    grids,
    steps,
    optimizer: $<HTMLSelectElement>("optimizer").value as "lbfgs" | "adam",
    seed,
    trainNum,
    drawn: preset === "draw" ? Array.from(drawn) : undefined,
  };
}

/** The drawn 1D target: DRAW_POINTS values over [-1, 1], edited by dragging on the canvas. */
const drawn = new Float64Array(DRAW_POINTS).map((_, i) =>
  Math.sin(Math.PI * (-1 + (2 * i) / (DRAW_POINTS - 1))),
);
const DRAW_RANGE = 1.5;
const drawCanvas = $<HTMLCanvasElement>("draw-canvas");

function paintDrawing(): void {
  const ctx = drawCanvas.getContext("2d");
  if (!ctx) return;
  const { width: W, height: H } = drawCanvas;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = "#ddd";
  ctx.beginPath();
  ctx.moveTo(0, H / 2);
  ctx.lineTo(W, H / 2);
  ctx.stroke();
  ctx.strokeStyle = "#d62728";
  ctx.lineWidth = 2;
  ctx.beginPath();
  drawn.forEach((v, i) => {
    const x = (i / (DRAW_POINTS - 1)) * W;
    const y = H / 2 - (v / DRAW_RANGE) * (H / 2);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

let lastDraw: [number, number] | null = null;
function drawAt(ev: PointerEvent): void {
  const r = drawCanvas.getBoundingClientRect();
  const i = Math.round(((ev.clientX - r.left) / r.width) * (DRAW_POINTS - 1));
  const v = DRAW_RANGE * (1 - (2 * (ev.clientY - r.top)) / r.height);
  const k = Math.min(DRAW_POINTS - 1, Math.max(0, i));
  const val = Math.min(DRAW_RANGE, Math.max(-DRAW_RANGE, v));
  // Fill every sample between the previous pointer position and this one (fast strokes leave no gaps).
  const [k0, v0] = lastDraw ?? [k, val];
  const step = k >= k0 ? 1 : -1;
  for (let j = k0; j !== k + step; j += step)
    drawn[j] = k === k0 ? val : v0 + ((j - k0) / (k - k0)) * (val - v0);
  lastDraw = [k, val];
  paintDrawing();
}
drawCanvas.onpointerdown = (ev) => {
  drawCanvas.setPointerCapture(ev.pointerId);
  lastDraw = null;
  drawAt(ev);
};
drawCanvas.onpointermove = (ev) => {
  if (ev.buttons & 1) drawAt(ev);
};
drawCanvas.onpointerup = () => {
  lastDraw = null;
};
paintDrawing();

function setState(s: typeof state): void {
  state = s;
  statusEl.dataset.state = s;
  buttons.stop.disabled = s !== "running";
  buttons.resume.disabled = s !== "stopped";
  buttons.json.disabled = latest === null;
  buttons.onnx.disabled = latest === null;
  showStatus();
}

function showStatus(): void {
  const last = losses.length > 0 ? losses[losses.length - 1] : initialLoss;
  const rmse = latest ? latest.testRmse.toExponential(3) : "-";
  statusEl.textContent =
    `${state}\nlevel ${levelInfo.level + 1}/${levelInfo.levels}  G=${levelInfo.grid}\n` +
    `step ${losses.length}  loss ${Number.isFinite(last) ? last.toExponential(3) : "-"}\ntest RMSE ${rmse}` +
    (refinement
      ? `\nrefined G=${refinement.from} -> ${refinement.to}, exactly:` +
        `\n  loss before ${refinement.before.toExponential(6)}\n  loss after  ${refinement.after.toExponential(6)}`
      : "");
}

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case "losses":
      for (let i = 0; i < msg.losses.length; i++) losses[msg.first - 1 + i] = msg.losses[i];
      break;
    case "level":
      if (msg.level === 0) initialLoss = msg.loss;
      if (msg.before !== undefined) {
        refinement = { from: levelInfo.grid, to: msg.grid, before: msg.before, after: msg.loss };
        statusEl.dataset.refineBefore = String(msg.before);
        statusEl.dataset.refineAfter = String(msg.loss);
      }
      levels.push({ step: msg.step, grid: msg.grid });
      levelInfo = { level: msg.level, levels: msg.levels, grid: msg.grid };
      break;
    case "snapshot":
      latest = msg.snapshot;
      buttons.json.disabled = false;
      buttons.onnx.disabled = false;
      break;
    case "state":
      // Draw now, not at the next frame: the worker posts a run's last losses and snapshot before its
      // state, so once the status says stopped or done the chart and the fit show where the run is.
      draw();
      setState(msg.state);
      break;
    case "error":
      errorEl.textContent = msg.message;
      break;
  }
  scheduleDraw();
}

/** Loss chart, status and (for a new snapshot) fit and activations, as the page's data stand now. */
function draw(): void {
  drawLoss(lossSvg, losses, initialLoss, levels);
  showStatus();
  if (latest && config) drawModel(presetFor(config), loadModel(latest.model));
}

/** `draw` at the next animation frame, once however many messages arrive before it. */
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

let drawnSnapshot: Snapshot | null = null;

/** Fit and activations of the latest snapshot (once per snapshot). */
function drawModel(preset: Preset, model: Network): void {
  if (drawnSnapshot === latest) return;
  drawnSnapshot = latest;
  drawFit(preset, model);
  drawActivations(model);
}

function drawFit(preset: Preset, model: Network): void {
  const box = $("fit");
  const [lo, hi] = preset.box;
  if (preset.nIn === 1) {
    let svg = box.querySelector("svg");
    if (!svg) {
      box.innerHTML = `<svg id="fit1d"></svg><div class="legend"><span style="color:#555">target</span> · <span style="color:#1f77b4">model</span></div>`;
      svg = box.querySelector("svg")!;
    }
    const n = 400;
    const xs = new Float64Array(n);
    const target = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = lo + ((hi - lo) * i) / (n - 1);
      target[i] = preset.f([xs[i]]);
    }
    const pred = model.predict(xs);
    drawLines(
      svg,
      [
        { xs, ys: target, color: "#555", width: 2.5 },
        { xs, ys: pred, color: "#1f77b4", width: 1.6 },
      ],
      `1D fit, x in [${lo}, ${hi}]`,
      [380, 220],
    );
    return;
  }
  if (!box.querySelector("canvas")) {
    const maps = ["target", "model", "|error|"].map(
      (t, i) => `<div class="heat"><canvas data-k="${i}"></canvas>${t}</div>`,
    );
    box.innerHTML = `${maps.join("")}<div class="legend" id="fit-legend"></div>`;
  }
  const n = 64;
  const x = new Float64Array(n * n * 2);
  const target = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const px = lo + ((hi - lo) * (c + 0.5)) / n;
      const py = hi - ((hi - lo) * (r + 0.5)) / n;
      x[2 * (r * n + c)] = px;
      x[2 * (r * n + c) + 1] = py;
      target[r * n + c] = preset.f([px, py]);
    }
  }
  const pred = model.predict(x);
  const err = target.map((t, i) => Math.abs(t - pred[i]));
  const tmin = Math.min(...target);
  const tmax = Math.max(...target);
  const canvases = box.querySelectorAll("canvas");
  drawHeatmap(canvases[0], target, n, tmin, tmax);
  drawHeatmap(canvases[1], pred, n, tmin, tmax);
  const emax = Math.max(...err);
  drawHeatmap(canvases[2], err, n, 0, emax);
  $("fit-legend").textContent =
    `x across, y up, both in [${lo}, ${hi}]; colour: target and model on [${tmin.toFixed(3)}, ${tmax.toFixed(3)}], error on [0, ${emax.toExponential(2)}]`;
}

function drawActivations(model: Network): void {
  const box = $("activations");
  box.innerHTML = "";
  model.layers.forEach((layer, l) => {
    const title = document.createElement("div");
    title.className = "layer-title";
    if (!(layer instanceof SplineLayer)) {
      title.textContent = `layer ${l}: ${layer.type} ${layer.nIn}->${layer.nOut}${layer.type === "elementwise" ? " (fixed map onto the next spline domain)" : ""}`;
      box.appendChild(title);
      return;
    }
    title.textContent = `layer ${l}: spline ${layer.nIn}->${layer.nOut}, G=${layer.grid}, order ${layer.order}, on [${layer.domain.join(", ")}]`;
    box.appendChild(title);
    const coef = splineCoefficients(layer, model.params);
    const { nIn: P, nOut: Q, nBasis: N } = layer;
    const [a, b] = layer.domain;
    const xs = new Float64Array(121);
    for (let i = 0; i < xs.length; i++) xs[i] = a + ((b - a) * i) / (xs.length - 1);
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const ys = xs.map((v) => evalSpline(layer.knots, coef, v, 0, p * N * Q + q, Q));
        const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("class", "activation");
        box.appendChild(svg);
        drawLines(svg, [{ xs, ys, color: "#2ca02c" }], `phi ${p}->${q}`, [130, 86]);
      }
    }
  });
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The latest model as `mlkan train` saves it: with the column names `mlkan predict` reads. */
function savedModel(): ModelJSON & { training: Record<string, unknown> } {
  if (!latest || !config) throw new Error("no model yet: train first");
  const preset = presetFor(config);
  return {
    ...latest.model,
    training: {
      inputs: preset.inputs,
      targets: ["f"],
      source: "mlkan playground",
      preset: preset.label,
      grids: config.grids.slice(0, levelInfo.level + 1),
      status: state === "done" ? "completed" : "stopped",
    },
  };
}

buttons.train.onclick = () => {
  errorEl.textContent = "";
  let cfg: RunConfig;
  try {
    cfg = readConfig();
  } catch (e) {
    errorEl.textContent = (e as Error).message;
    return;
  }
  worker?.terminate();
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
  worker.onerror = (ev) => {
    errorEl.textContent = `worker error: ${ev.message}`;
  };
  config = cfg;
  losses = [];
  levels = [];
  refinement = null;
  initialLoss = Number.NaN;
  latest = null;
  drawnSnapshot = null;
  $("fit").innerHTML = "";
  setState("running");
  send({ type: "start", config: cfg });
};
buttons.stop.onclick = () => send({ type: "stop" });
buttons.resume.onclick = () => send({ type: "resume" });
buttons.json.onclick = () => {
  download("mlkan-model.json", `${JSON.stringify(savedModel())}\n`, "application/json");
};
buttons.onnx.onclick = () => {
  const saved = savedModel();
  const bytes = exportOnnx(loadModel(saved), {
    inputNames: saved.training.inputs as string[],
    outputNames: ["f"],
  });
  download("mlkan-model.onnx", bytes as Uint8Array<ArrayBuffer>, "application/octet-stream");
};
setState("idle");
drawLoss(lossSvg, [], Number.NaN, []);
