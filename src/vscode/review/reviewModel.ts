// Compares the working tree's sidecars with a Git ref through the built-in Git extension and
// turns the semantic diff of each (src/core/review/diff.ts) into what the Annotation Changes
// view and the editor marks show: per document, per claim, old → new.
import * as vscode from 'vscode';
import { documentLocationFor, SIDECAR_SUFFIX } from '../../core/fs';
import { diffSidecars, type SidecarChange } from '../../core/review/diff';
import { readSidecarVersion, SidecarReadError } from '../../core/review/load';
import type { Sidecar } from '../../core/sidecar/model';
import { decodeText } from '../../core/text';
import { GIT_STATUS_UNTRACKED, type GitRepository } from './git';

export interface ClaimChanges {
  claimId: string;
  /** The claim's words, shortened, in curly quotes (from the diff). */
  quote: string;
  speaker: string;
  start: number;
  changes: SidecarChange[];
  /** `unverified → false` when the verdict changed. */
  verdict?: { before: string | null; after: string | null };
  added: boolean;
  removed: boolean;
}

export interface DocumentReview {
  documentUri: vscode.Uri;
  sidecarUri: vscode.Uri;
  repository: GitRepository;
  /** Changes that concern one claim, in document order. */
  claims: ClaimChanges[];
  /** Other changes (speakers, stances, the file as a whole). */
  other: SidecarChange[];
  /** A version that could not be read (e.g. a merge conflict in the working file). */
  problem?: string;
}

export interface ReviewResult {
  ref: string;
  documents: DocumentReview[];
  /** Number of change records in all. */
  changeCount: number;
}

/** Reads and diffs every sidecar that differs between `ref` and the working tree. */
export async function reviewRepositories(repositories: GitRepository[], ref: string): Promise<ReviewResult> {
  const documents: DocumentReview[] = [];
  for (const repository of repositories) {
    await repository.status().catch(() => undefined);
    // Throws for a ref Git does not know: the caller says so.
    const tracked = await repository.diffWith(ref);
    const untracked = repository.state.untrackedChanges ?? repository.state.workingTreeChanges.filter((c) => c.status === GIT_STATUS_UNTRACKED);
    const sidecars = new Map<string, { now: vscode.Uri; then: vscode.Uri }>();
    for (const change of [...tracked, ...untracked]) {
      const now = change.renameUri ?? change.uri;
      if (!now.path.endsWith(SIDECAR_SUFFIX) && !change.originalUri.path.endsWith(SIDECAR_SUFFIX)) continue;
      sidecars.set(now.toString(), { now, then: change.originalUri });
    }
    for (const { now, then } of sidecars.values()) {
      const review = await reviewSidecar(repository, ref, now, then);
      if (review) documents.push(review);
    }
  }
  documents.sort((a, b) => a.documentUri.path.localeCompare(b.documentUri.path));
  const changeCount = documents.reduce((n, d) => n + d.other.length + d.claims.reduce((m, c) => m + c.changes.length, 0), 0);
  return { ref, documents, changeCount };
}

async function reviewSidecar(repository: GitRepository, ref: string, now: vscode.Uri, then: vscode.Uri): Promise<DocumentReview | undefined> {
  const oldText = await repository.show(ref, then.fsPath).catch(() => '');
  let newText = '';
  try {
    newText = decodeText(await vscode.workspace.fs.readFile(now)).text;
  } catch {
    newText = ''; // deleted in the working tree
  }
  if (oldText === newText) return undefined;
  const documentUri = vscode.Uri.parse(documentLocationFor(now.toString()) ?? now.toString(), true);
  const name = vscode.workspace.asRelativePath(documentUri);
  const base: Omit<DocumentReview, 'claims' | 'other'> = { documentUri, sidecarUri: now, repository };
  let before: Sidecar | undefined;
  let after: Sidecar | undefined;
  try {
    before = readSidecarVersion(oldText, `${ref}:${vscode.workspace.asRelativePath(then)}`);
    after = readSidecarVersion(newText, vscode.workspace.asRelativePath(now));
  } catch (error) {
    const message = error instanceof SidecarReadError ? error.message : String(error);
    return { ...base, claims: [], other: [], problem: `cannot compare: ${message}` };
  }
  const changes = diffSidecars(before, after, { document: name });
  if (changes.length === 0) return undefined;
  const byClaim = new Map<string, ClaimChanges>();
  const other: SidecarChange[] = [];
  for (const change of changes) {
    if (!change.claim) {
      other.push(change);
      continue;
    }
    let entry = byClaim.get(change.claim.id);
    if (!entry) {
      entry = { claimId: change.claim.id, quote: change.claim.quote, speaker: change.claim.speaker, start: change.claim.start, changes: [], added: false, removed: false };
      byClaim.set(change.claim.id, entry);
    }
    entry.changes.push(change);
    if (change.kind === 'claim-added') entry.added = true;
    if (change.kind === 'claim-removed') entry.removed = true;
    if (change.kind === 'claim-verdict') entry.verdict = { before: change.before as string | null, after: change.after as string | null };
  }
  const claims = [...byClaim.values()].sort((a, b) => a.start - b.start);
  return { ...base, claims, other };
}
