// "ClaimLens: Review Annotation Changes": the working tree's sidecars against HEAD or a chosen
// branch or tag, through the built-in Git extension. Results go to the Annotation Changes view
// (per document, per claim: old → new verdict and the claim's words) and changed claims get a
// gutter mark with the changes in their hover. While a review is shown it follows edits to the
// sidecars (debounced). Outside a Git repository, or without the Git extension, the command says
// so and returns why, instead of failing.
import * as vscode from 'vscode';
import { verdictLabel } from '../../core/sidecar/verdicts';
import type { ClaimLensServices } from '../services';
import { claimLabel, Debouncer, displayPath, escapeMarkdown, plural } from '../views/common';
import { GIT_REF_HEAD, GIT_REF_REMOTE_HEAD, GIT_REF_TAG, gitApi, GitUnavailable, refsOf, workspaceRepositories, type GitApi } from './git';
import { reviewRepositories, type ClaimChanges, type DocumentReview, type ReviewResult } from './reviewModel';
import type { SidecarChange } from '../../core/review/diff';

export const CHANGES_VIEW_ID = 'claimlens.annotationChanges';
const ACTIVE_CONTEXT = 'claimlens.reviewActive';

export interface ReviewChangesArgs { ref?: string }

/** What `claimlens.reviewChanges` resolves with (also when nothing could be compared). */
export type ReviewOutcome =
  | { ok: true; ref: string; documents: number; claims: number; changes: number }
  | { ok: false; reason: 'no-git' | 'not-a-repository' | 'unknown-ref' | 'cancelled' | 'failed'; message: string };

export interface AnnotationReview {
  readonly tree: ChangesTreeProvider;
  readonly view: vscode.TreeView<ChangeNode>;
  /** The review shown, if any. */
  current(): ReviewResult | undefined;
  /** Ranges marked as changed in an editor. */
  decorationsFor(editor: vscode.TextEditor): vscode.Range[];
  whenIdle(): Promise<void>;
}

export function registerReview(context: vscode.ExtensionContext, services: ClaimLensServices): AnnotationReview {
  const review = new ReviewController(services, context);
  context.subscriptions.push(review);
  return review;
}

// ------------------------------------------------------------------------------------ the tree

export type ChangeNode =
  | { readonly type: 'review-document'; readonly document: DocumentReview }
  | { readonly type: 'review-claim'; readonly document: DocumentReview; readonly claim: ClaimChanges }
  | { readonly type: 'review-other'; readonly document: DocumentReview; readonly change: SidecarChange; readonly index: number }
  | { readonly type: 'review-problem'; readonly document: DocumentReview };

export class ChangesTreeProvider implements vscode.TreeDataProvider<ChangeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ChangeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly services: ClaimLensServices, private readonly result: () => ReviewResult | undefined) {}

  dispose(): void {
    this.emitter.dispose();
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(element?: ChangeNode): ChangeNode[] {
    const result = this.result();
    if (!result) return [];
    if (!element) return result.documents.map((document) => ({ type: 'review-document', document }));
    if (element.type !== 'review-document') return [];
    const { document } = element;
    if (document.problem) return [{ type: 'review-problem', document }];
    return [
      ...document.claims.map((claim): ChangeNode => ({ type: 'review-claim', document, claim })),
      ...document.other.map((change, index): ChangeNode => ({ type: 'review-other', document, change, index })),
    ];
  }

  getParent(element: ChangeNode): ChangeNode | undefined {
    return element.type === 'review-document' ? undefined : { type: 'review-document', document: element.document };
  }

  getTreeItem(element: ChangeNode): vscode.TreeItem {
    const ref = this.result()?.ref ?? 'HEAD';
    const scale = this.services.verdictScale;
    const label = (key: string | null) => (key === null ? 'none' : verdictLabel(scale, key));
    if (element.type === 'review-document') {
      const { document } = element;
      const item = new vscode.TreeItem(document.documentUri, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `review:${document.documentUri.toString()}`;
      item.label = displayPath(document.documentUri);
      const count = document.claims.length;
      item.description = document.problem ? 'cannot compare' : `${plural(count, 'claim')} changed${document.other.length ? `, ${plural(document.other.length, 'other change')}` : ''}`;
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'claimlens.reviewDocument';
      item.tooltip = `${displayPath(document.sidecarUri)} compared with ${ref}`;
      return item;
    }
    if (element.type === 'review-problem') {
      const item = new vscode.TreeItem(element.document.problem ?? 'cannot compare', vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      item.command = { command: 'vscode.open', title: 'Open Sidecar', arguments: [element.document.sidecarUri] };
      return item;
    }
    if (element.type === 'review-other') {
      const item = new vscode.TreeItem(element.change.message, vscode.TreeItemCollapsibleState.None);
      item.id = `review:${element.document.documentUri.toString()}:other:${element.index}`;
      item.iconPath = changeIcon(element.change.kind.endsWith('-added') ? 'added' : element.change.kind.endsWith('-removed') ? 'removed' : 'modified');
      item.tooltip = element.change.message;
      item.command = openDiffCommand(element.document, ref);
      return item;
    }
    const { claim, document } = element;
    const item = new vscode.TreeItem(claimLabel(claim.quote.replace(/^“|”$/g, ''), 60), vscode.TreeItemCollapsibleState.None);
    item.id = `review:${document.documentUri.toString()}:${claim.claimId}`;
    item.description = claim.verdict
      ? `${label(claim.verdict.before)} → ${label(claim.verdict.after)}`
      : claim.added ? 'added' : claim.removed ? 'removed' : summary(claim.changes);
    item.iconPath = changeIcon(claim.added ? 'added' : claim.removed ? 'removed' : 'modified');
    item.contextValue = claim.removed ? 'claimlens.reviewRemovedClaim' : 'claimlens.reviewClaim';
    item.tooltip = new vscode.MarkdownString([
      `**${escapeMarkdown(claim.quote)}** — ${escapeMarkdown(claim.speaker)}`, '',
      `Changes since \`${escapeMarkdown(ref)}\`:`, '',
      ...claim.changes.map((c) => `- ${escapeMarkdown(c.message)}`),
    ].join('\n'));
    item.command = claim.removed
      ? openDiffCommand(document, ref)
      : { command: 'claimlens.revealClaim', title: 'Reveal Claim', arguments: [{ uri: document.documentUri.toString(), claimId: claim.claimId }] };
    return item;
  }
}

function summary(changes: SidecarChange[]): string {
  const words: Record<string, string> = {
    'claim-reattributed': 'speaker', 'claim-status': 'status', 'claim-kind': 'kind', 'claim-rationale': 'rationale', 'claim-note': 'note',
    'claim-source-added': 'sources', 'claim-source-removed': 'sources', 'claim-tags': 'tags', 'claim-anchor-moved': 're-anchored', 'claim-span-changed': 'span',
  };
  return [...new Set(changes.map((c) => words[c.kind] ?? c.kind))].join(', ');
}

function changeIcon(kind: 'added' | 'removed' | 'modified'): vscode.ThemeIcon {
  const color = kind === 'added' ? 'gitDecoration.addedResourceForeground' : kind === 'removed' ? 'gitDecoration.deletedResourceForeground' : 'gitDecoration.modifiedResourceForeground';
  return new vscode.ThemeIcon(kind === 'added' ? 'diff-added' : kind === 'removed' ? 'diff-removed' : 'diff-modified', new vscode.ThemeColor(color));
}

function openDiffCommand(document: DocumentReview, ref: string): vscode.Command {
  return { command: 'claimlens.openAnnotationDiff', title: 'Open Sidecar Changes', arguments: [{ uri: document.sidecarUri.toString(), ref }] };
}

// ------------------------------------------------------------------------------ the controller

class ReviewController implements AnnotationReview, vscode.Disposable {
  readonly tree: ChangesTreeProvider;
  readonly view: vscode.TreeView<ChangeNode>;
  private result: ReviewResult | undefined;
  private api: GitApi | undefined;
  private readonly decoration: vscode.TextEditorDecorationType;
  private readonly applied = new WeakMap<vscode.TextEditor, vscode.Range[]>();
  private readonly recompute: Debouncer;
  private readonly redecorate: Debouncer;
  private running: Promise<ReviewOutcome> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices, context: vscode.ExtensionContext) {
    this.tree = new ChangesTreeProvider(services, () => this.result);
    this.view = vscode.window.createTreeView(CHANGES_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    this.decoration = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'review-changed.svg'),
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      outlineColor: new vscode.ThemeColor('editorGutter.modifiedBackground'),
      outlineStyle: 'dotted',
      outlineWidth: '1px',
    });
    this.recompute = new Debouncer(async () => {
      if (this.result) await this.run(this.result.ref, { quiet: true });
    }, 500);
    this.redecorate = new Debouncer(() => this.decorateAll(), 100);
    this.disposables.push(
      this.tree, this.view, this.decoration, this.recompute, this.redecorate,
      vscode.commands.registerCommand('claimlens.reviewChanges', (args?: ReviewChangesArgs) => this.command(args)),
      vscode.commands.registerCommand('claimlens.refreshAnnotationChanges', () => this.result ? this.run(this.result.ref) : this.command()),
      vscode.commands.registerCommand('claimlens.clearAnnotationChanges', () => this.clear()),
      vscode.commands.registerCommand('claimlens.openAnnotationDiff', (args?: { uri?: string; ref?: string; document?: DocumentReview }) => this.openDiff(args)),
      services.onDidChangeAnnotations(() => this.result && this.recompute.schedule()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redecorate.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.result && this.redecorate.schedule()),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  current(): ReviewResult | undefined {
    return this.result;
  }

  decorationsFor(editor: vscode.TextEditor): vscode.Range[] {
    return this.applied.get(editor) ?? [];
  }

  async whenIdle(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.recompute.whenIdle();
    await this.running?.catch(() => undefined);
    await this.redecorate.flush();
  }

  private async command(args?: ReviewChangesArgs): Promise<ReviewOutcome> {
    const given = args && typeof args === 'object' && typeof args.ref === 'string' && args.ref.trim() ? args.ref.trim() : undefined;
    let ref = given;
    if (!ref) {
      const picked = await this.pickRef();
      if (!picked.ok) return this.tell(picked);
      ref = picked.ref;
    }
    return this.run(ref);
  }

  private tell(outcome: ReviewOutcome): ReviewOutcome {
    if (!outcome.ok && outcome.reason !== 'cancelled') {
      const show = outcome.reason === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(`ClaimLens: ${outcome.message}`);
    }
    return outcome;
  }

  private async repositories(): Promise<{ ok: true; api: GitApi; repositories: Awaited<ReturnType<typeof workspaceRepositories>> } | Extract<ReviewOutcome, { ok: false }>> {
    try {
      this.api ??= await gitApi();
    } catch (error) {
      const why = error instanceof GitUnavailable ? error.message : String(error);
      return { ok: false, reason: 'no-git', message: `annotation changes are reviewed through Git, but ${why}. Nothing was compared.` };
    }
    const repositories = await workspaceRepositories(this.api);
    if (repositories.length === 0) {
      return { ok: false, reason: 'not-a-repository', message: 'the workspace is not in a Git repository, so there are no earlier versions of the annotations to compare with. Commit the sidecars (*.annotations.yaml) to Git to review their changes.' };
    }
    return { ok: true, api: this.api, repositories };
  }

  private async pickRef(): Promise<{ ok: true; ref: string } | Extract<ReviewOutcome, { ok: false }>> {
    const found = await this.repositories();
    if (!found.ok) return found;
    const repository = found.repositories[0]!;
    const refs = await refsOf(repository);
    type Pick = vscode.QuickPickItem & { ref?: string };
    const items: Pick[] = [{ label: 'HEAD', description: repository.state.HEAD?.name ? `the last commit on ${repository.state.HEAD.name}` : 'the last commit', ref: 'HEAD' }];
    const section = (title: string, type: number) => {
      const list = refs.filter((r) => r.type === type && r.name);
      if (!list.length) return;
      items.push({ label: title, kind: vscode.QuickPickItemKind.Separator });
      for (const r of list) items.push({ label: r.name!, description: r.commit?.slice(0, 8) ?? '', ref: r.name! });
    };
    section('Branches', GIT_REF_HEAD);
    section('Tags', GIT_REF_TAG);
    section('Remote branches', GIT_REF_REMOTE_HEAD);
    const picked = await vscode.window.showQuickPick(items, { title: 'ClaimLens: review annotation changes since…', placeHolder: 'Compare the working sidecars with HEAD, a branch or a tag', matchOnDescription: true });
    if (!picked?.ref) return { ok: false, reason: 'cancelled', message: 'no ref chosen' };
    return { ok: true, ref: picked.ref };
  }

  private run(ref: string, options: { quiet?: boolean } = {}): Promise<ReviewOutcome> {
    const previous = this.running ?? Promise.resolve(undefined);
    const run = previous.catch(() => undefined).then(() => this.runNow(ref, options));
    this.running = run;
    return run;
  }

  private async runNow(ref: string, options: { quiet?: boolean }): Promise<ReviewOutcome> {
    const found = await this.repositories();
    if (!found.ok) return options.quiet ? found : this.tell(found);
    let result: ReviewResult;
    try {
      result = await vscode.window.withProgress({ location: { viewId: CHANGES_VIEW_ID } }, () => reviewRepositories(found.repositories, ref));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const unknown = /unknown revision|bad revision|ambiguous argument|not a valid|invalid object/i.test(message) || /unknown revision|bad revision|ambiguous argument/i.test(String((error as { stderr?: string }).stderr ?? ''));
      const outcome: ReviewOutcome = unknown
        ? { ok: false, reason: 'unknown-ref', message: `Git does not know "${ref}": pick an existing branch, tag or commit.` }
        : { ok: false, reason: 'failed', message: `comparing the annotations with ${ref} failed: ${message}` };
      return options.quiet ? outcome : this.tell(outcome);
    }
    this.result = result;
    await vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, true);
    this.view.description = `since ${ref}`;
    this.view.message = result.documents.length ? undefined : `No annotation changes since ${ref}.`;
    this.tree.refresh();
    await this.redecorate.flush();
    const claims = result.documents.reduce((n, d) => n + d.claims.length, 0);
    if (!options.quiet) {
      void vscode.commands.executeCommand(`${CHANGES_VIEW_ID}.focus`).then(undefined, () => undefined);
      if (!result.documents.length) void vscode.window.showInformationMessage(`ClaimLens: no annotation changes since ${ref}.`);
    }
    return { ok: true, ref, documents: result.documents.length, claims, changes: result.changeCount };
  }

  private async clear(): Promise<void> {
    this.result = undefined;
    this.view.description = undefined;
    this.view.message = undefined;
    await vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, false);
    this.tree.refresh();
    await this.redecorate.flush();
  }

  private async openDiff(args?: { uri?: string; ref?: string; document?: DocumentReview }): Promise<void> {
    const sidecar = args?.document?.sidecarUri ?? (args?.uri ? vscode.Uri.parse(args.uri, true) : undefined);
    const ref = args?.ref ?? this.result?.ref ?? 'HEAD';
    if (!sidecar) return;
    if (!this.api) return void vscode.window.showTextDocument(sidecar);
    const before = this.api.toGitUri(sidecar, ref);
    await vscode.commands.executeCommand('vscode.diff', before, sidecar, `${displayPath(sidecar)} (${ref} ↔ working tree)`);
  }

  /** Marks changed claims in every visible editor of a reviewed document. */
  private decorateAll(): void {
    const byDocument = new Map((this.result?.documents ?? []).map((d) => [d.documentUri.toString(), d]));
    for (const editor of vscode.window.visibleTextEditors) {
      const review = byDocument.get(editor.document.uri.toString());
      const options: vscode.DecorationOptions[] = [];
      if (review && this.services.isArticle(editor.document)) {
        const live = new Map(this.services.claimsIn(editor.document, { suggestions: false, rejected: true }).map((c) => [c.claim!.id, c]));
        for (const claim of review.claims) {
          const at = live.get(claim.claimId);
          if (!at || claim.removed) continue;
          const hover = new vscode.MarkdownString([`**ClaimLens — changed since \`${escapeMarkdown(this.result!.ref)}\`**`, '', ...claim.changes.map((c) => `- ${escapeMarkdown(c.message)}`)].join('\n'));
          options.push({ range: this.services.spanToRange(editor.document, at.start, at.end), hoverMessage: hover });
        }
      }
      editor.setDecorations(this.decoration, options);
      this.applied.set(editor, options.map((o) => o.range));
    }
  }
}
