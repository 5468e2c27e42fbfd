/** Minimal, deterministic SVG string building: escaping, attributes, coordinates, the document. */

/** The font stack every chart uses: DejaVu Sans is on most Linux systems, Arial elsewhere. */
export const FONT_FAMILY = "DejaVu Sans, Arial, sans-serif";

/** Escapes text and attribute values for XML, and drops the control characters XML 1.0 forbids. */
export function escapeXml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the characters XML forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** A coordinate with at most 2 decimals and no "-0" (keeps files small and output deterministic). */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** An SVG attribute value (absent values are left out). */
export type AttrValue = string | number | null | undefined | false;
/** SVG attributes by name. */
export type Attrs = Readonly<Record<string, AttrValue>>;

/** ` name="value"` pairs in insertion order; null, undefined and false are left out, numbers via `num`. */
export function attrs(a: Attrs): string {
  let out = "";
  for (const [k, v] of Object.entries(a)) {
    if (v === null || v === undefined || v === false) continue;
    out += ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`;
  }
  return out;
}

/** An element; self-closing without content. `content` is inserted as is (escape text yourself). */
export function el(tag: string, a: Attrs = {}, content?: string): string {
  return content === undefined ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${content}</${tag}>`;
}

/** A text element; `content` is escaped. */
export function textEl(x: number, y: number, content: string, a: Attrs = {}): string {
  return el("text", { x, y, ...a }, escapeXml(content));
}

/** 32-bit FNV-1a hash as 8 hex digits (deterministic ids, e.g. for clip paths). */
export function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Title, background and extra definitions of an SVG document. */
export interface SvgDocumentOptions {
  /** Accessible title (the `<title>` element). */
  title?: string;
  /** Background colour; "none" for transparent (default "white"). */
  background?: string;
  /** Extra content for `<defs>` (clip paths, patterns). */
  defs?: string;
}

/** A standalone SVG document (XML declaration, xmlns, viewBox, system font). */
export function svgDocument(
  width: number,
  height: number,
  body: string,
  options: SvgDocumentOptions = {},
): string {
  const bg = options.background ?? "white";
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg${attrs({
      xmlns: "http://www.w3.org/2000/svg",
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      "font-family": FONT_FAMILY,
      "font-size": 12,
    })}>`,
  ];
  if (options.title) parts.push(el("title", {}, escapeXml(options.title)));
  if (options.defs) parts.push(`<defs>${options.defs}</defs>`);
  if (bg !== "none") parts.push(el("rect", { x: 0, y: 0, width, height, fill: bg }));
  parts.push(body, "</svg>", "");
  return parts.join("\n");
}
