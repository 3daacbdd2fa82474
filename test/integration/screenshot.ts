// Lets an integration test photograph the workbench (for the README and for checking what a person
// sees). The test logs a marker line; the browser runner (test/host/runInCodeServer.ts) sees it in
// the extension host's console, saves `<CLAIMLENS_SCREENSHOTS>/<name>.png`, and the test waits for
// that file. Without CLAIMLENS_SCREENSHOTS, or under the desktop runner, it does nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOG_TAG_VARIABLE } from './suites';

export const SCREENSHOT_MARKER = /^\[\[screenshot:([A-Za-z0-9._-]+)\]\]$/;

export function screenshotsEnabled(): boolean {
  return Boolean(process.env.CLAIMLENS_SCREENSHOTS);
}

/** Returns the saved file, or undefined when screenshots are off. */
export async function screenshot(name: string, timeoutMs = 15_000): Promise<string | undefined> {
  const dir = process.env.CLAIMLENS_SCREENSHOTS;
  if (!dir) return undefined;
  const marker = `[[screenshot:${name}]]`;
  if (!SCREENSHOT_MARKER.test(marker)) throw new Error(`screenshot name '${name}' may only use letters, digits, '.', '_' and '-'`);
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`${process.env[LOG_TAG_VARIABLE] ?? ''}${marker}`); // the tag routes it to the runner
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the test runner did not save screenshot ${file} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return file;
}
