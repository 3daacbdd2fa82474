// The Problems panel: what is wrong with sidecars, on the sidecar file at its line — YAML syntax,
// schema, duplicate ids, unresolved merge conflicts (Git's markers and ClaimLens's own `conflict`
// blocks), a missing document, and orphaned anchors (warnings: nothing is lost, but the claim
// cannot be shown). With `claimlens.problems.unverifiedClaims`, unverified claims of open articles
// are listed too, as information on the article.
//
// Findings come from the store (its parse of each sidecar) and from the shared orphan index; this
// module only turns them into VS Code diagnostics whenever they change.
import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic } from '../core/diagnostics';
import { truncateQuote } from '../core/review/quote';
import type { ClaimLensServices } from './services';
import { Debouncer, isCorpusDocument } from './views/common';
import { orphanIndexFor, type OrphanIndex } from './views/orphans';
import { locationOf, uriOf } from './workspaceFs';

export const DIAGNOSTIC_SOURCE = 'ClaimLens';
const UNVERIFIED_SETTING = 'problems.unverifiedClaims';

export interface ClaimLensProblems {
  readonly collection: vscode.DiagnosticCollection;
  /** Resolves once pending updates of the Problems panel are done. */
  whenUpdated(): Promise<void>;
}

export function registerDiagnostics(context: vscode.ExtensionContext, services: ClaimLensServices): ClaimLensProblems {
  const problems = new SidecarProblems(services, orphanIndexFor(services, context));
  context.subscriptions.push(problems);
  return problems;
}

class SidecarProblems implements ClaimLensProblems, vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('claimlens');
  /** Sidecar URIs (strings) that currently have diagnostics. */
  private readonly sidecarsShown = new Set<string>();
  private readonly articlesShown = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly sidecarDebouncer: Debouncer;
  private readonly articleDebouncer: Debouncer;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices, private readonly orphans: OrphanIndex) {
    this.sidecarDebouncer = new Debouncer(() => this.updateSidecars(), 100);
    this.articleDebouncer = new Debouncer(() => this.updateArticles(), 300);
    const touch = (document: string) => {
      this.pending.add(document);
      this.sidecarDebouncer.schedule();
    };
    this.disposables.push(
      this.collection, this.sidecarDebouncer, this.articleDebouncer,
      services.onDidChangeAnnotations((uri) => {
        touch(locationOf(uri));
        this.articleDebouncer.schedule();
      }),
      orphans.onDidChange((documents) => documents.forEach(touch)),
      services.onDidChangeAnalysis((uri) => {
        if (!uri) for (const d of orphans.knownDocuments()) touch(d);
      }),
      services.onDidChangeConfiguration(() => {
        for (const d of orphans.knownDocuments()) touch(d);
        this.articleDebouncer.schedule();
      }),
      vscode.workspace.onDidOpenTextDocument(() => this.articleDebouncer.schedule()),
      vscode.workspace.onDidCloseTextDocument(() => this.articleDebouncer.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.services.isArticle(e.document) && this.articleDebouncer.schedule()),
    );
    for (const d of services.analysis.knownDocuments()) touch(d);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  async whenUpdated(): Promise<void> {
    await this.orphans.whenIdle();
    await Promise.all([this.sidecarDebouncer.whenIdle(), this.articleDebouncer.whenIdle()]);
  }

  private updateSidecars(): void {
    const documents = [...this.pending];
    this.pending.clear();
    for (const document of documents) {
      const state = this.services.store.get(document);
      const sidecarUri = uriOf(state?.sidecarLocation ?? `${document}.annotations.yaml`);
      const diagnostics: vscode.Diagnostic[] = [];
      if (state?.exists) {
        for (const d of state.diagnostics) diagnostics.push(toVscode(d));
        const check = this.orphans.check(document);
        if (check?.documentMissing) {
          diagnostics.push(withCode(new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), check.documentMissing, vscode.DiagnosticSeverity.Warning), 'document-missing'));
        }
        for (const orphan of check?.orphans ?? []) {
          const claim = this.orphans.claimOf(orphan);
          const quote = claim ? `“${truncateQuote(claim.anchor.exact, 60)}”` : '';
          const line = Math.max(0, orphan.line - 1);
          const message = `claim ${orphan.claimId}${quote ? ` ${quote}` : ''} is orphaned: its quote is no longer in the document (the claim is kept as is). ` +
            (orphan.rejected ? 'It was a rejected suggestion: delete it if it is no longer needed.' : 'Select the words again in the article and tag them, then delete this entry; or delete it if the claim was removed.');
          diagnostics.push(withCode(new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), message, vscode.DiagnosticSeverity.Warning), 'orphan'));
        }
      }
      const key = sidecarUri.toString();
      if (diagnostics.length) {
        this.collection.set(sidecarUri, diagnostics);
        this.sidecarsShown.add(key);
      } else if (this.sidecarsShown.delete(key)) {
        this.collection.delete(sidecarUri);
      }
    }
  }

  /** Unverified claims as information on open articles, when the setting asks for it. */
  private updateArticles(): void {
    const enabled = vscode.workspace.getConfiguration('claimlens').get<boolean>(UNVERIFIED_SETTING, false);
    const seen = new Set<string>();
    if (enabled) {
      const scale = this.services.verdictScale;
      for (const document of vscode.workspace.textDocuments) {
        if (!this.services.isArticle(document) || !isCorpusDocument(document.uri.toString())) continue;
        const diagnostics: vscode.Diagnostic[] = [];
        for (const at of this.services.claimsIn(document, { suggestions: false })) {
          const claim = at.claim!;
          if (claim.status !== 'accepted' || claim.verdict !== scale.defaultVerdict) continue;
          const speaker = claim.speaker ? this.services.speaker(document, claim.speaker)?.name ?? claim.speaker : 'an unattributed source';
          const diagnostic = new vscode.Diagnostic(this.services.spanToRange(document, at.start, at.end),
            `Unverified claim by ${speaker}: tag it with a verdict when it has been checked`, vscode.DiagnosticSeverity.Information);
          diagnostics.push(withCode(diagnostic, 'unverified'));
        }
        if (!diagnostics.length) continue;
        const key = document.uri.toString();
        seen.add(key);
        this.collection.set(document.uri, diagnostics);
        this.articlesShown.add(key);
      }
    }
    for (const key of [...this.articlesShown]) {
      if (seen.has(key)) continue;
      this.articlesShown.delete(key);
      if (!this.sidecarsShown.has(key)) this.collection.delete(uriOf(key));
    }
  }
}

function withCode(diagnostic: vscode.Diagnostic, code: string): vscode.Diagnostic {
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = code;
  return diagnostic;
}

const SEVERITIES: Record<CoreDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toVscode(d: CoreDiagnostic): vscode.Diagnostic {
  const line = Math.max(0, d.line - 1);
  const column = Math.max(0, d.column - 1);
  const end = d.endLine !== undefined
    ? new vscode.Position(Math.max(line, d.endLine - 1), Math.max(0, (d.endColumn ?? 1) - 1))
    : new vscode.Position(line, Number.MAX_SAFE_INTEGER);
  const start = new vscode.Position(line, column);
  const range = end.isAfter(start) ? new vscode.Range(start, end) : new vscode.Range(start, new vscode.Position(line, Number.MAX_SAFE_INTEGER));
  return withCode(new vscode.Diagnostic(range, d.message, SEVERITIES[d.severity]), d.code);
}
