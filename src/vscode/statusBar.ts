// The status bar item for the active article: its speakers, claims and how many are still
// unverified. Clicking it opens the document's sidecar.
import * as vscode from 'vscode';
import type { ClaimLensServices } from './services';

export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('claimlens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: ClaimLensServices) {
    this.item.name = 'ClaimLens';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      services.onDidChangeAnnotations(() => this.schedule()),
      services.onDidChangeAnalysis(() => this.schedule()),
      services.onDidChangeConfiguration(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule();
      }),
    );
    this.refresh();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // While typing, the analysis is provisional (carried through the edits, its extraction built
      // only when read): counting it would build it on the UI thread, and its counts cover only the
      // paragraphs analysed so far. The whole-document analysis follows and schedules this again.
      const document = vscode.window.activeTextEditor?.document;
      if (document && this.services.analysis.current(document)?.provisional && this.item.text) return;
      this.refresh();
    }, 100);
  }

  /** The counts shown, for the test API. */
  counts(document: vscode.TextDocument): { speakers: number; claims: number; unverified: number; suggestions: number } {
    const services = this.services;
    const claims = services.claimsIn(document);
    const accepted = claims.filter((c) => c.claim);
    const unverified = accepted.filter((c) => c.claim!.verdict === services.verdictScale.defaultVerdict).length;
    const speakerIds = new Set<string>();
    for (const s of services.annotationsFor(document)?.sidecar?.speakers ?? []) speakerIds.add(s.id);
    for (const s of services.analysis.current(document)?.extraction.speakers ?? []) speakerIds.add(s.id);
    return { speakers: speakerIds.size, claims: accepted.length, unverified, suggestions: claims.length - accepted.length };
  }

  refresh(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.services.isArticle(editor.document)) {
      this.item.hide();
      return;
    }
    const { speakers, claims, unverified, suggestions } = this.counts(editor.document);
    this.item.text = `$(person) ${speakers}  $(quote) ${claims}${unverified ? `  $(question) ${unverified}` : ''}${suggestions ? `  $(sparkle) ${suggestions}` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**ClaimLens**\n\n${speakers} speaker${speakers === 1 ? '' : 's'} · ${claims} annotated claim${claims === 1 ? '' : 's'}, ${unverified} unverified · ${suggestions} suggestion${suggestions === 1 ? '' : 's'}\n\nClick to open the annotations (sidecar).`);
    this.item.accessibilityInformation = { label: `ClaimLens: ${speakers} speakers, ${claims} claims, ${unverified} unverified, ${suggestions} suggestions` };
    this.item.command = { command: 'claimlens.openSidecar', title: 'Open annotations', arguments: [{ uri: editor.document.uri.toString() }] };
    this.item.show();
  }
}
