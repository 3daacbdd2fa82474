// Machine suggestions for the editor: the analysis of each open document (re-run, debounced, after
// edits) and the corpus index of every document the `claimlens.documents` glob selects (the core's
// CorpusIndex: extraction cached by content hash, corpus-wide speaker registry), so hover cards can
// say where a speaker appears and what they stand for across the whole folder.
//
// The extraction never runs on the extension host's thread when it can be avoided: open documents
// go to one worker thread, the corpus to a pool of workers (src/cli/workerPool.ts, the same one
// `claimlens index build` uses). Where workers cannot start (a web host, a missing bundle) the
// core's in-process runner takes over, yielding to the event loop between documents. Indexing is
// shown as cancellable progress in the status bar.
import * as vscode from 'vscode';
import { availableParallelism } from 'node:os';
import { analyzeDocument } from '../core/analyze';
import type { DocumentExtraction, ExtractedSpeaker } from '../core/extract/types';
import { SIDECAR_SUFFIX } from '../core/fs';
import { CorpusIndex } from '../core/index/corpusIndex';
import { ExtractionCancelledError, type ExtractionRunner, InProcessRunner, refreshIndex } from '../core/index/pool';
import type { CorpusSpeaker } from '../core/index/registry';
import { sha256Hex } from '../core/text';
import { WorkerPoolRunner, WorkerStartError } from '../cli/workerPool';
import type { ClaimLensServices } from './services';
import { locationOf, uriOf } from './workspaceFs';

export interface DocumentAnalysis {
  uri: vscode.Uri;
  /** The document version analysed. */
  version: number;
  text: string;
  sha256: string;
  extraction: DocumentExtraction;
}

/** Pause after the last keystroke before re-analysing an open document. */
const EDIT_DEBOUNCE_MS = 300;
/** Larger files are left out of the corpus (a 20 MB single line is not an article). */
const MAX_INDEXED_BYTES = 4 * 1024 * 1024;
const EMPTY: DocumentExtraction = { speakers: [], claims: [], stances: [] };

/**
 * A runner on worker threads that falls back, once and for good, to the in-process runner when
 * workers cannot start here.
 */
class ResilientRunner implements ExtractionRunner {
  private pool: ExtractionRunner | undefined;
  private readonly fallback: InProcessRunner;
  readonly parallelism: number;

  constructor(workers: number, services: ClaimLensServices) {
    this.parallelism = workers;
    this.fallback = new InProcessRunner({ analyze: analyzeDocument, fs: services.fs, sliceMs: 8 });
    try {
      this.pool = new WorkerPoolRunner({ workers, resolveFile: (location) => uriOf(location).fsPath });
    } catch {
      this.pool = undefined;
    }
  }

  async run(...args: Parameters<ExtractionRunner['run']>): ReturnType<ExtractionRunner['run']> {
    const [jobs, options] = args;
    // Worker threads read files by path: only local files (and texts given in the job) go there.
    const local = jobs.every((j) => j.text !== undefined || j.location.startsWith('file:'));
    if (this.pool && local) {
      try {
        return await this.pool.run(jobs, options);
      } catch (error) {
        if (!(error instanceof WorkerStartError)) throw error;
        console.warn(`ClaimLens: extraction runs on the extension host (${error.message})`);
        void this.pool.dispose().catch(() => undefined);
        this.pool = undefined;
      }
    }
    return this.fallback.run(jobs, options);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.pool?.dispose(), this.fallback.dispose()]);
  }
}

export class AnalysisService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** A document's analysis changed (uri), or the corpus as a whole (undefined). */
  readonly onDidChange = this.emitter.event;

  /** The corpus: every article's extraction by URI string, and the corpus-wide speaker registry. */
  readonly index: CorpusIndex;
  /** Latest analysis of open documents, by URI string. */
  private readonly live = new Map<string, DocumentAnalysis>();
  /** Extractions by content hash: an unchanged text is never analysed twice. */
  private readonly byHash = new Map<string, DocumentExtraction>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; waiters: Array<() => void> }>();
  private readonly running = new Map<string, Promise<DocumentAnalysis | undefined>>();
  private readonly liveRunner: ExtractionRunner;
  private readonly corpusRunner: ExtractionRunner;
  private indexing: Promise<void> | undefined;
  private indexAbort: AbortController | undefined;
  private indexedOnce = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices) {
    this.index = new CorpusIndex({ fs: services.fs, analyze: analyzeDocument });
    this.liveRunner = new ResilientRunner(1, services);
    // Leave a core to the editor itself.
    this.corpusRunner = new ResilientRunner(Math.max(1, availableParallelism() - 1), services);
    this.disposables.push(this.emitter);
  }

  dispose(): void {
    this.indexAbort?.abort();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    void this.liveRunner.dispose().catch(() => undefined);
    void this.corpusRunner.dispose().catch(() => undefined);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** The analysis of the document's current text, or undefined while it is being (re)computed. */
  current(document: vscode.TextDocument): DocumentAnalysis | undefined {
    const analysis = this.live.get(locationOf(document.uri));
    return analysis && analysis.version === document.version && analysis.text.length === document.getText().length ? analysis : undefined;
  }

  /** The latest analysis, even when the document was edited since (its offsets may be stale). */
  latest(document: vscode.TextDocument): DocumentAnalysis | undefined {
    return this.live.get(locationOf(document.uri));
  }

  /** Analyses the document now (or returns the running/current analysis of this version). */
  analyze(document: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    const key = locationOf(document.uri);
    const current = this.current(document);
    if (current) return Promise.resolve(current);
    const running = this.running.get(key);
    if (running) return running.then((a) => (a && a.version === document.version ? a : this.analyze(document)));
    const run = this.run(document).finally(() => {
      if (this.running.get(key) === run) this.running.delete(key);
    });
    this.running.set(key, run);
    return run;
  }

  /** Re-analyses after a pause in typing; resolves when that analysis is done. */
  schedule(document: vscode.TextDocument): Promise<void> {
    const key = locationOf(document.uri);
    const previous = this.pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const waiters = previous?.waiters ?? [];
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      void this.analyze(document).finally(() => waiters.forEach((w) => w()));
    }, EDIT_DEBOUNCE_MS);
    this.pending.set(key, { timer, waiters });
    return done;
  }

  /** A closed document: its live analysis goes; the corpus goes back to the text on disk. */
  forget(document: vscode.TextDocument): void {
    const key = locationOf(document.uri);
    if (!this.live.delete(key)) return;
    if (document.uri.scheme === 'untitled') {
      if (this.index.remove(key)) this.emitter.fire(undefined);
    } else if (this.index.has(key)) {
      void this.refreshFile(document.uri);
    }
  }

  private async run(document: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    const version = document.version;
    const text = document.getText();
    const key = locationOf(document.uri);
    const sha256 = await sha256Hex(text);
    let extraction = this.byHash.get(sha256);
    if (!extraction) {
      const [outcome] = await this.liveRunner.run([{ location: key, text }]).catch((error: unknown) => {
        console.error('ClaimLens: the analysis failed', error);
        return [undefined];
      });
      extraction = outcome?.status === 'extracted' ? outcome.extraction : EMPTY;
      this.remember(sha256, extraction);
    }
    if (document.isClosed) return undefined;
    const analysis: DocumentAnalysis = { uri: document.uri, version, text, sha256, extraction };
    // A newer version may have been analysed meanwhile; keep the newest.
    const existing = this.live.get(key);
    if (!existing || existing.version <= version) {
      this.live.set(key, analysis);
      // The open text is what the corpus shows for this document (speakers, counts, stances).
      if (this.isCorpusDocument(document.uri)) this.index.addExtracted({ location: key, sha256, extraction });
      this.emitter.fire(document.uri);
    }
    return analysis;
  }

  private remember(sha256: string, extraction: DocumentExtraction): void {
    this.byHash.set(sha256, extraction);
    if (this.byHash.size > 500) this.byHash.delete(this.byHash.keys().next().value!);
  }

  /** Whether the document belongs to the corpus (the indexing run or the documents watcher found it). */
  private isCorpusDocument(uri: vscode.Uri): boolean {
    return this.index.has(locationOf(uri));
  }

  // --- corpus ---------------------------------------------------------------------------------

  /** Every document known, with its extraction: open documents' live analyses win over the index. */
  *corpusExtractions(): Iterable<[string, DocumentExtraction]> {
    for (const [uri, analysis] of this.live) yield [uri, analysis.extraction];
    for (const location of this.index.locations()) {
      if (this.live.has(location)) continue;
      const record = this.index.document(location);
      if (record) yield [location, record.extraction];
    }
  }

  /** The extraction of one document: its live analysis when open, else the index's. */
  extractionOf(uri: string): DocumentExtraction | undefined {
    return this.live.get(uri)?.extraction ?? this.index.document(uri)?.extraction;
  }

  /** Documents open in the editor with an analysis. */
  liveDocuments(): string[] {
    return [...this.live.keys()];
  }

  knownDocuments(): string[] {
    return [...new Set([...this.live.keys(), ...this.index.locations()])];
  }

  /** The corpus speaker a document's speaker is (registry: "Macron" in one article = "Emmanuel Macron" in another). */
  corpusSpeakerOf(uri: vscode.Uri | string, documentSpeakerId: string): CorpusSpeaker | undefined {
    return this.index.corpusSpeakerOf(typeof uri === 'string' ? uri : locationOf(uri), documentSpeakerId);
  }

  /** A speaker by corpus id, else the document-level speaker with that id with the most mentions. */
  corpusSpeaker(id: string): ExtractedSpeaker | undefined {
    const registered = this.index.speaker(id);
    if (registered) {
      return { id: registered.id, name: registered.name, kind: registered.kind, role: registered.role, aliases: registered.aliases, mentions: [] };
    }
    let best: ExtractedSpeaker | undefined;
    for (const [, extraction] of this.corpusExtractions()) {
      const s = extraction.speakers.find((x) => x.id === id);
      if (s && (!best || s.mentions.length > best.mentions.length)) best = s;
    }
    return best;
  }

  get isIndexed(): boolean {
    return this.indexedOnce;
  }

  /** Indexes the corpus once (later calls wait for the same run). */
  ensureIndexed(): Promise<void> {
    return this.indexing ?? this.reindex();
  }

  /** Brings the corpus up to date (only changed files are read and analysed), with cancellable progress. */
  reindex(): Promise<void> {
    this.indexAbort?.abort();
    const abort = new AbortController();
    this.indexAbort = abort;
    const run = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'ClaimLens: indexing articles', cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return this.indexNow(progress, abort.signal);
      },
    )).catch((error: unknown) => {
      if (error instanceof ExtractionCancelledError || abort.signal.aborted) return;
      void vscode.window.showErrorMessage(`ClaimLens: indexing the articles failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.indexing = run;
    return run;
  }

  private async indexNow(progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal): Promise<void> {
    const cancel = new vscode.CancellationTokenSource();
    signal.addEventListener('abort', () => cancel.cancel(), { once: true });
    const files = await vscode.workspace.findFiles(this.services.documentsGlob, '**/{node_modules,.git}/**', undefined, cancel.token);
    cancel.dispose();
    const targets: Array<{ location: string; mtime: number; size: number }> = [];
    for (const uri of files) {
      if (signal.aborted) throw new ExtractionCancelledError(0, files.length);
      if (uri.path.endsWith(SIDECAR_SUFFIX)) continue;
      const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
      if (!stat || stat.size > MAX_INDEXED_BYTES) continue;
      targets.push({ location: locationOf(uri), mtime: stat.mtime, size: stat.size });
    }
    let reported = 0;
    const report = await refreshIndex(this.index, targets, {
      runner: this.corpusRunner, fs: this.services.fs, signal, prune: true,
      onProgress: (done, total) => {
        if (total === 0) return;
        const percent = (done / total) * 100;
        progress.report({ message: `${done}/${total}`, increment: percent - reported });
        reported = percent;
      },
    });
    // Open documents: their live text wins over the file on disk.
    for (const analysis of this.live.values()) {
      if (this.isCorpusDocument(analysis.uri)) this.index.addExtracted({ location: locationOf(analysis.uri), sha256: analysis.sha256, extraction: analysis.extraction });
    }
    // Sidecars of the corpus feed confirmed stances and counts in hover cards (only those that exist are read).
    const sidecars = await vscode.workspace.findFiles(`**/*${SIDECAR_SUFFIX}`, '**/{node_modules,.git}/**');
    for (const sidecar of sidecars) {
      if (signal.aborted) break;
      const document = locationOf(sidecar).slice(0, -SIDECAR_SUFFIX.length);
      await this.services.store.load(document).catch(() => undefined);
    }
    if (report.failed.length) console.warn(`ClaimLens: ${report.failed.length} article(s) could not be indexed, e.g. ${report.failed[0]!.location}: ${report.failed[0]!.error}`);
    this.indexedOnce = true;
    this.emitter.fire(undefined);
  }

  /** A file of the corpus (documents glob) was created or changed on disk: re-analyse it alone (when it is open, the editor's text wins). */
  async refreshFile(uri: vscode.Uri): Promise<void> {
    const key = locationOf(uri);
    if (!this.indexedOnce) return; // the first indexing run will find it
    const live = this.live.get(key);
    if (live) {
      if (this.index.addExtracted({ location: key, sha256: live.sha256, extraction: live.extraction }) !== 'unchanged') this.emitter.fire(undefined);
      return;
    }
    try {
      const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
      const report = await refreshIndex(this.index, stat && stat.size <= MAX_INDEXED_BYTES ? [{ location: key, mtime: stat.mtime, size: stat.size }] : [], { runner: this.liveRunner, fs: this.services.fs });
      if (!stat || stat.size > MAX_INDEXED_BYTES) this.index.remove(key);
      if (report.added.length || report.changed.length || report.removed.length || !stat) this.emitter.fire(undefined);
    } catch (error) {
      console.warn('ClaimLens: re-indexing a changed article failed', error);
    }
  }

  removeFile(uri: vscode.Uri): void {
    if (this.index.remove(locationOf(uri))) this.emitter.fire(undefined);
  }
}
