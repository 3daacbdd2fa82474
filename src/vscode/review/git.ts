// The part of VS Code's built-in Git extension API (`vscode.git`, API version 1) that the review
// uses, typed here because the extension ships no type package. Every call is feature-checked:
// the API differs slightly between VS Code versions, and the extension may be disabled.
import * as vscode from 'vscode';

/** `GitRef.type`: a local branch, a remote branch, a tag. */
export const GIT_REF_HEAD = 0;
export const GIT_REF_REMOTE_HEAD = 1;
export const GIT_REF_TAG = 2;

export interface GitRef {
  readonly type: number;
  readonly name?: string;
  readonly commit?: string;
  readonly remote?: string;
}

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: number;
}

/** Status of an untracked file in `GitChange.status`. */
export const GIT_STATUS_UNTRACKED = 7;

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: GitRef | undefined;
    readonly refs?: GitRef[];
    readonly workingTreeChanges: GitChange[];
    readonly untrackedChanges?: GitChange[];
  };
  show(ref: string, path: string): Promise<string>;
  diffWith(ref: string): Promise<GitChange[]>;
  getRefs?(query: { pattern?: string; count?: number; sort?: 'alphabetically' | 'committerdate' }, token?: vscode.CancellationToken): Promise<GitRef[]>;
  status(): Promise<void>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** Why the Git API cannot be used, in words for a person. */
export class GitUnavailable extends Error {}

/** The Git API, initialised; throws {@link GitUnavailable} saying why not. */
export async function gitApi(timeoutMs = 10_000): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!extension) throw new GitUnavailable('the built-in Git extension (vscode.git) is not available in this VS Code');
  let exports: GitExtensionExports;
  try {
    exports = extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    throw new GitUnavailable(`the built-in Git extension could not start (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!exports?.enabled) throw new GitUnavailable('the built-in Git extension is disabled (setting git.enabled), or Git is not installed');
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { listener.dispose(); resolve(); }, timeoutMs);
      const listener = api.onDidChangeState((state) => {
        if (state === 'initialized') { clearTimeout(timer); listener.dispose(); resolve(); }
      });
    });
    if ((api.state as string) !== 'initialized') throw new GitUnavailable('the built-in Git extension did not finish starting');
  }
  return api;
}

/** The repositories holding the workspace folders (opened through the API when not yet open). */
export async function workspaceRepositories(api: GitApi): Promise<GitRepository[]> {
  const found = new Map<string, GitRepository>();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    let repository = api.getRepository(folder.uri);
    if (!repository && api.openRepository) repository = await api.openRepository(folder.uri).catch(() => null);
    if (repository) found.set(repository.rootUri.toString(), repository);
  }
  return [...found.values()];
}

/** Branches and tags of a repository, newest first when the API can sort them. */
export async function refsOf(repository: GitRepository): Promise<GitRef[]> {
  if (repository.getRefs) {
    try {
      return await repository.getRefs({ sort: 'committerdate' });
    } catch {
      // fall through to the state's list
    }
  }
  return repository.state.refs ?? [];
}
