/**
 * Playwright configuration of the playground's browser test. The browser is the system's Chromium
 * (Debian's `chromium` package; Playwright's own browser downloads are not used): its path comes from
 * CHROMIUM_PATH, which scripts/playground-e2e.mjs sets after finding one. The built page (playground/dist)
 * is served by `vite preview` on a fixed local port.
 */
import { defineConfig } from "@playwright/test";

const PORT = 4178;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  timeout: 90_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH },
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
