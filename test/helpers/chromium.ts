// Debian's Chromium driven by playwright-core (which downloads no browser): headless, no sandbox (CI
// runs as root), nothing that phones home, and a fresh profile per launch. `.ci/run` installs it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = "/usr/lib/chromium/chromium";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A browser context on a fresh user-data-dir; closing it also deletes the profile. */
export async function launchChromium(options: { args?: string[] } = {}): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "zendl-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH, headless: true, args: [...ARGS, ...(options.args ?? [])],
    viewport: { width: 1280, height: 900 },
  });
  // Chromium may still be writing its profile as the context closes: retry, and never fail a test on it.
  context.on("close", () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch { /* a leftover folder in tmp */ }
  });
  return context;
}

/**
 * Opens `url` in a new page, waits for the global `ready` where given, runs `fn(arg)` there and closes the
 * page; fails when anything in the page threw uncaught.
 */
export async function evaluateInPage<T, A>(context: BrowserContext, url: string, fn: (arg: A) => Promise<T>,
  arg: A, ready?: string): Promise<T> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(url);
    if (ready !== undefined) await page.waitForFunction((name) => name in globalThis, ready);
    const result = await page.evaluate(fn as (arg: unknown) => Promise<T>, arg as unknown);
    assert.deepEqual(errors, [], "no uncaught errors in the page");
    return result as T;
  } finally {
    await page.close();
  }
}
