// `npm run test:integration`: runs the mocha integration suites inside a real VS Code 1.100.3
// (code-server) driven by headless Debian Chromium, prints the extension host's mocha report on
// stdout and exits non-zero when anything fails. One VS Code per suite (see test/integration/suites.ts).
//
// Environment:
//   CLAIMLENS_TEST_SUITE=<name>      run only that suite
//   CLAIMLENS_TEST_WORKSPACE=<dir>   copy this folder instead of seeds/ as the workspace
//   CLAIMLENS_SCREENSHOTS=<dir>      let tests save screenshots there (test/integration/screenshot.ts)
//   CLAIMLENS_TEST_TIMEOUT=<seconds> overall limit (default 600)
//   CLAIMLENS_TEST_VERBOSE=1         also print the workbench's own log lines (stderr)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SCREENSHOT_MARKER } from '../integration/screenshot';
import { LOG_TAG_VARIABLE, SUITES, type IntegrationSuite } from '../integration/suites';
import { ensureCodeServer, ensureDebianPackages, progress, repoRoot, SetupError, startCodeServer, VSCODE_VERSION } from './codeServer';
import { prepareWorkspace } from './workspace';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', // root in a container has no usable sandbox
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1400, height: 900 };

/**
 * CLAIMLENS_SUITE=bench runs the VS Code benchmarks of `npm run bench` (out/test/bench/vscode/)
 * instead of the integration suites, in one VS Code on CLAIMLENS_TEST_WORKSPACE.
 */
const BENCH = process.env.CLAIMLENS_SUITE === 'bench';
const BENCH_SUITE: IntegrationSuite = { name: 'bench', folder: '', workspace: 'seeds', trusted: true };
const testsEntry = BENCH
  ? path.join(repoRoot, 'out', 'test', 'bench', 'vscode', 'index')
  : path.join(repoRoot, 'out', 'test', 'integration', 'index');

/** Resolves with the suite's exit code, rejects on an infrastructure failure. */
async function runSuite(suite: IntegrationSuite, deadline: number, limitSeconds: number, screenshotsDir: string | undefined): Promise<number> {
  const workspace = prepareWorkspace(suite.workspace);
  const suiteStarted = Date.now();
  const seconds = (): string => ((Date.now() - suiteStarted) / 1000).toFixed(1);
  let browser: Browser | undefined;
  const server = await startCodeServer({
    profile: `test-${suite.name}-${process.pid}`,
    freshProfile: true,
    workspaceTrust: !suite.trusted,
    // Untrusted runs: no modal trust prompt, the folder simply opens in restricted mode.
    settings: suite.trusted ? {} : { 'security.workspace.trust.startupPrompt': 'never' },
    // The extension host inherits the server's environment.
    env: { CLAIMLENS_TEST_SUITE: suite.name, CLAIMLENS_SCREENSHOTS: screenshotsDir ?? '', [LOG_TAG_VARIABLE]: LOG_TAG },
  }).catch((error: unknown) => {
    workspace.remove();
    throw error;
  });
  progress(`code-server answered after ${seconds()} s`);
  const verbose = Boolean(process.env.CLAIMLENS_TEST_VERBOSE);
  let passed = false;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();

    let settle!: (outcome: { code: number } | { error: Error }) => void;
    const outcome = new Promise<{ code: number } | { error: Error }>((resolve) => (settle = resolve));
    const pendingScreenshots: Promise<void>[] = [];

    await page.exposeFunction('codeAutomationExit', (code: number) => settle({ code }));
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const entry = decodeLogEntry(message);
      if (entry.fromTests) {
        for (const line of entry.text.split('\n')) {
          const marker = SCREENSHOT_MARKER.exec(line.trim());
          if (marker && screenshotsDir) pendingScreenshots.push(saveScreenshot(page, screenshotsDir, marker[1]!));
          else if (!marker) process.stdout.write(line + '\n');
        }
      } else if (verbose || (level === 'error' && !OFFLINE_NOISE.test(entry.text))) {
        process.stderr.write(`[vscode ${level}] ${entry.text}\n`);
      }
    });
    page.on('crash', () => settle({ error: new Error('the browser page crashed') }));
    void server.exited.then((code) => settle({ error: new Error(`code-server exited unexpectedly (code ${code}); see ${server.logFile}`) }));

    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsEntry)],
      ['skipWelcome', 'true'],
    ];
    progress(`suite '${suite.name}': opening ${workspace.folder} in VS Code ${VSCODE_VERSION} (headless Chromium)${suite.trusted ? '' : ', workspace not trusted'}`);
    await page.goto(server.url(workspace.folder, payload), { waitUntil: 'domcontentloaded' });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ error: Error }>((resolve) => {
      timer = setTimeout(() => resolve({ error: new Error(`timed out: the integration tests did not finish within ${limitSeconds} s (CLAIMLENS_TEST_TIMEOUT)`) }), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([outcome, timeout]);
    clearTimeout(timer);
    progress(`suite '${suite.name}' finished after ${seconds()} s`);
    await Promise.all(pendingScreenshots);
    if ('error' in result) throw result.error;
    passed = result.code === 0;
    return result.code;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(server.userDataDir, { recursive: true, force: true });
    fs.rmSync(server.extensionsDir, { recursive: true, force: true });
    workspace.remove();
    // The server log only matters when something went wrong.
    if (passed) fs.rmSync(server.logFile, { force: true });
    else progress(`code-server log kept: ${server.logFile}`);
  }
}

const LOG_TAG = '[claimlens-test] ';
/** The workbench's errors that only say "no network": the extension gallery is unreachable offline. */
const OFFLINE_NOISE = /ENOTFOUND|EAI_AGAIN|open-vsx\.org|marketplace|gallery/i;

/**
 * The workbench forwards its own log and the extension host's console through codeAutomationLog,
 * as a JSON array of console arguments (format string first). Lines of the test run carry LOG_TAG
 * (see test/integration/index.ts).
 */
function decodeLogEntry(message: unknown): { fromTests: boolean; text: string } {
  let args: unknown[];
  try {
    const parsed: unknown = typeof message === 'string' ? JSON.parse(message) : message;
    args = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    args = [message];
  }
  const [first, ...rest] = args;
  const fromTests = typeof first === 'string' && first.startsWith(LOG_TAG);
  const format = fromTests ? first.slice(LOG_TAG.length) : first;
  return { fromTests, text: util.format(format, ...rest) };
}

/** Lets the workbench finish painting, then writes atomically: the test waits for the final name. */
async function saveScreenshot(page: Page, dir: string, name: string): Promise<void> {
  const file = path.join(dir, `${name}.png`);
  const partial = path.join(dir, `.${name}.partial.png`);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.screenshot({ path: partial });
    fs.renameSync(partial, file);
    progress(`screenshot saved: ${file}`);
  } catch (error) {
    progress(`screenshot '${name}' failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const only = process.env.CLAIMLENS_TEST_SUITE;
  const suites = BENCH ? [BENCH_SUITE] : SUITES.filter((suite) => !only || suite.name === only);
  if (suites.length === 0) throw new SetupError(`unknown CLAIMLENS_TEST_SUITE '${only}' (known: ${SUITES.map((s) => s.name).join(', ')})`);
  for (const built of [`${testsEntry}.js`, path.join(repoRoot, 'dist', 'extension.js')]) {
    if (!fs.existsSync(built)) throw new SetupError(`${path.relative(process.cwd(), built)} not found; run 'npm run build' first`);
  }
  const limitSeconds = Number(process.env.CLAIMLENS_TEST_TIMEOUT ?? 600);
  if (!(limitSeconds > 0)) throw new SetupError(`CLAIMLENS_TEST_TIMEOUT must be a number of seconds, got '${process.env.CLAIMLENS_TEST_TIMEOUT}'`);
  const screenshotsDir = process.env.CLAIMLENS_SCREENSHOTS ? path.resolve(process.env.CLAIMLENS_SCREENSHOTS) : undefined;
  if (screenshotsDir) fs.mkdirSync(screenshotsDir, { recursive: true });

  ensureDebianPackages();
  ensureCodeServer();
  // The limit covers the test runs, not the one-time install above.
  const deadline = Date.now() + limitSeconds * 1000;
  const failed: string[] = [];
  for (const suite of suites) {
    const code = await runSuite(suite, deadline, limitSeconds, screenshotsDir);
    if (code !== 0) failed.push(suite.name);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    progress(`integration tests FAILED in suite${failed.length > 1 ? 's' : ''} ${failed.join(', ')} (${seconds} s)`);
    return 1;
  }
  progress(`integration tests passed: ${suites.length} suite${suites.length > 1 ? 's' : ''} in ${seconds} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof SetupError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`test:integration: ${message}\n`);
    process.exit(1);
  },
);
