// Keeps the store and the analysis in step with documents and files:
// - an article opened → its sidecar loaded, its text analysed;
// - shown → what is on screen analysed at once (AnalysisService.showing), the whole text in a worker;
// - edited → the analysis follows the edit at once and the whole text is analysed again after a
//   pause in typing (AnalysisService listens to edits itself); sidecar anchors are re-resolved
//   against the live text in memory on every read (services.annotationsFor), so highlights follow
//   the edit at once, while the sidecar file is left alone;
// - saved → anchors that moved are written back to the sidecar (only then: an unsaved edit never
//   rewrites the sidecar);
// - a sidecar changed on disk (git checkout, pull, hand edit, another window) → reloaded;
// - an article changed on disk while not open → re-analysed for the corpus.
import * as vscode from 'vscode';
import { documentLocationFor, SIDECAR_SUFFIX } from '../core/fs';
import { describeError, type ClaimLensServices } from './services';
import { locationOf } from './workspaceFs';

export class DocumentTracker implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private documentsWatcher: vscode.FileSystemWatcher | undefined;

  constructor(private readonly services: ClaimLensServices) {
    const sidecars = vscode.workspace.createFileSystemWatcher(`**/*${SIDECAR_SUFFIX}`);
    const onSidecar = (uri: vscode.Uri) => void this.sidecarChanged(uri);
    this.disposables.push(
      sidecars, sidecars.onDidChange(onSidecar), sidecars.onDidCreate(onSidecar), sidecars.onDidDelete(onSidecar),
      vscode.workspace.onDidOpenTextDocument((document) => this.opened(document)),
      vscode.workspace.onDidSaveTextDocument((document) => void this.saved(document)),
      vscode.workspace.onDidCloseTextDocument((document) => services.analysis.forget(document)),
      services.onDidChangeConfiguration(() => this.watchDocuments()),
    );
    this.watchDocuments();
  }

  dispose(): void {
    this.documentsWatcher?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Loads and analyses the articles already open when ClaimLens starts. */
  openExisting(): void {
    for (const document of vscode.workspace.textDocuments) this.opened(document);
  }

  opened(document: vscode.TextDocument): void {
    if (!this.services.isArticle(document)) return;
    // The sidecar and the analysis do not depend on each other: both start now; what is on screen
    // is analysed at once, the whole document (reading it whole and hashing it takes a while
    // for a large one) from the next task on.
    void this.services.loadAnnotations(document.uri);
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.services.analysis.showing(editor);
    setTimeout(() => { if (!document.isClosed) void this.services.analysis.analyze(document); }, 0);
  }

  private watchDocuments(): void {
    this.documentsWatcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(this.services.documentsGlob);
    const refresh = (uri: vscode.Uri) => {
      if (!uri.path.endsWith(SIDECAR_SUFFIX)) void this.services.analysis.refreshFile(uri);
    };
    watcher.onDidChange(refresh);
    watcher.onDidCreate(refresh);
    watcher.onDidDelete((uri) => this.services.analysis.removeFile(uri));
    this.documentsWatcher = watcher;
  }

  private async sidecarChanged(sidecar: vscode.Uri): Promise<void> {
    const documentLocation = documentLocationFor(locationOf(sidecar));
    if (!documentLocation) return;
    try {
      await this.services.store.reload(documentLocation);
    } catch (error) {
      void vscode.window.showErrorMessage(`ClaimLens: ${describeError(error)}`);
    }
  }

  /** Writes moved anchors back once the text they were resolved against is on disk. */
  private async saved(document: vscode.TextDocument): Promise<void> {
    const services = this.services;
    if (!services.isArticle(document) || !services.trusted) return;
    const entry = services.annotationsFor(document);
    if (!entry?.exists || !entry.sidecar || !entry.writable) return;
    const moved = [...(entry.resolutions?.values() ?? [])].some((r) => r.status === 'moved' || r.status === 'fuzzy');
    if (!moved) return;
    try {
      await services.store.reanchor(locationOf(document.uri), document.getText());
    } catch (error) {
      void vscode.window.showErrorMessage(`ClaimLens: the annotations of ${vscode.workspace.asRelativePath(document.uri)} could not follow your edit: ${describeError(error)}`);
    }
  }
}

