/**
 * SVG -> PNG with @resvg/resvg-js (Node only). The package ships its native renderer as per-platform
 * optional dependencies; it is loaded lazily, so the rest of the Node entry works where no binary
 * exists, and a missing renderer raises an error that says what to install.
 */

interface ResvgModule {
  Resvg: new (
    svg: string,
    options?: {
      fitTo?: { mode: "original" } | { mode: "width"; value: number } | { mode: "zoom"; value: number };
      background?: string;
      font?: { loadSystemFonts?: boolean; defaultFontFamily?: string; sansSerifFamily?: string };
      logLevel?: "off" | "error" | "warn";
    },
  ) => { render(): { asPng(): Uint8Array; width: number; height: number } };
}

let loaded: Promise<ResvgModule | Error> | undefined;

function loadResvg(): Promise<ResvgModule | Error> {
  loaded ??= import("@resvg/resvg-js").then(
    (m: unknown) => {
      const mod = m as Partial<ResvgModule> & { default?: Partial<ResvgModule> };
      const Resvg = mod.Resvg ?? mod.default?.Resvg;
      return Resvg ? { Resvg } : new Error("@resvg/resvg-js has no Resvg export");
    },
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  return loaded;
}

/** Whether PNG rendering is available on this machine. */
export async function pngAvailable(): Promise<boolean> {
  return !((await loadResvg()) instanceof Error);
}

export interface PngOptions {
  /** Output width in pixels (default: twice the SVG's width, for sharp text). */
  width?: number;
  /** Scale factor against the SVG's size (default 2; ignored when `width` is given). */
  zoom?: number;
  /** Background colour (default "white"). */
  background?: string;
}

/**
 * Renders an SVG string to PNG bytes with the system fonts (DejaVu Sans where installed). Throws an
 * `Error` naming `@resvg/resvg-js` when its native binary cannot be loaded on this platform.
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  if (typeof svg !== "string" || svg.trim() === "")
    throw new Error("svgToPng: svg must be a non-empty string");
  const mod = await loadResvg();
  if (mod instanceof Error)
    throw new Error(
      `svgToPng: PNG rendering needs @resvg/resvg-js and its binary for ${process.platform}-${process.arch} ` +
        `(npm install @resvg/resvg-js): ${mod.message}`,
      { cause: mod },
    );
  const fitTo =
    options.width !== undefined
      ? ({ mode: "width", value: Math.round(options.width) } as const)
      : ({ mode: "zoom", value: options.zoom ?? 2 } as const);
  const r = new mod.Resvg(svg, {
    fitTo,
    background: options.background ?? "white",
    font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans" },
    logLevel: "off",
  });
  const png = r.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
