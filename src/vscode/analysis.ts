// Machine suggestions for the editor: the analysis of each open document and the corpus index of
// every document the `claimlens.documents` glob selects (the core's CorpusIndex: extraction cached
// by content hash, corpus-wide speaker registry), so hover cards can say where a speaker appears and
// what they stand for across the whole folder.
//
// An open document never waits for its whole-document analysis, which takes seconds on a large
// document and runs on a worker thread (src/cli/workerPool.ts, the same one `claimlens index build`
// uses), shown as progress in the status bar:
// - the paragraphs on screen are analysed at once on the extension host, a window of a few
//   kilobytes (milliseconds), and shown as a provisional analysis; scrolling analyses what comes
//   into view;
// - after an edit, the last analysis is carried through the edit and the paragraphs around it are
//   analysed again, at once (core/incremental); the whole-document analysis follows after a pause
//   in typing and replaces it (speaker clustering and quote continuation need the whole text).
//   One that arrives after further edits is carried through them instead of being thrown away.
// Where workers cannot start (a web host, a missing bundle) the core's in-process runner takes
// over, yielding to the event loop between documents.
import * as vscode from 'vscode';
import { availableParallelism } from 'node:os';
import { analyzeDocument } from '../core/analyze';
import { extractAttributions } from '../core/extract/extractor';
import type { DocumentExtraction, ExtractedSpeaker, Span } from '../core/extract/types';
import { SIDECAR_SUFFIX } from '../core/fs';
import type { CodePointEdit } from '../core/incremental/edits';
import { applyEdit, completeExtraction, coverFocus, DEFAULT_INCREMENTAL_OPTIONS, emptyExtraction, rebase, type LiveExtraction, type LiveUpdate, type TextReader } from '../core/incremental/live';
import type { CodePointOffsets } from '../core/incremental/offsets';
import { SlicedJsonParser } from '../core/incremental/slicedJson';
import { CorpusIndex } from '../core/index/corpusIndex';
import { ExtractionCancelledError, type ExtractionRunner, InProcessRunner, refreshIndex, yieldToEventLoop } from '../core/index/pool';
import type { CorpusSpeaker, SpeakerSummary } from '../core/index/registry';
import { sha256Hex } from '../core/text';
import { WorkerPoolRunner, WorkerStartError } from '../cli/workerPool';
import type { ClaimLensServices } from './services';
import { locationOf, uriOf } from './workspaceFs';

export interface DocumentAnalysis {
  uri: vscode.Uri;
  /** The document version analysed. */
  version: number;
  /** SHA-256 of the text of a whole-document analysis; '' while provisional. */
  sha256: string;
  /** After an edit, built the first time it is read (or when the editor is idle, whichever comes first). */
  readonly extraction: DocumentExtraction;
  /** The claims and mentions whose start lies in `ranges` (code points, closed), without building the whole extraction. */
  itemsIn(ranges: readonly Span[]): DocumentExtraction;
  /**
   * True while only parts of the document were analysed on their own (what is on screen, the
   * paragraphs around an edit): shown at once, replaced by the whole-document analysis.
   */
  provisional: boolean;
  /** Code point ↔ UTF-16 offsets of the text analysed (kept through edits without reading the whole text again). */
  offsets: CodePointOffsets;
  /** Tells this analysis from the ones published before it (increasing). */
  revision: number;
  /**
   * How this analysis follows from the one of revision `from`, when it does: the edits from that
   * text to this one, and the regions (code points) outside which nothing changed but offsets.
   * Highlights use it to update those regions alone.
   */
  change?: AnalysisChange;
}

export interface AnalysisChange {
  from: number;
  edits: readonly CodePointEdit[];
  regions: readonly Span[];
}

/** Pause after the last keystroke before the whole document is analysed again. */
const EDIT_DEBOUNCE_MS = 300;
/** Larger files are left out of the corpus (a 20 MB single line is not an article). */
const MAX_INDEXED_BYTES = 4 * 1024 * 1024;
/** Documents from this size (UTF-16 units) show the whole-document analysis as progress in the status bar. */
const PROGRESS_MIN_LENGTH = 64 * 1024;
/** The extraction of an edited text is built after this pause (unless read before). */
const BUILD_DELAY_MS = 120;
/** An open document's whole-document analysis enters the corpus index after this pause in editing. */
const CORPUS_UPDATE_DELAY_MS = 1_500;
/** A worker's result is parsed in slices of about this long. */
const PARSE_SLICE_MS = 8;
/** Scrolling analyses what comes into view at most this often. */
const SCROLL_THROTTLE_MS = 40;
/** Edits remembered to carry a late whole-document analysis through (beyond: it is dropped). */
const MAX_LOGGED_EDITS = 5_000;
const EMPTY: DocumentExtraction = { speakers: [], claims: [], stances: [] };

/** The analysis of a window on the extension host: speakers and claims (stances need the whole text). */
const analyzeWindow = (text: string) => extractAttributions(text);

/** An open document's analysis as it stands. */
interface LiveDocument {
  readonly document: vscode.TextDocument;
  /** The document version `state` is of. */
  version: number;
  state: LiveExtraction;
  /** What `current()` returns: made once per state. */
  analysis: DocumentAnalysis;
  /** Edits since the whole-document analyses still running: each from one version to the next. */
  log: Array<{ from: number; to: number; edits: CodePointEdit[] }>;
  /** Cancels this document's running whole-document analysis (closed document). */
  readonly abort: AbortController;
  /** Builds the extraction of the last edit when typing pauses. */
  build?: NodeJS.Timeout;
}

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
  /** Open documents' analyses, by URI string. */
  private readonly live = new Map<string, LiveDocument>();
  /** Extractions by content hash: an unchanged text is never analysed twice. */
  private readonly byHash = new Map<string, DocumentExtraction>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; waiters: Array<() => void> }>();
  /** The whole-document analysis running per document, and the version it analyses. */
  private readonly running = new Map<string, { version: number; done: Promise<void> }>();
  private readonly scrollTimers = new Map<vscode.TextEditor, NodeJS.Timeout>();
  /** Documents the `claimlens.documents` glob selects (found by the last indexing run or the watcher), indexed or not yet. */
  private readonly corpusMembers = new Set<string>();
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
    this.disposables.push(
      this.emitter,
      // Registered before any other ClaimLens listener: they see the analysis of the edited text.
      vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.showing(e))),
      vscode.window.onDidChangeTextEditorVisibleRanges((event) => this.scrolled(event.textEditor)),
    );
  }

  dispose(): void {
    this.indexAbort?.abort();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const t of this.scrollTimers.values()) clearTimeout(t);
    for (const entry of this.live.values()) {
      entry.abort.abort();
      clearTimeout(entry.build);
    }
    void this.liveRunner.dispose().catch(() => undefined);
    void this.corpusRunner.dispose().catch(() => undefined);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /**
   * The analysis of the document's current text, or undefined while there is none yet. It may be
   * provisional (see {@link DocumentAnalysis.provisional}); `analyze()` waits for the whole document.
   */
  current(document: vscode.TextDocument): DocumentAnalysis | undefined {
    const entry = this.live.get(locationOf(document.uri));
    return entry && entry.document === document && entry.version === document.version ? entry.analysis : undefined;
  }

  /** The latest analysis, even when the document was edited since (its offsets may be stale). */
  latest(document: vscode.TextDocument): DocumentAnalysis | undefined {
    return this.live.get(locationOf(document.uri))?.analysis;
  }

  /** The whole-document analysis of the document's current text (started now, or the one running). */
  async analyze(document: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    const key = locationOf(document.uri);
    for (;;) {
      if (document.isClosed) return undefined;
      const current = this.current(document);
      if (current && !current.provisional) return current;
      const running = this.running.get(key);
      if (running) {
        // The one running (for this version or an older one) first: runs on one document are not interleaved.
        await running.done;
        continue;
      }
      const version = document.version;
      const done = this.runWhole(document).finally(() => {
        if (this.running.get(key)?.done === done) this.running.delete(key);
      });
      this.running.set(key, { version, done });
      await done;
      // Analysed, but edited meanwhile and not brought up to date: analyse again.
      if (document.version === version && !this.current(document)) return undefined;
    }
  }

  /** Analyses the whole document again after a pause in typing; resolves when that analysis is done. */
  schedule(document: vscode.TextDocument): Promise<void> {
    const key = locationOf(document.uri);
    const previous = this.pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const waiters = previous?.waiters ?? [];
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      void this.analyze(document).catch(() => undefined).finally(() => waiters.forEach((w) => w()));
    }, EDIT_DEBOUNCE_MS);
    this.pending.set(key, { timer, waiters });
    return done;
  }

  /** A closed document: its analysis goes (a running one is cancelled); the corpus goes back to the text on disk. */
  forget(document: vscode.TextDocument): void {
    const key = locationOf(document.uri);
    const entry = this.live.get(key);
    if (!entry || entry.document !== document) return;
    entry.abort.abort();
    clearTimeout(entry.build);
    this.live.delete(key);
    this.wire.delete(key);
    if (document.uri.scheme === 'untitled') {
      if (this.index.remove(key)) this.emitter.fire(undefined);
    } else if (this.index.has(key)) {
      void this.refreshFile(document.uri);
    }
  }

  // --- provisional analyses: on screen, around edits --------------------------------------------

  /** An editor shows an article: what is on screen is analysed at once unless the whole document already is. */
  showing(editor: vscode.TextEditor): void {
    const document = editor.document;
    if (document.isClosed || !this.services.isArticle(document)) return;
    const started = performance.now();
    const entry = this.entryFor(document);
    if (entry.state.complete) return;
    const next = coverFocus(entry.state, readerOf(document, entry.state.offsets.utf16Length), this.screenOf(editor), analyzeWindow, DEFAULT_INCREMENTAL_OPTIONS);
    if (!next) return;
    this.publish(entry, next.live, '', next);
    this.lastShowMs = performance.now() - started;
  }

  /** How long the extension host took to analyse and highlight what an editor shows, the last time it did (benchmarks). */
  lastShowMs: number | undefined;

  private scrolled(editor: vscode.TextEditor): void {
    if (this.scrollTimers.has(editor) || !this.services.isArticle(editor.document)) return;
    const entry = this.live.get(locationOf(editor.document.uri));
    if (entry?.state.complete && entry.version === editor.document.version) return;
    // Throttled, not debounced: highlights keep up with a long scroll.
    this.scrollTimers.set(editor, setTimeout(() => {
      this.scrollTimers.delete(editor);
      this.showing(editor);
    }, SCROLL_THROTTLE_MS));
  }

  /** The lines on screen as UTF-16 offsets (the first lines when the editor has not reported them yet). */
  private screenOf(editor: vscode.TextEditor): Span[] {
    const document = editor.document;
    const ranges = editor.visibleRanges.filter((r) => !r.isEmpty);
    if (ranges.length === 0) return [[0, document.offsetAt(new vscode.Position(Math.min(document.lineCount - 1, 80), 0))]];
    return ranges.map((r) => [document.offsetAt(r.start), document.offsetAt(r.end)]);
  }

  /** An edit: the analysis is carried through it and the paragraphs around it analysed again, at once. */
  private edited(event: vscode.TextDocumentChangeEvent): void {
    const document = event.document;
    if (event.contentChanges.length === 0 || !this.services.isArticle(document)) return;
    const started = performance.now();
    const key = locationOf(document.uri);
    const entry = this.live.get(key);
    if (entry && entry.document === document && entry.version < document.version) {
      // The length of the edited text, to check the edit against, without joining all its lines (getText()).
      const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
      const result = applyEdit(entry.state, event.contentChanges, readerOf(document, length), analyzeWindow, DEFAULT_INCREMENTAL_OPTIONS);
      if (result) {
        if (this.running.has(key)) {
          entry.log.push({ from: entry.version, to: document.version, edits: result.edits });
          if (entry.log.length > MAX_LOGGED_EDITS) entry.log.splice(0, entry.log.length - MAX_LOGGED_EDITS);
        }
        entry.version = document.version;
        this.publish(entry, result.live, '', result);
      } else {
        // Not an edit of the text analysed (an event missed), or too large to patch (a paste of
        // a whole article, a changed line ending everywhere): start over from what is on screen.
        entry.version = document.version;
        entry.log = [];
        this.publish(entry, emptyExtraction(this.textOf(document)));
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.showing(editor);
      }
    } else {
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.showing(editor);
    }
    void this.schedule(document);
    this.lastEditMs = performance.now() - started;
  }

  /**
   * How long the extension host took to bring the analysis and the highlights (every listener of
   * onDidChange) through the last edit, in milliseconds: what the benchmark reports.
   */
  lastEditMs: number | undefined;

  /**
   * The whole text of the document's current version, made once per version (getText() joins
   * every line again at each call; for a large document that is milliseconds each time).
   */
  textOf(document: vscode.TextDocument): string {
    const cached = this.texts.get(document);
    if (cached?.version === document.version) return cached.text;
    const text = document.getText();
    this.texts.set(document, { version: document.version, text });
    return text;
  }

  private readonly texts = new WeakMap<vscode.TextDocument, { version: number; text: string }>();

  /** The document's entry, made (empty, for the current version) when it has none or an outdated one. */
  private entryFor(document: vscode.TextDocument): LiveDocument {
    const key = locationOf(document.uri);
    const existing = this.live.get(key);
    if (existing && existing.document === document && existing.version === document.version) return existing;
    existing?.abort.abort();
    const state = emptyExtraction(this.textOf(document));
    const entry: LiveDocument = { document, version: document.version, state, analysis: this.analysisOf(document, document.version, state, '', undefined), log: [], abort: new AbortController() };
    this.live.set(key, entry);
    return entry;
  }

  private analysisOf(document: vscode.TextDocument, version: number, state: LiveExtraction, sha256: string, change: AnalysisChange | undefined): DocumentAnalysis {
    return {
      uri: document.uri, version, sha256, provisional: !state.complete, offsets: state.offsets, revision: ++this.revisions,
      ...(change ? { change } : {}),
      get extraction() { return state.extraction; },
      itemsIn: (ranges) => state.itemsIn(ranges),
    };
  }

  /** Makes `state` the document's analysis and tells everyone; `update` says how it follows from the last one. */
  private publish(entry: LiveDocument, state: LiveExtraction, sha256 = '', update?: LiveUpdate): void {
    const change = update ? { from: entry.analysis.revision, edits: update.edits, regions: update.regions } : undefined;
    entry.state = state;
    entry.analysis = this.analysisOf(entry.document, entry.version, state, state.complete ? sha256 : '', change);
    this.emitter.fire(entry.document.uri);
    // Building the extraction of the edited text (every item after the edit moves) waits for a
    // pause: what the editor shows was updated from the regions that changed, and the patches of
    // a burst of keystrokes add up. Whoever reads the extraction before builds it then.
    if (!state.built) {
      clearTimeout(entry.build);
      entry.build = setTimeout(() => void (entry.state === state && state.extraction), BUILD_DELAY_MS);
    }
  }

  private revisions = 0;

  // --- the whole-document analysis ------------------------------------------------------------

  private async runWhole(document: vscode.TextDocument): Promise<void> {
    const version = document.version;
    const text = this.textOf(document);
    const key = locationOf(document.uri);
    const entry = this.live.get(key);
    const signal = entry?.document === document ? entry.abort.signal : undefined;
    const sha256 = await sha256Hex(text);
    let extraction = this.byHash.get(sha256);
    if (!extraction) {
      const work = () => this.liveRunner.run([{ location: key, text }], signal ? { signal } : {});
      const outcomes = await Promise.resolve(text.length >= PROGRESS_MIN_LENGTH
        ? vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `ClaimLens: analysing ${fileName(document.uri)} (highlights near the cursor are provisional)` }, work)
        : work()
      ).catch((error: unknown) => {
        if (!(error instanceof ExtractionCancelledError)) console.error('ClaimLens: the analysis failed', error);
        return undefined;
      });
      if (!outcomes) return;
      const outcome = outcomes[0];
      if (outcome?.status === 'extracted' && outcome.extractionJson !== undefined) {
        // A worker sends the extraction as JSON: parsed in short slices (a large one would hold
        // the editor for tens of milliseconds in one go); the corpus index takes the JSON as it is.
        extraction = await parseInSlices(outcome.extractionJson);
        if (outcome.speakers) this.wire.set(key, { sha256, json: outcome.extractionJson, speakers: outcome.speakers });
      } else {
        extraction = outcome?.status === 'extracted' ? outcome.extraction : EMPTY;
      }
      this.remember(sha256, extraction);
    }
    this.land(document, version, text, sha256, extraction);
  }

  /** The last whole-document analysis of each open document as the worker sent it (JSON and speaker summaries), for the corpus index. */
  private readonly wire = new Map<string, { sha256: string; json: string | Uint8Array; speakers: SpeakerSummary[] }>();

  /** A whole-document analysis of `version` arrived: it becomes the analysis, brought up to date when the document was edited since. */
  private land(document: vscode.TextDocument, version: number, text: string, sha256: string, extraction: DocumentExtraction): void {
    if (document.isClosed) return;
    const key = locationOf(document.uri);
    let entry = this.live.get(key);
    if (!entry || entry.document !== document || entry.version < version) {
      if (document.version !== version) return;
      entry = this.entryFor(document);
    }
    const whole = completeExtraction(text, extraction);
    if (entry.version === version) {
      entry.log = [];
      this.publish(entry, whole, sha256);
      if (this.isCorpusDocument(document.uri)) this.addToCorpusSoon(entry);
      return;
    }
    // Edited since: carry it through the edits made after `version`, when they were all recorded.
    const edits: CodePointEdit[] = [];
    let at = version;
    for (const step of entry.log) {
      if (step.to <= version) continue;
      if (step.from !== at) return;
      edits.push(...step.edits);
      at = step.to;
    }
    if (at !== entry.version) return;
    entry.log = entry.log.filter((step) => step.to > version);
    const rebased = rebase(whole, edits, readerOf(document, entry.state.offsets.utf16Length), entry.state.offsets, analyzeWindow, DEFAULT_INCREMENTAL_OPTIONS);
    if (rebased) this.publish(entry, rebased);
  }

  /** The open text is what the corpus shows for this document (speakers, counts, stances): indexed after the highlights are up. */
  private addToCorpusSoon(entry: LiveDocument): void {
    // Re-indexing a large article takes a while (the corpus-wide speaker registry is updated): it
    // waits for a pause in editing, and an edit meanwhile (the analysis is no longer complete) skips it.
    const state = entry.state;
    setTimeout(() => {
      const key = locationOf(entry.document.uri);
      if (this.live.get(key) !== entry || entry.state !== state) return;
      const sent = this.wire.get(key);
      if (sent?.sha256 === entry.analysis.sha256) this.index.addExtractedJson({ location: key, sha256: sent.sha256 }, sent.json, sent.speakers);
      else this.index.addExtracted({ location: key, sha256: entry.analysis.sha256, extraction: entry.analysis.extraction });
    }, CORPUS_UPDATE_DELAY_MS);
  }

  private remember(sha256: string, extraction: DocumentExtraction): void {
    this.byHash.set(sha256, extraction);
    if (this.byHash.size > 500) this.byHash.delete(this.byHash.keys().next().value!);
  }

  /** Whether the document belongs to the corpus (the indexing run or the documents watcher found it). */
  private isCorpusDocument(uri: vscode.Uri): boolean {
    const key = locationOf(uri);
    return this.corpusMembers.has(key) || this.index.has(key);
  }

  /** Open documents with a whole-document analysis of their current text. */
  private *completeLive(): Iterable<LiveDocument> {
    for (const entry of this.live.values()) if (entry.state.complete && entry.version === entry.document.version) yield entry;
  }

  // --- corpus ---------------------------------------------------------------------------------

  /** Every document known, with its extraction: open documents' live analyses win over the index. */
  *corpusExtractions(): Iterable<[string, DocumentExtraction]> {
    for (const [uri, entry] of this.live) yield [uri, entry.analysis.extraction];
    for (const location of this.index.locations()) {
      if (this.live.has(location)) continue;
      const record = this.index.document(location);
      if (record) yield [location, record.extraction];
    }
  }

  /** The extraction of one document: its live analysis when open, else the index's. */
  extractionOf(uri: string): DocumentExtraction | undefined {
    return this.live.get(uri)?.analysis.extraction ?? this.index.document(uri)?.extraction;
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
    const members = new Set<string>();
    for (const uri of files) {
      if (signal.aborted) throw new ExtractionCancelledError(0, files.length);
      if (uri.path.endsWith(SIDECAR_SUFFIX)) continue;
      const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
      if (!stat || stat.size > MAX_INDEXED_BYTES) continue;
      const location = locationOf(uri);
      members.add(location);
      // Open documents are analysed as they are in the editor: not a second time from the disk.
      if (!this.live.has(location)) targets.push({ location, mtime: stat.mtime, size: stat.size });
    }
    this.corpusMembers.clear();
    for (const m of members) this.corpusMembers.add(m);
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
    // Open documents: their live text wins over the file on disk (one per task: a large one takes a while).
    for (const entry of this.completeLive()) {
      if (!this.isCorpusDocument(entry.document.uri)) continue;
      await yieldToEventLoop();
      if (entry.state.complete) this.index.addExtracted({ location: locationOf(entry.document.uri), sha256: entry.analysis.sha256, extraction: entry.analysis.extraction });
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
    if (live && !live.document.isClosed) {
      // Open: the editor's text wins; its whole-document analysis enters the index when it lands.
      this.corpusMembers.add(key);
      if (live.state.complete && this.index.addExtracted({ location: key, sha256: live.analysis.sha256, extraction: live.analysis.extraction }) !== 'unchanged') this.emitter.fire(undefined);
      return;
    }
    try {
      const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
      const report = await refreshIndex(this.index, stat && stat.size <= MAX_INDEXED_BYTES ? [{ location: key, mtime: stat.mtime, size: stat.size }] : [], { runner: this.liveRunner, fs: this.services.fs });
      if (!stat || stat.size > MAX_INDEXED_BYTES) {
        this.index.remove(key);
        this.corpusMembers.delete(key);
      } else {
        this.corpusMembers.add(key);
      }
      if (report.added.length || report.changed.length || report.removed.length || !stat) this.emitter.fire(undefined);
    } catch (error) {
      console.warn('ClaimLens: re-indexing a changed article failed', error);
    }
  }

  removeFile(uri: vscode.Uri): void {
    this.corpusMembers.delete(locationOf(uri));
    if (this.index.remove(locationOf(uri))) this.emitter.fire(undefined);
  }
}

function fileName(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.slice(uri.path.lastIndexOf('/') + 1));
}

/** Pieces of a document's text by UTF-16 offsets, without making the whole text into one string. */
function readerOf(document: vscode.TextDocument, length: number): TextReader {
  return { length, slice: (start, end) => document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end))) };
}

/** Parses a worker's JSON a slice at a time, yielding to the event loop between slices. */
async function parseInSlices(json: string | Uint8Array): Promise<DocumentExtraction> {
  const parser = new SlicedJsonParser<DocumentExtraction>(json);
  for (;;) {
    const started = performance.now();
    while (performance.now() - started < PARSE_SLICE_MS) if (parser.step(50_000)) return parser.get();
    await yieldToEventLoop();
  }
}
