/**
 * Saved model files (Node only): streamed, atomic writes and tolerant reads.
 *
 * Writing: the model JSON (`Network.toJSON()` plus extra top-level fields, e.g. the training record of
 * `mlkan train`) is written in chunks of at most `PARAMS_PER_CHUNK` parameters, so no single string
 * holds the whole file: a model never meets V8's string limit (2^29 - 24 characters) on save. The text
 * is byte-identical to `JSON.stringify({ ...model.toJSON(), ...extra })` followed by a newline.
 *
 * Reading: a UTF-8 byte order mark is skipped; errors name the path. Models are limited to
 * `MAX_PARAMS` parameters (about 25 characters each in JSON), so a saved model read back stays below the
 * string limit too.
 */
import { readFileSync } from "node:fs";
import { loadModel } from "../model/index.js";
import { Network } from "../model/network.js";
import { writeChunksAtomicSync } from "./fs.js";

/** Parameters per chunk of a streamed model file. */
export const PARAMS_PER_CHUNK = 65536;

/**
 * The text of `JSON.stringify({ ...model.toJSON(), ...extra }) + "\n"` in pieces (the parameters in
 * chunks of `PARAMS_PER_CHUNK`). `extra` must not use the model's own keys; an extra value that is a
 * `Network` is written as its own model JSON, streamed the same way.
 */
export function* modelJsonChunks(model: Network, extra: Record<string, unknown> = {}): Generator<string> {
  yield* modelChunks(model, extra);
  yield "\n";
}

function* modelChunks(model: Network, extra: Record<string, unknown>): Generator<string> {
  const json = model.toJSON() as unknown as Record<string, unknown>;
  for (const k of Object.keys(extra))
    if (k in json) throw new Error(`modelJsonChunks: extra field ${JSON.stringify(k)} is a model field`);
  const keys = [...Object.keys(json), ...Object.keys(extra)];
  yield "{";
  let first = true;
  for (const k of keys) {
    const v = k in json ? json[k] : extra[k];
    if (v === undefined) continue;
    yield `${first ? "" : ","}${JSON.stringify(k)}:`;
    first = false;
    if (k === "params" && k in json) {
      const p = model.params;
      yield "[";
      for (let i = 0; i < p.length; i += PARAMS_PER_CHUNK) {
        const part = Array.from(p.subarray(i, Math.min(p.length, i + PARAMS_PER_CHUNK)));
        yield `${i > 0 ? "," : ""}${part.map((x) => JSON.stringify(x)).join(",")}`;
      }
      yield "]";
    } else if (v instanceof Network) yield* modelChunks(v, {});
    else yield JSON.stringify(v);
  }
  yield "}";
}

/** Writes `model` (plus `extra` top-level fields) to `path` atomically, streamed in chunks. */
export function writeModelFile(path: string, model: Network, extra: Record<string, unknown> = {}): void {
  writeChunksAtomicSync(path, modelJsonChunks(model, extra));
}

/** What `readModelFile` returns: the model, and the parsed JSON (for extra fields such as `training`). */
export interface ModelFile {
  model: Network;
  json: Record<string, unknown>;
}

/** Reads a saved model (any kind) from `path`; a BOM is skipped; errors name the path. */
export function readModelFile(path: string): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "ERR_STRING_TOO_LONG"
            ? "the file is larger than the longest string V8 can hold (not a model within MAX_PARAMS)"
            : (e as Error).message;
    throw new Error(`cannot read model file ${path}: ${why}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a saved model (invalid JSON: ${(e as Error).message})`);
  }
  let model: Network;
  try {
    model = loadModel(json);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return { model, json: json as Record<string, unknown> };
}
