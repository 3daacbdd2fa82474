// The one object every part of the editor integration works through (created once in `activate`):
//
//   services.store          the single AnnotationStore (sidecars), on vscode.workspace.fs
//   services.analysis       machine suggestions per document + the corpus (speakers across documents)
//   services.verdictScale   the verdict scale from the `claimlens.verdicts` setting
//   services.trusted        Workspace Trust: false → show, never write
//   services.onDidChangeAnnotations(uri)   a document's sidecar changed (edit, reload, file on disk)
//   services.onDidChangeAnalysis(uri)      a document's suggestions changed (undefined uri: the corpus)
//   services.annotationsFor(document)      the sidecar state with anchors resolved against the LIVE text
//   services.spanToRange / rangeToSpan     code points (core) ↔ vscode.Range (UTF-16) for a document
//
// UI parts (decorations, hovers, status bar, views, diagnostics) subscribe to the events and read
// through these getters; none keeps its own copy of annotations.
import * as vscode from 'vscode';
import type { DocumentExtraction, ExtractedClaim, ExtractedSpeaker } from '../core/extract/types';
import { SIDECAR_SUFFIX } from '../core/fs';
import type { AnchorResolution } from '../core/anchor/anchor';
import type { Claim, Sidecar, Speaker } from '../core/sidecar/model';
import { AnnotationStore, AnnotationStoreError, type SidecarState, type StoreEntry } from '../core/sidecar/store';
import { DEFAULT_VERDICT_SCALE, verdictScaleFrom, type VerdictScale } from '../core/sidecar/verdicts';
import type { CorpusSpeaker } from '../core/index/registry';
import { aggregateStances, type AggregatedStance, type ConfirmedStance } from '../core/stance/speakerStances';
import { OffsetMap } from '../core/text';
import { AnalysisService } from './analysis';
import { defaultAuthor } from './author';
import { locationOf, uriOf, WorkspaceFileSystem } from './workspaceFs';

export { locationOf, uriOf } from './workspaceFs';

/** Languages ClaimLens works on (highlights, hovers, menus). */
export const ARTICLE_LANGUAGES: readonly string[] = ['plaintext', 'claimlens-article', 'markdown'];
export const DOCUMENT_SELECTOR: vscode.DocumentSelector = ARTICLE_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'vscode-remote' },
  { language, scheme: 'untitled' },
  { language, scheme: 'vscode-vfs' },
]);

/** Schemes of documents ClaimLens works on: files, remote and virtual workspaces, and unsaved ones. */
const ARTICLE_SCHEMES = new Set(['file', 'vscode-remote', 'vscode-vfs', 'untitled']);

/** Thrown by write paths in an untrusted workspace; its message is shown as is. */
export class UntrustedWorkspaceError extends Error {}

/** A claim of the document as the editor shows it: from the sidecar or a pending machine suggestion. */
export interface ClaimAt {
  /** The sidecar claim (accepted, rejected, or a stored suggestion), when there is one. */
  claim?: Claim;
  /** The machine suggestion not yet recorded in the sidecar. */
  suggestion?: ExtractedClaim;
  /** Where it is now, in code points of the live text. */
  start: number;
  end: number;
  resolution?: AnchorResolution;
}

/** Where a speaker appears across the corpus (sidecars and machine suggestions together). */
export interface SpeakerCorpusSummary {
  /** Claims of this speaker per document (URI string), corpus-wide. */
  claimsByDocument: Map<string, number>;
  totalClaims: number;
  /** Documents (URI strings) that mention the speaker at all. */
  documents: Set<string>;
}

/** A speaker as the corpus knows them (see {@link ClaimLensServices.speakerIdentity}). */
export interface SpeakerIdentity {
  /** The corpus id (registry), else the document-level id. */
  id: string;
  corpus?: CorpusSpeaker;
  /** Every name and alias, lower case. */
  names: Set<string>;
  /** Whether a document's extracted speaker is this speaker. */
  isDocumentSpeaker(location: string, documentSpeakerId: string): boolean;
  /** Whether a sidecar's speaker is this speaker (same id, or a shared name or alias). */
  isSidecarSpeaker(speaker: Speaker): boolean;
}

export class ClaimLensServices implements vscode.Disposable {
  readonly fs = new WorkspaceFileSystem();
  readonly store: AnnotationStore;
  readonly analysis: AnalysisService;

  private readonly annotationsEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly analysisEmitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  private readonly configurationEmitter = new vscode.EventEmitter<void>();
  /** A document's sidecar changed (loaded, edited, reloaded from disk). */
  readonly onDidChangeAnnotations = this.annotationsEmitter.event;
  /** A document's suggestions changed; `undefined` when the corpus as a whole changed (indexing). */
  readonly onDidChangeAnalysis = this.analysisEmitter.event;
  /** Settings that change what is shown (verdict scale, highlights, globs) or Workspace Trust changed. */
  readonly onDidChangeConfiguration = this.configurationEmitter.event;

  private scale: VerdictScale = DEFAULT_VERDICT_SCALE;
  private scaleProblems: string[] = [];
  private authorName: string | undefined;
  private readonly maps = new WeakMap<vscode.TextDocument, { version: number; map: OffsetMap }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.readVerdictScale();
    this.store = new AnnotationStore(this.fs, {
      verdictScale: this.scale,
      author: () => this.author,
    });
    this.disposables.push(new vscode.Disposable(this.store.onDidChange((location) => {
      if (this.store.get(location)?.exists) this.sidecarDocuments.add(location);
      else this.sidecarDocuments.delete(location);
      this.annotationsEmitter.fire(uriOf(location));
    }).dispose));
    this.analysis = new AnalysisService(this);
    this.disposables.push(
      this.annotationsEmitter, this.analysisEmitter, this.configurationEmitter, this.analysis,
      this.analysis.onDidChange((uri) => this.analysisEmitter.fire(uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('claimlens')) return;
        if (event.affectsConfiguration('claimlens.verdicts')) this.readVerdictScale();
        if (event.affectsConfiguration('claimlens.author')) this.authorName = undefined;
        this.configurationEmitter.fire();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.configurationEmitter.fire()),
    );
    void defaultAuthor(this.trusted).then((name) => (this.fallbackAuthor = name));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // --- settings -------------------------------------------------------------------------------

  get verdictScale(): VerdictScale {
    return this.scale;
  }

  /** Problems found in the `claimlens.verdicts` setting (entries skipped). */
  get verdictScaleProblems(): readonly string[] {
    return this.scaleProblems;
  }

  private fallbackAuthor: string | undefined;

  /** Recorded as `author` on every change: the `claimlens.author` setting, else git's user.name, else the OS user. */
  get author(): string | undefined {
    if (this.authorName === undefined) {
      const configured = vscode.workspace.getConfiguration('claimlens').get<string>('author', '').trim();
      this.authorName = configured;
    }
    return this.authorName || this.fallbackAuthor;
  }

  /** The `claimlens.documents` glob: which files the corpus index covers. */
  get documentsGlob(): string {
    return vscode.workspace.getConfiguration('claimlens').get<string>('documents', '**/*.{txt,md}') || '**/*.{txt,md}';
  }

  get highlightsEnabled(): boolean {
    return vscode.workspace.getConfiguration('claimlens').get<boolean>('highlights.enabled', true);
  }

  get suggestionsShown(): boolean {
    return vscode.workspace.getConfiguration('claimlens').get<boolean>('highlights.suggestions', true);
  }

  private readVerdictScale(): void {
    const config = vscode.workspace.getConfiguration('claimlens').get<unknown>('verdicts');
    const { scale, problems } = verdictScaleFrom(config === undefined || (Array.isArray(config) && config.length === 0) ? undefined : config);
    this.scale = scale;
    this.scaleProblems = problems;
    if (problems.length) void vscode.window.showWarningMessage(`ClaimLens: the claimlens.verdicts setting: ${problems.join('; ')}.`);
  }

  // --- trust ----------------------------------------------------------------------------------

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Throws an {@link UntrustedWorkspaceError} naming `action` when the workspace is not trusted. */
  requireTrust(action: string): void {
    if (!this.trusted) {
      throw new UntrustedWorkspaceError(
        `ClaimLens cannot ${action}: this workspace is in Restricted Mode, where ClaimLens only shows annotations and writes nothing. ` +
        'Trust the folder (Manage Workspace Trust) to edit annotations.');
    }
  }

  // --- documents and annotations --------------------------------------------------------------

  /** Whether ClaimLens treats this document as an article (language, not a sidecar, a real file). */
  isArticle(document: vscode.TextDocument): boolean {
    const uri = document.uri;
    // Not: Git's and diff editors' read-only copies (`git:` …), output channels, settings.
    return ARTICLE_LANGUAGES.includes(document.languageId) && ARTICLE_SCHEMES.has(uri.scheme) && !uri.query && !uri.fragment && !uri.path.endsWith(SIDECAR_SUFFIX);
  }

  /** Whether annotations can be kept for the document (a saved file: the sidecar sits next to it). */
  hasSidecar(uri: vscode.Uri): boolean {
    return uri.scheme !== 'untitled';
  }

  /** The sidecar state of a document, with every claim's anchor resolved against its live text. */
  annotationsFor(document: vscode.TextDocument): StoreEntry | undefined {
    const location = locationOf(document.uri);
    const state = this.store.get(location);
    // Anchors are resolved against the text only when there is a sidecar; the text of this
    // version is kept once (getText() joins every line again on each call).
    return state?.sidecar ? this.store.get(location, this.offsetMap(document).text) : state;
  }

  /** Loads the sidecar of a document (once; later calls return the cache). Errors become a diagnostic state. */
  async loadAnnotations(uri: vscode.Uri): Promise<SidecarState | undefined> {
    if (!this.hasSidecar(uri)) return undefined;
    try {
      return await this.store.load(locationOf(uri));
    } catch (error) {
      void vscode.window.showErrorMessage(`ClaimLens: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The sidecar's URI for a document. */
  sidecarUri(document: vscode.Uri): vscode.Uri {
    return document.with({ path: document.path + SIDECAR_SUFFIX });
  }

  /** Claims of the document at their live positions: sidecar claims (not orphaned) and pending suggestions. */
  claimsIn(document: vscode.TextDocument, options: { suggestions?: boolean; rejected?: boolean } = {}): ClaimAt[] {
    const entry = this.annotationsFor(document);
    const sidecar = entry?.sidecar;
    // Hover cards ask several times per hover: the list is made once per text, sidecar and analysis.
    const analysis = options.suggestions !== false ? this.analysis.current(document) : undefined;
    const key = `${document.version}:${options.suggestions !== false}:${Boolean(options.rejected)}`;
    const cached = this.claimsCache.get(document)?.get(key);
    if (cached && cached.sidecar === sidecar && cached.resolutions === entry?.resolutions && cached.analysis === analysis) return cached.claims.slice();
    const out: ClaimAt[] = [];
    for (const claim of sidecar?.claims ?? []) {
      if (claim.status === 'rejected' && !options.rejected) continue;
      const resolution = entry?.resolutions?.get(claim.id);
      if (!resolution || resolution.start === undefined || resolution.end === undefined) continue;
      out.push({ claim, start: resolution.start, end: resolution.end, resolution });
    }
    if (options.suggestions !== false) {
      for (const suggestion of this.pendingSuggestions(document, sidecar)) out.push({ suggestion, start: suggestion.start, end: suggestion.end });
    }
    out.sort((a, b) => a.start - b.start || a.end - b.end);
    const perDocument = this.claimsCache.get(document) ?? new Map();
    // Keys name the version: older versions' lists are dropped now and then.
    if (perDocument.size >= 8) perDocument.clear();
    perDocument.set(key, { sidecar, resolutions: entry?.resolutions, analysis, claims: out });
    this.claimsCache.set(document, perDocument);
    return out.slice();
  }

  private readonly claimsCache = new WeakMap<vscode.TextDocument, Map<string, { sidecar: Sidecar | undefined; resolutions: unknown; analysis: unknown; claims: ClaimAt[] }>>();

  /** Machine suggestions of the current analysis that the sidecar has not recorded (accepted or rejected). */
  pendingSuggestions(document: vscode.TextDocument, sidecar = this.annotationsFor(document)?.sidecar): ExtractedClaim[] {
    const analysis = this.analysis.current(document);
    if (!analysis) return [];
    const entry = sidecar ? this.annotationsFor(document) : undefined;
    // Hovers, highlights, views and the status bar all ask: computed once per analysis and sidecar state.
    const cached = this.pendingCache.get(analysis);
    if (cached && cached.sidecar === sidecar && cached.resolutions === entry?.resolutions) return cached.pending.slice();
    const pending = analysis.extraction.claims.filter(this.isPending(document, sidecar));
    this.pendingCache.set(analysis, { sidecar, resolutions: entry?.resolutions, pending });
    return pending.slice();
  }

  /** Whether a machine suggestion is still pending: the sidecar has not recorded it (for a few suggestions, without listing them all). */
  isPending(document: vscode.TextDocument, sidecar = this.annotationsFor(document)?.sidecar): (suggestion: ExtractedClaim) => boolean {
    const recorded = sidecar?.claims ?? [];
    const entry = sidecar ? this.annotationsFor(document) : undefined;
    // A suggestion is recorded when a sidecar claim sits on the same span now (anchors follow edits).
    const spans = new Set(recorded.map((c) => {
      const r = entry?.resolutions?.get(c.id);
      return r?.start !== undefined ? `${r.start}:${r.end}` : `${c.anchor.start}:${c.anchor.end}`;
    }));
    // …or was recorded there with the same words (claimForSuggestion, by span instead of a scan per suggestion).
    const recordedWords = new Map<string, Set<string>>();
    for (const c of recorded) {
      const key = `${c.anchor.start}:${c.anchor.end}`;
      (recordedWords.get(key) ?? recordedWords.set(key, new Set()).get(key)!).add(c.anchor.exact);
    }
    return (s) => !spans.has(`${s.start}:${s.end}`) && !recordedWords.get(`${s.start}:${s.end}`)?.has(s.text);
  }

  private readonly pendingCache = new WeakMap<object, { sidecar: Sidecar | undefined; resolutions: unknown; pending: ExtractedClaim[] }>();

  /** The innermost claim (sidecar or suggestion) covering the code-point offset, if any. */
  claimAt(document: vscode.TextDocument, offset: number, options: { suggestions?: boolean } = {}): ClaimAt | undefined {
    let best: ClaimAt | undefined;
    for (const c of this.claimsIn(document, { suggestions: options.suggestions ?? true, rejected: false })) {
      if (c.start <= offset && offset <= c.end && (!best || c.end - c.start < best.end - best.start || (best.suggestion && c.claim && c.end - c.start === best.end - best.start))) best = c;
    }
    return best;
  }

  /** The speaker of the sidecar or of the analysis with this id (sidecar first: people's decisions win). */
  speaker(document: vscode.TextDocument | undefined, id: string | null | undefined): Speaker | ExtractedSpeaker | undefined {
    if (!id) return undefined;
    if (document) {
      const fromSidecar = this.annotationsFor(document)?.sidecar?.speakers.find((s) => s.id === id);
      if (fromSidecar) return fromSidecar;
      const fromAnalysis = this.analysis.current(document)?.extraction.speakers.find((s) => s.id === id);
      if (fromAnalysis) return fromAnalysis;
    }
    return this.analysis.corpusSpeaker(id);
  }

  // --- corpus ---------------------------------------------------------------------------------

  /**
   * Who a speaker of a document is across the corpus: the registry's corpus speaker ("Macron" here
   * = "Emmanuel Macron" there) and every name and id it goes by, for matching sidecar speakers.
   */
  speakerIdentity(document: vscode.Uri, speaker: { id: string; name: string; aliases: readonly string[] }): SpeakerIdentity {
    const corpus = this.analysis.corpusSpeakerOf(document, speaker.id) ?? this.analysis.index.speaker(speaker.id);
    const names = new Set([speaker.name, ...speaker.aliases, ...(corpus ? [corpus.name, ...corpus.aliases] : [])].map((n) => n.trim().toLowerCase()).filter(Boolean));
    const ids = new Set([speaker.id, ...(corpus ? [corpus.id] : [])]);
    const id = corpus?.id ?? speaker.id;
    return {
      id,
      ...(corpus ? { corpus } : {}),
      names,
      isDocumentSpeaker: (location, documentSpeakerId) => {
        const mapped = this.analysis.corpusSpeakerOf(location, documentSpeakerId);
        return mapped ? mapped.id === id : ids.has(documentSpeakerId);
      },
      isSidecarSpeaker: (s) => ids.has(s.id) || [s.name, ...s.aliases].some((n) => names.has(n.trim().toLowerCase())),
    };
  }

  /**
   * The documents worth looking at for one speaker: where the registry saw them, the open
   * documents, and the sidecars that name them. Hover cards stay fast in a large corpus because
   * they never walk every document.
   */
  private documentsOf(identity: SpeakerIdentity): Array<[string, DocumentExtraction | undefined]> {
    const out = new Map<string, DocumentExtraction | undefined>();
    const extractionOf = (uri: string) => this.analysis.extractionOf(uri);
    for (const uri of identity.corpus?.documents ?? []) out.set(uri, extractionOf(uri));
    for (const uri of this.analysis.liveDocuments()) {
      const extraction = extractionOf(uri);
      if (extraction?.speakers.some((s) => identity.isDocumentSpeaker(uri, s.id))) out.set(uri, extraction);
    }
    if (!identity.corpus) {
      // No registry entry (e.g. before indexing): fall back to every analysed document.
      for (const [uri, extraction] of this.analysis.corpusExtractions()) out.set(uri, extraction);
    }
    for (const [uri, sidecar] of this.loadedSidecars()) {
      if (!out.has(uri) && sidecar.speakers.some((s) => identity.isSidecarSpeaker(s))) out.set(uri, extractionOf(uri));
    }
    return [...out];
  }

  /** Claims and documents of a speaker across the corpus: sidecar claims, plus suggestions not recorded there. */
  speakerInCorpus(identity: SpeakerIdentity): SpeakerCorpusSummary {
    const claimsByDocument = new Map<string, number>();
    const documents = new Set<string>();
    for (const [uri, extraction] of this.documentsOf(identity)) {
      const sidecar = this.store.get(uri)?.sidecar;
      const sidecarIds = new Set((sidecar?.speakers ?? []).filter((s) => identity.isSidecarSpeaker(s)).map((s) => s.id));
      const recordedSpans = new Set((sidecar?.claims ?? []).map((c) => `${c.anchor.start}:${c.anchor.end}`));
      const documentIds = new Set((extraction?.speakers ?? []).filter((s) => identity.isDocumentSpeaker(uri, s.id)).map((s) => s.id));
      let count = (sidecar?.claims ?? []).filter((c) => c.speaker !== null && sidecarIds.has(c.speaker) && c.status !== 'rejected').length;
      count += (extraction?.claims ?? []).filter((c) => c.speaker !== null && documentIds.has(c.speaker) && !recordedSpans.has(`${c.start}:${c.end}`)).length;
      if (count) claimsByDocument.set(uri, count);
      if (count || sidecarIds.size || documentIds.size) documents.add(uri);
    }
    let totalClaims = 0;
    for (const n of claimsByDocument.values()) totalClaims += n;
    return { claimsByDocument, totalClaims, documents };
  }

  /** A speaker's stances across the corpus, people's confirmed stances (from sidecars) first and marked. */
  stancesOf(identity: SpeakerIdentity): AggregatedStance[] {
    const perDocument: Array<{ document: string; stances: DocumentExtraction['stances'] }> = [];
    const confirmed: ConfirmedStance[] = [];
    for (const [uri, extraction] of this.documentsOf(identity)) {
      const stances = (extraction?.stances ?? []).filter((s) => identity.isDocumentSpeaker(uri, s.speaker)).map((s) => ({ ...s, speaker: identity.id }));
      if (stances.length) perDocument.push({ document: uri, stances });
      const sidecar = this.store.get(uri)?.sidecar;
      if (!sidecar) continue;
      const ids = new Set(sidecar.speakers.filter((s) => identity.isSidecarSpeaker(s)).map((s) => s.id));
      for (const stance of sidecar.stances) if (ids.has(stance.speaker)) confirmed.push({ ...stance, speaker: identity.id, document: uri });
    }
    return aggregateStances(perDocument, confirmed).filter((s) => s.speaker === identity.id);
  }

  /** Every sidecar the store has loaded and understood (document URI string → sidecar). */
  loadedSidecars(): Array<[string, Sidecar]> {
    const out: Array<[string, Sidecar]> = [];
    for (const uri of new Set([...this.sidecarDocuments, ...this.analysis.liveDocuments()])) {
      const sidecar = this.store.get(uri)?.sidecar;
      if (sidecar) out.push([uri, sidecar]);
    }
    return out;
  }

  /** Documents whose sidecar the store has read (kept up to date from the store's change events). */
  private readonly sidecarDocuments = new Set<string>();

  // --- positions ------------------------------------------------------------------------------

  /** Code-point ↔ UTF-16 map of a document's current text (cached per version). */
  offsetMap(document: vscode.TextDocument): OffsetMap {
    const cached = this.maps.get(document);
    if (cached && cached.version === document.version) return cached.map;
    const map = new OffsetMap(this.analysis.textOf(document));
    this.maps.set(document, { version: document.version, map });
    return map;
  }

  spanToRange(document: vscode.TextDocument, start: number, end: number): vscode.Range {
    const map = this.offsetMap(document);
    return new vscode.Range(document.positionAt(map.toUtf16(start)), document.positionAt(map.toUtf16(end)));
  }

  rangeToSpan(document: vscode.TextDocument, range: vscode.Range): { start: number; end: number } {
    const map = this.offsetMap(document);
    return { start: map.toCodePoint(document.offsetAt(range.start)), end: map.toCodePoint(document.offsetAt(range.end)) };
  }

  offsetAt(document: vscode.TextDocument, position: vscode.Position): number {
    return this.offsetMap(document).toCodePoint(document.offsetAt(position));
  }
}

/** One line for an error shown to a person: store errors carry their own advice. */
export function describeError(error: unknown): string {
  if (error instanceof AnnotationStoreError || error instanceof UntrustedWorkspaceError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
