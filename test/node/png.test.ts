import { describe, expect, it } from "vitest";
import { pngAvailable, svgToPng } from "../../src/node/png.js";
import { plotHistory } from "../../src/report/plot/history.js";
import { makeHistory } from "../report/fixtures.js";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ihdr(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe("IHDR");
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

// @resvg/resvg-js is a dependency (with binaries for every platform in the lock file), so PNG
// rendering must work here; the test does not skip.
describe("svgToPng", () => {
  it("renders a loss plot to a PNG of the expected size", async () => {
    expect(await pngAvailable()).toBe(true);
    const svg = plotHistory(makeHistory([5, 10, 20], 20), { title: "loss" });
    const png = await svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect(ihdr(png)).toEqual({ width: 1520, height: 880 }); // 760 x 440 at zoom 2
    expect(png.length).toBeGreaterThan(20_000); // text, lines and grid make a non-trivial image
    const small = await svgToPng(svg, { width: 380 });
    expect(ihdr(small)).toEqual({ width: 380, height: 220 });
  });

  it("rejects an empty input", async () => {
    await expect(svgToPng("")).rejects.toThrow(/non-empty/);
  });
});
