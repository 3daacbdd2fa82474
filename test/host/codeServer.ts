// Everything needed to run the extension inside a real VS Code on a machine that cannot download
// desktop VS Code: the Debian packages, code-server 4.100.3 (= VS Code 1.100.3, the last line that
// runs on Node 20) installed once into a git-ignored cache folder, and a started/stopped server.
// Used by the integration runner (runInCodeServer.ts) and by `npm start` (start.ts).
// Facts behind the choices: ../../../shared/TESTING-IN-VSCODE.md (kept next to the repository).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

/** The repository root: this file runs from out/test/host/. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Git-ignored cache (see .gitignore: `.vscode-test/`). */
export const cacheDir = path.join(repoRoot, '.vscode-test', 'code-server');

/** Debian packages the browser route needs: the browser, the `kerberos` native module's headers, rg. */
export const REQUIRED_DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep'] as const;

/** The @vscode/ripgrep release that code-server 4.100.3 pulls in, and the rg build it fetches. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_BINARY_VERSION = 'v13.0.0-10';

/** Progress goes to stderr so stdout stays the test report. */
export function progress(message: string): void {
  process.stderr.write(`[claimlens] ${message}\n`);
}

/** A problem the user must fix by hand; the runners print its message as one line and exit 1. */
export class SetupError extends Error {
  override name = 'SetupError';
}

// ---------------------------------------------------------------------------------------------
// Debian packages

/** Package status as dpkg reports it: `installed`, `missing`, or `unknown` when dpkg is absent. */
export type PackageState = 'installed' | 'missing' | 'unknown';

/** Asks dpkg for one package. `dpkg-query -W` exits 1 for a package it has never seen. */
export function debianPackageState(name: string): PackageState {
  const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name], { encoding: 'utf8' });
  if (result.error) return 'unknown'; // not a Debian-like system: nothing to check
  // "ii " = installed; "rc " (removed, config kept) or "un " or a non-zero exit = not installed.
  return result.status === 0 && result.stdout.startsWith('ii') ? 'installed' : 'missing';
}

/** Which of `names` are not installed; pure in its inputs so the decision can be tested. */
export function missingPackages(names: readonly string[], stateOf: (name: string) => PackageState): string[] {
  return names.filter((name) => stateOf(name) === 'missing');
}

export function aptInstallCommand(packages: readonly string[]): string {
  return `sudo apt-get install -y ${packages.join(' ')}`;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Installs the missing Debian packages when running as root; otherwise stops with the exact
 * apt-get line to run. On a system without dpkg it says so once and carries on (the user then
 * provides chromium and ripgrep another way).
 */
export function ensureDebianPackages(packages: readonly string[] = REQUIRED_DEBIAN_PACKAGES): void {
  if (debianPackageState('dpkg') === 'unknown') {
    progress(`dpkg not found: cannot check for ${packages.join(', ')}; make sure they are installed.`);
    return;
  }
  const missing = missingPackages(packages, debianPackageState);
  if (missing.length === 0) return;
  if (!isRoot()) {
    throw new SetupError(`missing Debian packages ${missing.join(', ')}; run: ${aptInstallCommand(missing)}`);
  }
  progress(`installing Debian packages: ${missing.join(' ')} (apt-get, about a minute)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0) {
      throw new SetupError(`'apt-get ${args.join(' ')}' failed (exit ${result.status ?? result.signal}); fix the apt error above and rerun`);
    }
  }
  const stillMissing = missingPackages(missing, debianPackageState);
  if (stillMissing.length > 0) {
    throw new SetupError(`apt-get finished but ${stillMissing.join(', ')} is still not installed; run: ${aptInstallCommand(stillMissing)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// code-server installation

const installDir = path.join(cacheDir, 'install');
const installedMarker = path.join(installDir, `.installed-${CODE_SERVER_VERSION}`);
const codeServerEntry = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function codeServerIsInstalled(): boolean {
  return fs.existsSync(installedMarker) && fs.existsSync(codeServerEntry);
}

/** Target triple of the rg build @vscode/ripgrep would download for this machine. */
function ripgrepTarget(): string {
  switch (process.arch) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      throw new SetupError(`code-server install: no offline ripgrep recipe for CPU architecture ${process.arch}`);
  }
}

/**
 * @vscode/ripgrep's install script downloads rg from GitHub unless it finds the release tarball in
 * `$TMPDIR/vscode-ripgrep-cache-<version>/`. Packing Debian's /usr/bin/rg there keeps the install
 * offline. Returns the TMPDIR the install must see.
 */
function placeRipgrepTarball(): string {
  const rg = '/usr/bin/rg';
  if (!fs.existsSync(rg)) throw new SetupError(`${rg} not found; run: ${aptInstallCommand(['ripgrep'])}`);
  const tmpDir = path.join(cacheDir, 'tmp');
  const ripgrepCache = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = path.join(ripgrepCache, `ripgrep-${RIPGREP_BINARY_VERSION}-${ripgrepTarget()}.tar.gz`);
  if (!fs.existsSync(tarball)) {
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'claimlens-rg-'));
    try {
      fs.copyFileSync(rg, path.join(staging, 'rg'));
      fs.chmodSync(path.join(staging, 'rg'), 0o755);
      fs.mkdirSync(ripgrepCache, { recursive: true });
      const tar = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg'], { encoding: 'utf8' });
      if (tar.status !== 0) throw new SetupError(`could not pack ${rg} for the offline ripgrep install: ${tar.stderr.trim()}`);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return tmpDir;
}

/**
 * Installs code-server into the cache once (about a minute and 300 MB) and reuses it afterwards.
 * Returns the path of its Node entry point.
 */
export function ensureCodeServer(): string {
  if (codeServerIsInstalled()) return codeServerEntry;
  const started = Date.now();
  progress(`first use: installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${path.relative(process.cwd(), installDir) || installDir}`);
  progress('this happens once, takes about a minute and needs ~300 MB; later runs reuse it');
  fs.mkdirSync(installDir, { recursive: true });
  // Its own package.json: without one npm would walk up and install into the project itself.
  fs.writeFileSync(
    path.join(installDir, 'package.json'),
    JSON.stringify({ name: 'claimlens-code-server-cache', private: true, description: 'Cache for ClaimLens integration tests; safe to delete.' }, null, 2) + '\n',
  );
  const tmpDir = placeRipgrepTarball();
  // --prefix and dropping npm_config_local_prefix: under `npm test` npm exports the project's
  // folder as the local prefix, and the nested install must not land in the project.
  const args = ['install', '--prefix', installDir, '--unsafe-perm', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`];
  const { npm_config_local_prefix: _projectPrefix, ...inherited } = process.env;
  const env = {
    ...inherited,
    TMPDIR: tmpDir,
    npm_config_yes: 'true', // code-server's native modules call `npx` in their install scripts
    // Playwright-style browser downloads are never wanted here.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: installDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0 || !fs.existsSync(codeServerEntry)) {
    throw new SetupError(
      `installing code-server failed (npm exit ${result.status ?? result.signal}); see npm's messages above, then rerun (cache: ${installDir})`,
    );
  }
  fs.writeFileSync(installedMarker, new Date().toISOString() + '\n');
  progress(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerEntry;
}

// ---------------------------------------------------------------------------------------------
// Ports

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `preferred` when it is free, otherwise any free port on 127.0.0.1. */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Running a server

export interface CodeServerOptions {
  /** Port to use; default: any free port. */
  port?: number;
  /**
   * true: VS Code asks for trust as it normally does (the folder opens in restricted mode until
   * trusted). false (tests' default): `--disable-workspace-trust`, every folder is trusted.
   */
  workspaceTrust?: boolean;
  /** Names the profile folders in the cache, e.g. 'test' or 'start'. */
  profile: string;
  /** Start from an empty user-data folder (tests want no state from earlier runs). */
  freshProfile?: boolean;
  /** Extra user settings written into the profile. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server; the extension host inherits it. */
  env?: NodeJS.ProcessEnv;
  /** Where the server's own output goes; default: a log file in the cache. */
  logFile?: string;
}

export interface RunningCodeServer {
  readonly port: number;
  readonly origin: string; // http://127.0.0.1:PORT
  readonly logFile: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Workbench URL opening `folder`, with a payload such as [["extensionDevelopmentPath", uri]]. */
  url(folder: string, payload: ReadonlyArray<readonly [string, string]>): string;
  /** A `vscode-remote://` URI for an absolute path on this machine. */
  remoteUri(absolutePath: string): string;
  /** True once stop() was called (by the caller or by Ctrl+C). */
  readonly stopRequested: boolean;
  /** Resolves when the server process has exited (after stop() or on its own). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Settings that keep a scripted or first-time workbench quiet and offline. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
};

// Ctrl+C (SIGINT) or SIGTERM while servers run: stop them before exiting, so none outlives us.
const runningServers = new Set<() => Promise<void>>(); // their stop functions
let signalHandlersInstalled = false;
function stopServersOnSignals(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping code-server`);
    void Promise.all([...runningServers].map((stop) => stop())).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

function waitForHttp(origin: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let serverGone = false;
  void exited.then(() => (serverGone = true));
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (serverGone) return reject(new SetupError('code-server exited during start-up'));
      const request = http.get(`${origin}/healthz`, (response) => {
        response.resume();
        if (response.statusCode === 200) resolve();
        else retry();
      });
      request.setTimeout(2000, () => request.destroy());
      request.once('error', retry);
    };
    const retry = (): void => {
      if (Date.now() > deadline) reject(new SetupError(`code-server did not answer on ${origin} within ${timeoutMs / 1000} s`));
      else setTimeout(attempt, 250);
    };
    attempt();
  });
}

function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const entry = ensureCodeServer();
  const port = options.port ?? (await findFreePort());
  const origin = `http://127.0.0.1:${port}`;
  const userDataDir = path.join(cacheDir, `user-data-${options.profile}`);
  const extensionsDir = path.join(cacheDir, `extensions-${options.profile}`);
  if (options.freshProfile) fs.rmSync(userDataDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // A config file of our own so code-server never writes ~/.config/code-server/config.yaml.
  const configFile = path.join(cacheDir, 'config.yaml');
  fs.writeFileSync(configFile, '# Written by ClaimLens test/host/codeServer.ts\nauth: none\ncert: false\n');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // no settings yet, or a hand-edited file with comments: start from ours
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...options.settings }, null, 2) + '\n');

  const logFile = options.logFile ?? path.join(cacheDir, 'logs', `${options.profile}-${port}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = fs.openSync(logFile, 'w');
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', configFile,
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  progress(`starting code-server ${CODE_SERVER_VERSION} on ${origin} (log: ${path.relative(process.cwd(), logFile)})`);
  // Its own process group, so stop() also ends the extension hosts and watchers it spawns.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  fs.closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const pid = child.pid;
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals): void => {
        try {
          process.kill(-pid, signal);
        } catch {
          // the group is already gone
        }
      };
      signalGroup('SIGTERM');
      const exitedInTime = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!exitedInTime) {
        progress('code-server did not stop within 5 s; killing it');
        signalGroup('SIGKILL');
        await exited;
      }
      // Children that outlived the parent (extension hosts) belong to the same group.
      signalGroup('SIGKILL');
    })().finally(() => runningServers.delete(stop));
    return stopping;
  };

  runningServers.add(stop);
  stopServersOnSignals();

  try {
    await waitForHttp(origin, exited, 60_000);
  } catch (error) {
    await stop();
    const tail = tailOf(logFile, 20);
    if (tail) process.stderr.write(`--- last lines of ${logFile} ---\n${tail}\n`);
    throw error;
  }

  const remoteUri = (absolutePath: string): string => `vscode-remote://127.0.0.1:${port}${absolutePath}`;
  // Slashes may stay readable in a query string.
  const query = (value: string): string => encodeURIComponent(value).replace(/%2F/g, '/');
  const server: RunningCodeServer = {
    port,
    origin,
    logFile,
    userDataDir,
    extensionsDir,
    exited,
    stop,
    get stopRequested() {
      return stopping !== undefined;
    },
    remoteUri,
    url: (folder, payload) => `${origin}/?folder=${query(folder)}&payload=${query(JSON.stringify(payload))}`,
  };
  return server;
}
