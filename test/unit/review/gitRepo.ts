/**
 * Temporary Git repositories for the merge-driver and textconv tests: real
 * `git` runs, isolated from the user's own Git configuration.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (tests run from out/test/unit/<area>/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * The CLI the tests drive: tsc's output by default (always the code under
 * test), or another build through CLAIMLENS_CLI, e.g. the bundle:
 * `CLAIMLENS_CLI=dist/cli.js npx mocha …` after `npm run build`.
 */
export const CLI = path.resolve(REPO_ROOT, process.env.CLAIMLENS_CLI ?? 'out/src/cli/main.js');

/** Git ignoring the user's and the system's configuration. */
const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
  LC_ALL: 'C',
  NO_COLOR: '1',
};
delete gitEnv.GIT_DIR;
delete gitEnv.GIT_WORK_TREE;
delete gitEnv.GIT_INDEX_FILE;

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class TempRepo {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'claimlens-git-'));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'Test Checker');
    this.git('config', 'user.email', 'checker@example.org');
    this.git('config', 'commit.gpgsign', 'false');
    this.git('config', 'core.autocrlf', 'false');
  }

  /** Runs git; throws with its stderr when it fails. */
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: gitEnv, encoding: 'utf8' });
  }

  /** Runs git and returns the status instead of throwing (for `git merge` with conflicts). */
  tryGit(...args: string[]): RunResult {
    const r = spawnSync('git', args, { cwd: this.dir, env: gitEnv, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs the ClaimLens CLI in the repository. */
  claimlens(...args: string[]): RunResult {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: this.dir, env: gitEnv, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  write(file: string, text: string): void {
    writeFileSync(path.join(this.dir, file), text);
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  commitAll(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
