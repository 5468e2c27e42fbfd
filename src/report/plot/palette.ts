/**
 * Colours and dash patterns for series. The colours are Okabe and Ito's palette (distinguishable with
 * the common colour-vision deficiencies and in print), without its yellow, which is unreadable on white;
 * dash patterns keep series apart in greyscale.
 */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#000000", // black
];

/** Stroke dash patterns ("" is solid). */
export const DASHES: readonly string[] = ["", "7 4", "2 3", "9 3 2 3", "4 2", "12 3"];

/** The i-th palette colour (cycles). */
export function colorAt(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** The i-th dash pattern (cycles). */
export function dashAt(i: number): string {
  return DASHES[((i % DASHES.length) + DASHES.length) % DASHES.length];
}

/** Style for series i of many: colours first, then dashes once the colours run out. */
export function styleAt(i: number): { color: string; dash: string } {
  return { color: colorAt(i), dash: dashAt(Math.floor(i / PALETTE.length)) };
}

/** Neutral colours of the chart furniture. */
export const INK = {
  text: "#222222",
  axis: "#333333",
  grid: "#e3e3e3",
  gridMinor: "#f1f1f1",
  level: "#666666",
} as const;
