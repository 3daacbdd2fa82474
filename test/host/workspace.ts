// Temporary workspaces for the integration suites, so tests can write sidecars and Git history
// without touching the repository's seeds/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkspaceKind } from '../integration/suites';
import { repoRoot, SetupError } from './codeServer';

export interface TemporaryWorkspace {
  /** The folder VS Code opens; named like its source so screenshots show "seeds". */
  readonly folder: string;
  remove(): void;
}

function git(cwd: string, args: string[]): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'ClaimLens Tests',
    GIT_AUTHOR_EMAIL: 'tests@claimlens.invalid',
    GIT_COMMITTER_NAME: 'ClaimLens Tests',
    GIT_COMMITTER_EMAIL: 'tests@claimlens.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new SetupError(`git ${args.join(' ')} failed in ${cwd}: ${(result.stderr || String(result.error)).trim()}`);
}

/** Copies seeds/ (or CLAIMLENS_TEST_WORKSPACE) into a fresh temporary folder. */
export function prepareWorkspace(kind: WorkspaceKind): TemporaryWorkspace {
  const override = process.env.CLAIMLENS_TEST_WORKSPACE;
  const source = override ? path.resolve(override) : path.join(repoRoot, 'seeds');
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    throw new SetupError(`test workspace ${source} is not a folder${override ? ' (from CLAIMLENS_TEST_WORKSPACE)' : ''}`);
  }
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'claimlens-workspace-'));
  const folder = path.join(parent, path.basename(source));
  fs.cpSync(source, folder, { recursive: true });
  if (kind === 'seeds-git') {
    git(folder, ['init', '--quiet', '--initial-branch=main']);
    git(folder, ['add', '--all']);
    git(folder, ['commit', '--quiet', '--no-gpg-sign', '--message', 'Seed articles']);
  }
  return { folder, remove: () => fs.rmSync(parent, { recursive: true, force: true }) };
}
