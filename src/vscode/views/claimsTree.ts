// The Claims tree: the claims of the active article, grouped by verdict in the order of the scale
// in force, with pending machine suggestions in a group of their own. Each claim shows its words
// (shortened) and its speaker; selecting it selects the claim's text in the editor. Everything is
// read from the services when VS Code asks; nothing is cached between refreshes.
import * as vscode from 'vscode';
import { findVerdict, verdictLabel } from '../../core/sidecar/verdicts';
import type { ClaimAt, ClaimLensServices } from '../services';
import { claimLabel, Debouncer, escapeMarkdown, isCorpusDocument, plural, SUGGESTION_ICON, verdictIcon } from './common';

export const SUGGESTIONS_GROUP = '(suggestions)';
/** Up to this many suggestions, their group starts unfolded. */
const SUGGESTIONS_SHOWN_OPEN = 10;

export interface ClaimGroupNode {
  readonly type: 'claim-group';
  /** A verdict key, or SUGGESTIONS_GROUP. */
  readonly group: string;
  readonly documentUri: string;
  readonly count: number;
}

/** Field names follow the editor commands' argument objects (`uri`, `claimId`), so item menus can pass the node as is. */
export interface ClaimNode {
  readonly type: 'claim';
  readonly uri: string;
  readonly claimId: string;
  readonly group: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly speakerName: string;
  readonly verdict?: string;
  readonly suggested: boolean;
}

export type ClaimsTreeNode = ClaimGroupNode | ClaimNode;

export class ClaimsTreeProvider implements vscode.TreeDataProvider<ClaimsTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ClaimsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly debouncer = new Debouncer(() => this.emitter.fire(undefined), 150);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices) {
    const activeUri = () => vscode.window.activeTextEditor?.document.uri.toString();
    this.disposables.push(
      this.emitter, this.debouncer,
      vscode.window.onDidChangeActiveTextEditor(() => this.debouncer.schedule()),
      services.onDidChangeAnnotations((uri) => uri.toString() === activeUri() && this.debouncer.schedule()),
      services.onDidChangeAnalysis((uri) => (!uri || uri.toString() === activeUri()) && this.debouncer.schedule()),
      services.onDidChangeConfiguration(() => this.debouncer.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && e.document.uri.toString() === activeUri() && this.debouncer.schedule()),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  whenRefreshed(): Promise<void> {
    return this.debouncer.whenIdle();
  }

  refresh(): void {
    this.debouncer.schedule();
  }

  /** The article the tree shows: the active editor's, when it is an article. */
  document(): vscode.TextDocument | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document && this.services.isArticle(document) && isCorpusDocument(document.uri.toString()) ? document : undefined;
  }

  getChildren(element?: ClaimsTreeNode): ClaimsTreeNode[] {
    const document = this.document();
    if (!document) return [];
    if (element?.type === 'claim') return [];
    const claims = this.services.claimsIn(document).map((c) => this.nodeOf(document, c));
    if (element?.type === 'claim-group') {
      if (element.documentUri !== document.uri.toString()) return [];
      return claims.filter((c) => c.group === element.group);
    }
    const counts = new Map<string, number>();
    for (const c of claims) counts.set(c.group, (counts.get(c.group) ?? 0) + 1);
    // The scale's order (unverified first: what is left to do), unknown verdicts after, suggestions last.
    const order = [...this.services.verdictScale.verdicts.map((v) => v.key)];
    for (const key of counts.keys()) if (!order.includes(key) && key !== SUGGESTIONS_GROUP) order.push(key);
    order.push(SUGGESTIONS_GROUP);
    return order.filter((g) => counts.has(g)).map((group) => ({ type: 'claim-group', group, documentUri: document.uri.toString(), count: counts.get(group)! }));
  }

  getParent(element: ClaimsTreeNode): ClaimsTreeNode | undefined {
    if (element.type === 'claim-group') return undefined;
    const document = this.document();
    if (!document || document.uri.toString() !== element.uri) return undefined;
    return this.getChildren().find((g) => g.type === 'claim-group' && g.group === element.group);
  }

  getTreeItem(element: ClaimsTreeNode): vscode.TreeItem {
    const scale = this.services.verdictScale;
    if (element.type === 'claim-group') {
      const suggestions = element.group === SUGGESTIONS_GROUP;
      // A long list of suggestions starts folded, so the verdicts stay in view.
      const folded = suggestions && element.count > SUGGESTIONS_SHOWN_OPEN;
      const item = new vscode.TreeItem(suggestions ? 'Suggestions' : verdictLabel(scale, element.group), folded ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.id = `claims-group:${element.documentUri}:${element.group}`;
      item.description = String(element.count);
      item.iconPath = suggestions ? SUGGESTION_ICON : verdictIcon(scale, element.group);
      item.contextValue = suggestions ? 'claimlens.suggestionGroup' : 'claimlens.verdictGroup';
      item.tooltip = suggestions
        ? `${plural(element.count, 'machine suggestion')} not yet in the sidecar: accept them (Accept All Suggestions) or tag them one by one`
        : `${plural(element.count, 'claim')}: ${findVerdict(scale, element.group)?.description ?? 'a verdict not on the scale in use (claimlens.verdicts)'}`;
      return item;
    }
    const item = new vscode.TreeItem(claimLabel(element.text), vscode.TreeItemCollapsibleState.None);
    item.id = `claim:${element.uri}:${element.claimId}`;
    item.description = element.speakerName;
    item.iconPath = element.suggested ? SUGGESTION_ICON : verdictIcon(scale, element.verdict ?? scale.defaultVerdict);
    item.contextValue = element.suggested ? 'claimlens.suggestion' : 'claimlens.claim';
    const status = element.suggested ? 'machine suggestion' : `verdict: **${escapeMarkdown(verdictLabel(scale, element.verdict ?? scale.defaultVerdict))}**`;
    item.tooltip = new vscode.MarkdownString(`“${escapeMarkdown(element.text)}”\n\n— ${escapeMarkdown(element.speakerName)} · ${status}`);
    item.accessibilityInformation = { label: `${element.speakerName}: ${element.text}. ${element.suggested ? 'Suggestion' : verdictLabel(scale, element.verdict ?? '')}` };
    item.command = {
      command: 'claimlens.revealClaim',
      title: 'Reveal Claim',
      arguments: [{ uri: element.uri, claimId: element.claimId, start: element.start, end: element.end }],
    };
    return item;
  }

  private nodeOf(document: vscode.TextDocument, at: ClaimAt): ClaimNode {
    const services = this.services;
    const claim = at.claim;
    const speakerId = claim ? claim.speaker : at.suggestion?.speaker ?? null;
    const suggested = !claim || claim.status === 'suggested';
    const text = claim ? services.offsetMap(document).slice(at.start, at.end) || claim.anchor.exact : at.suggestion!.text;
    return {
      type: 'claim',
      uri: document.uri.toString(),
      claimId: claim?.id ?? at.suggestion!.id,
      group: suggested ? SUGGESTIONS_GROUP : claim!.verdict,
      start: at.start,
      end: at.end,
      text,
      speakerName: speakerId ? services.speaker(document, speakerId)?.name ?? speakerId : 'unattributed',
      ...(claim ? { verdict: claim.verdict } : {}),
      suggested,
    };
  }
}
