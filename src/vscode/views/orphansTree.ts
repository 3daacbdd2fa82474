// The Orphaned annotations tree: sidecar claims whose quote is no longer in their document, per
// document. Nothing is lost (the sidecar keeps the claim with its verdict, sources and notes), but
// the editor cannot show it; selecting one opens the sidecar at the claim so a person can re-anchor
// or delete it. The tooltip says how.
import * as vscode from 'vscode';
import { verdictLabel } from '../../core/sidecar/verdicts';
import type { ClaimLensServices } from '../services';
import { uriOf } from '../workspaceFs';
import { claimLabel, Debouncer, displayPath, escapeMarkdown, plural } from './common';
import type { OrphanFinding, OrphanIndex } from './orphans';

export interface OrphanDocumentNode {
  readonly type: 'orphan-document';
  readonly documentUri: string;
  readonly count: number;
}

export interface OrphanClaimNode {
  readonly type: 'orphan';
  readonly finding: OrphanFinding;
}

export type OrphansTreeNode = OrphanDocumentNode | OrphanClaimNode;

export class OrphansTreeProvider implements vscode.TreeDataProvider<OrphansTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<OrphansTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly debouncer = new Debouncer(() => this.emitter.fire(undefined), 100);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices, private readonly index: OrphanIndex) {
    this.disposables.push(this.emitter, this.debouncer, index.onDidChange(() => this.debouncer.schedule()));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  async whenRefreshed(): Promise<void> {
    await this.index.whenIdle();
    await this.debouncer.whenIdle();
  }

  refresh(): void {
    this.index.invalidateAll();
  }

  getChildren(element?: OrphansTreeNode): OrphansTreeNode[] {
    if (!element) {
      return this.index.documentsWithOrphans().map((c) => ({ type: 'orphan-document', documentUri: c.document, count: c.orphans.filter((o) => !o.rejected).length }));
    }
    if (element.type === 'orphan-document') {
      return (this.index.check(element.documentUri)?.orphans ?? []).filter((o) => !o.rejected).map((finding) => ({ type: 'orphan', finding }));
    }
    return [];
  }

  getParent(element: OrphansTreeNode): OrphansTreeNode | undefined {
    if (element.type === 'orphan-document') return undefined;
    return this.getChildren().find((d) => d.type === 'orphan-document' && d.documentUri === element.finding.document);
  }

  getTreeItem(element: OrphansTreeNode): vscode.TreeItem {
    if (element.type === 'orphan-document') {
      const uri = uriOf(element.documentUri);
      const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `orphans:${element.documentUri}`;
      item.label = displayPath(uri);
      item.description = plural(element.count, 'orphaned claim');
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'claimlens.orphanDocument';
      return item;
    }
    const { finding } = element;
    const claim = this.index.claimOf(finding);
    const text = claim?.anchor.exact ?? finding.claimId;
    const item = new vscode.TreeItem(claimLabel(text), vscode.TreeItemCollapsibleState.None);
    item.id = `orphan:${finding.document}:${finding.claimId}`;
    item.iconPath = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground'));
    item.description = `${claim ? verdictLabel(this.services.verdictScale, claim.verdict) : ''} · line ${finding.line}`;
    item.contextValue = 'claimlens.orphan';
    const documentName = displayPath(finding.document);
    item.tooltip = new vscode.MarkdownString([
      `**Orphaned annotation** — claim \`${finding.claimId}\``,
      '',
      `“${escapeMarkdown(text)}”`,
      '',
      `This quote is no longer in ${escapeMarkdown(documentName)}: its text was edited or removed, and no convincing match was found. ` +
        'The claim is kept unchanged in the sidecar (verdict, sources and notes are safe).',
      '',
      `To fix it: open the article, select the claim's words again and tag them (ClaimLens: Tag Claim), copying what you need from line ${finding.line} of the sidecar; ` +
        'then delete the old entry. If the claim was removed on purpose, delete its entry from the sidecar.',
    ].join('\n'));
    const line = Math.max(0, finding.line - 1);
    item.command = {
      command: 'vscode.open',
      title: 'Open Sidecar at Claim',
      arguments: [uriOf(finding.sidecar), { selection: new vscode.Range(line, 0, line, 0), preview: true } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }
}
