#!/usr/bin/env node
/**
 * The playground's browser test, as `npm test` runs it: finds a Chromium (CHROMIUM_PATH, else chromium,
 * chromium-browser, google-chrome or google-chrome-stable on PATH), builds the playground with Vite and
 * runs its Playwright test against the built page. Without a Chromium it says so plainly and exits 0
 * (the test is skipped, not passed): install Debian's `chromium` package or set CHROMIUM_PATH.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const playground = join(root, "playground");

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findChromium() {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (executable(env)) return env;
    console.error(`CHROMIUM_PATH=${env} is not an executable file`);
    return null;
  }
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of names) {
      const p = join(dir, name);
      if (executable(p)) return p;
    }
  }
  return null;
}

const chromium = findChromium();
if (!chromium) {
  console.log(
    "playground browser test SKIPPED: no Chromium found (install Debian's chromium package, or set CHROMIUM_PATH to a Chromium or Chrome binary)",
  );
  process.exit(0);
}
const version = spawnSync(chromium, ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(`playground browser test: building the page and running it in ${chromium} (${version})`);
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
execFileSync(npx, ["vite", "build", "--logLevel", "warn"], { cwd: playground, stdio: "inherit" });
const run = spawnSync(npx, ["playwright", "test", "--config", "playwright.config.ts"], {
  cwd: playground,
  stdio: "inherit",
  env: { ...process.env, CHROMIUM_PATH: chromium },
});
process.exit(run.status ?? 1);
