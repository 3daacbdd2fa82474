// `npm start`: opens the seeds/ folder in VS Code with the extension from this working tree.
// Desktop VS Code when a `code` command is on PATH; otherwise the web VS Code (code-server,
// installed into .vscode-test/ on first use) on http://127.0.0.1:8080 or the next free port
// (PORT=<n> to choose). Ctrl+C stops the server.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, ensureDebianPackages, findFreePort, progress, repoRoot, SetupError, startCodeServer } from './codeServer';

const DEFAULT_PORT = 8080;
const seeds = path.join(repoRoot, 'seeds');

/** The first executable `name` on PATH, if any. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function openInDesktop(code: string): Promise<number> {
  progress(`opening ${seeds} in desktop VS Code (${code}) with the extension from ${repoRoot}`);
  const child = spawn(code, [`--extensionDevelopmentPath=${repoRoot}`, seeds], { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`start: could not run ${code}: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (status) => resolve(status ?? 1));
  });
}

function requestedPort(): number | undefined {
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError(`PORT must be a port number (1-65535), got '${raw}'`);
  return port;
}

async function serveInBrowser(): Promise<number> {
  // Chromium is only for the tests; code-server's install needs the other two.
  ensureDebianPackages(['libkrb5-dev', 'ripgrep']);
  ensureCodeServer();
  const wanted = requestedPort();
  let port: number;
  if (wanted !== undefined) {
    port = await findFreePort(wanted);
    if (port !== wanted) throw new SetupError(`port ${wanted} (from PORT) is in use; choose another, e.g. PORT=${port} npm start`);
  } else {
    port = await findFreePort(DEFAULT_PORT);
  }
  const server = await startCodeServer({ port, profile: 'start', workspaceTrust: true });
  // Only the development path: the workbench opens for a person, no tests run.
  const url = server.url(seeds, [['extensionDevelopmentPath', server.remoteUri(repoRoot)]]);
  process.stdout.write(`ClaimLens is running: ${url}\n`);
  progress('open that address in a browser; press Ctrl+C here to stop');
  const code = await server.exited;
  if (server.stopRequested) return new Promise(() => undefined); // Ctrl+C: the signal handler exits
  process.stderr.write(`start: code-server stopped unexpectedly (exit ${code}); see ${server.logFile}\n`);
  return 1;
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new SetupError("dist/extension.js not found; run 'npm run build' first (npm start does)");
  const code = onPath('code');
  return code ? openInDesktop(code) : serveInBrowser();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
