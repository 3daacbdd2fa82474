// Which sidecar claims lost their place in the text ("orphaned": the quote is no longer in the
// document and no convincing match exists), per document, with the sidecar line each claim starts
// at. Shared by the Orphaned annotations tree and the Problems panel (one index per services).
//
// Only findings are kept here (which claim ids are orphaned, at which sidecar line); the claims
// themselves are always read from the store. A document is re-checked when its sidecar changes,
// when its open text changes (debounced), and all of them when the corpus was indexed.
import * as vscode from 'vscode';
import { documentLocationFor, SIDECAR_SUFFIX } from '../../core/fs';
import { parseSidecar } from '../../core/sidecar/parse';
import { decodeText } from '../../core/text';
import type { Claim } from '../../core/sidecar/model';
import type { ClaimLensServices } from '../services';
import { locationOf, uriOf } from '../workspaceFs';
import { Debouncer, isCorpusDocument, openDocument } from './common';

export interface OrphanFinding {
  /** The document (URI string) whose text no longer holds the quote. */
  document: string;
  sidecar: string;
  claimId: string;
  /** 1-based line of the claim's entry in the sidecar (its `- id:` line). */
  line: number;
  /** Whether the claim was a rejected suggestion (reported, but less urgent). */
  rejected: boolean;
}

export interface DocumentCheck {
  document: string;
  orphans: OrphanFinding[];
  /** The sidecar exists but its document cannot be read (deleted, renamed, not UTF-8). */
  documentMissing?: string;
}

const instances = new WeakMap<ClaimLensServices, OrphanIndex>();

/** The one orphan index of these services (created on first use, disposed with the extension). */
export function orphanIndexFor(services: ClaimLensServices, context: vscode.ExtensionContext): OrphanIndex {
  let index = instances.get(services);
  if (!index) {
    index = new OrphanIndex(services);
    instances.set(services, index);
    context.subscriptions.push(index);
  }
  return index;
}

export class OrphanIndex implements vscode.Disposable {
  private readonly checks = new Map<string, DocumentCheck>();
  /** Documents whose sidecar the store has reported (loaded, changed, broken). */
  private readonly known = new Set<string>();
  private readonly dirty = new Set<string>();
  private everything = true;
  private readonly emitter = new vscode.EventEmitter<string[]>();
  /** Documents (URI strings) whose findings changed. */
  readonly onDidChange = this.emitter.event;
  private readonly debouncer: Debouncer;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices) {
    this.debouncer = new Debouncer(() => this.recheck(), 200);
    this.disposables.push(
      this.emitter, this.debouncer,
      services.onDidChangeAnnotations((uri) => this.invalidate(locationOf(uri))),
      services.onDidChangeAnalysis((uri) => (uri ? this.invalidate(locationOf(uri)) : this.invalidateAll())),
      services.onDidChangeConfiguration(() => this.invalidateAll()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.known.has(locationOf(e.document.uri))) this.invalidate(locationOf(e.document.uri));
      }),
      // A closed editor may have held unsaved text: check against the file again.
      vscode.workspace.onDidCloseTextDocument((d) => this.known.has(locationOf(d.uri)) && this.invalidate(locationOf(d.uri))),
    );
    this.debouncer.schedule();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Documents with at least one orphaned claim that is not a rejected suggestion. */
  documentsWithOrphans(): DocumentCheck[] {
    return [...this.checks.values()]
      .filter((c) => c.orphans.some((o) => !o.rejected))
      .sort((a, b) => a.document.localeCompare(b.document));
  }

  check(document: string): DocumentCheck | undefined {
    return this.checks.get(document);
  }

  /** Every document whose sidecar has been seen (for the Problems panel). */
  knownDocuments(): string[] {
    return [...this.known];
  }

  /** The claim of a finding, as the store has it now. */
  claimOf(finding: OrphanFinding): Claim | undefined {
    return this.services.store.get(finding.document)?.sidecar?.claims.find((c) => c.id === finding.claimId);
  }

  /** Resolves once pending re-checks are done. */
  async whenIdle(): Promise<void> {
    await this.debouncer.whenIdle();
  }

  invalidate(document: string): void {
    if (!isCorpusDocument(document)) return;
    this.known.add(document);
    this.dirty.add(document);
    this.debouncer.schedule();
  }

  invalidateAll(): void {
    this.everything = true;
    this.debouncer.schedule();
  }

  private async recheck(): Promise<void> {
    let targets: string[];
    if (this.everything) {
      this.everything = false;
      for (const uri of this.services.analysis.knownDocuments()) if (isCorpusDocument(uri) && this.services.store.get(uri)) this.known.add(uri);
      targets = [...this.known];
      this.dirty.clear();
    } else {
      targets = [...this.dirty];
      this.dirty.clear();
    }
    const changed: string[] = [];
    for (const document of targets) {
      const before = JSON.stringify(this.checks.get(document) ?? null);
      const check = await this.checkDocument(document);
      if (check) this.checks.set(document, check);
      else this.checks.delete(document);
      if (JSON.stringify(check ?? null) !== before) changed.push(document);
    }
    if (changed.length) this.emitter.fire(changed);
  }

  private async checkDocument(document: string): Promise<DocumentCheck | undefined> {
    const state = this.services.store.get(document);
    if (!state?.exists || !state.sidecar || state.yamlText === undefined) return undefined;
    const text = await this.textOf(document);
    if (text === undefined) {
      return { document, orphans: [], documentMissing: `the document ${state.sidecar.document.name} next to this sidecar cannot be read (deleted, renamed, or not UTF-8 text): restore it, or move the sidecar along with it` };
    }
    const entry = this.services.store.get(document, text);
    const resolutions = entry?.resolutions;
    if (!entry?.sidecar || !resolutions) return undefined;
    const orphaned = entry.sidecar.claims
      .map((claim, index) => ({ claim, index }))
      .filter(({ claim }) => resolutions.get(claim.id)?.status === 'orphaned');
    if (orphaned.length === 0) return { document, orphans: [] };
    const located = parseSidecar(state.yamlText, state.sidecarLocation);
    return {
      document,
      orphans: orphaned.map(({ claim, index }) => ({
        document,
        sidecar: state.sidecarLocation,
        claimId: claim.id,
        line: located.locate?.(['claims', index]).line ?? 1,
        rejected: claim.status === 'rejected',
      })),
    };
  }

  /** The live text of an open document, else the file's text; undefined when it cannot be read. */
  private async textOf(document: string): Promise<string | undefined> {
    const open = openDocument(document);
    if (open) return open.getText();
    try {
      return decodeText(await this.services.fs.readFile(document)).text;
    } catch {
      return undefined;
    }
  }
}

/** The document a sidecar URI belongs to (`a.txt.annotations.yaml` → `a.txt`). */
export function documentOfSidecar(sidecar: vscode.Uri): vscode.Uri | undefined {
  if (!sidecar.path.endsWith(SIDECAR_SUFFIX)) return undefined;
  const location = documentLocationFor(locationOf(sidecar));
  return location ? uriOf(location) : undefined;
}
