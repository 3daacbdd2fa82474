/**
 * The corpus index: every selected document's extraction, cached by content
 * hash, and the corpus-wide speaker registry built from them.
 *
 * - A changed document is re-extracted alone; an unchanged one (same SHA-256)
 *   is not extracted again, and with `refresh` not even read when its size and
 *   modification time are those recorded.
 * - The per-document work (`analyze`) is a pure function of the text, passed
 *   in by the caller, so that it can run in worker threads or on other
 *   machines; `addExtracted` and `addExtractedJson` take results computed elsewhere.
 * - Extractions are kept in an {@link ExtractionStore}: by default in memory,
 *   as JSON until a document is first read (store.ts); the CLI keeps them on
 *   disk and parses one when `document()` is asked for it, so that its live
 *   objects are only the registry's compact summaries: 100,000 articles fit in
 *   a few hundred megabytes.
 * - A loaded index feeds the registry lazily: documents read from a snapshot
 *   file enter it only when someone asks about speakers, so a restart that
 *   re-indexes a few changed files never rebuilds the registry of the rest.
 * - The whole index serialises to one JSON snapshot (see snapshot.ts) so that a
 *   restart re-reads only the files that changed.
 *
 * File access goes through the FileSystem interface only.
 */
import type { FileSystem } from '../fs';
import { decodeText, sha256Hex } from '../text';
import type { DocumentExtraction } from '../extract/types';
import { EXTRACTOR_VERSION } from '../extract/extractor';
import { REGISTRY_RULES_VERSION, SpeakerRegistry, summarizeSpeakers, type CorpusSpeaker, type SpeakerSummary } from './registry';
import {
  documentFactsText, DOCUMENT_SEPARATOR, EXTRACTION_MARKER, normalizeExtraction, parseSnapshot, SNAPSHOT_END, snapshotHeaderText, summariesProblem,
  type DocumentHead, type DocumentRecord, type IndexSnapshot,
} from './snapshot';
import { type ExtractionStore, MemoryExtractionStore } from './store';

export type Analyzer = (text: string) => DocumentExtraction;

export interface CorpusIndexOptions {
  /** File access for `update` without text, `refresh`, `save` and `load`. */
  fs?: FileSystem;
  /** The per-document extraction, normally `analyzeDocument` from core/analyze. */
  analyze?: Analyzer;
  /**
   * Identifies the extraction code: a snapshot made by another version is not
   * trusted (its documents are re-extracted). Defaults to the extractor's version.
   */
  extractorVersion?: string;
  /** Where extractions are kept (default: in memory, as UTF-8 JSON). */
  store?: ExtractionStore;
}

export interface IndexChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export type UpdateResult = 'added' | 'changed' | 'unchanged';

export interface Disposable { dispose(): void }

export class CorpusIndexError extends Error {}

export const DEFAULT_EXTRACTOR_VERSION = `extractor-${EXTRACTOR_VERSION}`;

/** What the index keeps per document: a few fields and a reference into the store. */
interface StoredDocument {
  sha256: string;
  mtime?: number;
  size?: number;
  ref: unknown;
  /**
   * False while the document's speakers are not in the registry yet: then
   * `speakers` holds their summaries, or `speakersRef` says where their JSON
   * is in the store (a document loaded from a snapshot file).
   */
  inRegistry: boolean;
  speakers?: SpeakerSummary[];
  speakersRef?: unknown;
}

/** One document of a snapshot being written: its fields, its speaker summaries (JSON text, or their place in the store), its extraction's place in the store. */
export interface SnapshotDocument {
  facts: Omit<DocumentHead, 'speakers'>;
  speakers: string | { ref: unknown };
  extraction: { ref: unknown };
}

/** How many parsed extractions `document()` keeps at hand (hover cards ask for the same few documents again and again). */
const PARSED_CACHE_SIZE = 32;
/** Changed documents kept out of a not-yet-built registry, at most; beyond, the registry is built (its cost is then small beside the extraction). */
const MAX_PENDING_CHANGES = 5000;

export class CorpusIndex {
  private readonly documents = new Map<string, StoredDocument>();
  private registry: SpeakerRegistry;
  private readonly listeners = new Set<(change: IndexChange) => void>();
  private readonly parsed = new Map<StoredDocument, DocumentExtraction>();
  private changes = 0;
  /** Locations added, changed or removed since the index was loaded or last saved. */
  private readonly unsaved = new Set<string>();
  /** Documents whose speakers are not in the registry yet; of them, how many changed since loading. */
  private pending = 0;
  private pendingChanges = 0;
  readonly extractorVersion: string;
  readonly store: ExtractionStore;

  constructor(private readonly options: CorpusIndexOptions = {}, speakerIds?: Record<string, string>) {
    this.extractorVersion = options.extractorVersion ?? DEFAULT_EXTRACTOR_VERSION;
    this.registry = new SpeakerRegistry(speakerIds);
    this.store = options.store ?? new MemoryExtractionStore();
  }

  // ---------------------------------------------------------------- documents

  /**
   * Indexes a document. Without `text`, reads it through the FileSystem (UTF-8,
   * BOM stripped; throws for binary or invalid UTF-8). Extraction runs only if
   * the content hash differs from the cached one.
   */
  async update(location: string, text?: string): Promise<UpdateResult> {
    let stat: { mtime: number; size: number } | undefined;
    if (text === undefined) {
      const fs = this.requireFs();
      stat = await fs.stat(location);
      text = decodeText(await fs.readFile(location)).text;
    }
    const sha256 = await sha256Hex(text);
    const old = this.documents.get(location);
    if (old && old.sha256 === sha256) {
      if (stat) this.recordStat(location, stat);
      return 'unchanged';
    }
    const extraction = normalizeExtraction(this.requireAnalyzer()(text));
    this.put(location, { sha256, ...(stat ? { mtime: stat.mtime, size: stat.size } : {}) }, extraction, summarizeSpeakers(location, extraction));
    this.emit({ added: old ? [] : [location], changed: old ? [location] : [], removed: [] });
    return old ? 'changed' : 'added';
  }

  /**
   * Brings one file up to date cheaply: when its size and modification time
   * are those recorded, it is not read at all. A file that no longer exists is
   * removed. Returns what happened.
   */
  async refresh(location: string): Promise<UpdateResult | 'removed'> {
    const fs = this.requireFs();
    const stat = await fs.stat(location);
    if (!stat) return this.remove(location) ? 'removed' : 'unchanged';
    const old = this.documents.get(location);
    if (old && old.mtime === stat.mtime && old.size === stat.size) return 'unchanged';
    return this.update(location);
  }

  /** Adds an extraction computed elsewhere (a worker thread, another machine's shard). */
  addExtracted(record: DocumentRecord): UpdateResult {
    const extraction = normalizeExtraction(record.extraction);
    // A store that keeps objects takes it as it is (the editor adds every analysis it makes).
    return this.addExtractedJson(record, this.store.putParsed ? extraction : JSON.stringify(extraction), summarizeSpeakers(record.location, extraction));
  }

  /**
   * Adds an extraction computed elsewhere, given as its JSON text and the
   * summaries of its speakers (a worker thread computes both, so that the
   * thread merging results parses nothing).
   */
  addExtractedJson(record: Omit<DocumentRecord, 'extraction'>, json: string | Uint8Array | DocumentExtraction, speakers: SpeakerSummary[]): UpdateResult {
    const old = this.documents.get(record.location);
    if (old && old.sha256 === record.sha256 && record.sha256 !== '') return 'unchanged';
    this.put(record.location, factsOf(record), json, speakers);
    this.emit({ added: old ? [] : [record.location], changed: old ? [record.location] : [], removed: [] });
    return old ? 'changed' : 'added';
  }

  /**
   * Adds a document whose extraction is already in this index's store (a
   * loader reading a snapshot file in place). `trustKeys` false: the registry
   * keys in the summaries were made under other clustering rules.
   */
  addStored(head: DocumentHead, ref: unknown, trustKeys = true): void {
    this.drop(head.location);
    this.buildRegistry();
    this.documents.set(head.location, storedDocument(head, ref, true));
    this.registry.setSummaries(head.location, head.speakers, trustKeys);
  }

  /**
   * Adds a document read from a snapshot file, its extraction and its speaker
   * summaries (JSON, with registry keys made under the current rules) both
   * left in the store: its speakers enter the registry when someone first
   * asks about speakers, so loading costs nothing per speaker.
   */
  addLoaded(facts: Omit<DocumentHead, 'speakers'>, ref: unknown, speakersRef: unknown): void {
    this.drop(facts.location);
    this.documents.set(facts.location, storedDocument(facts, ref, false, undefined, speakersRef));
    this.pending++;
  }

  /** A removal read from a changes file (already saved: not a change). */
  removeLoaded(location: string): void {
    this.drop(location);
  }

  /** Speaker ids read from a changes file. */
  addLoadedSpeakerIds(ids: Record<string, string>): void {
    this.registry.addIds(ids);
  }

  /**
   * What changed since the index was loaded or last saved: the locations
   * (sorted; a location no longer indexed was removed) and the speaker ids
   * given since. `markSaved` starts a new count.
   */
  unsavedChanges(): { locations: string[]; speakerIds: Record<string, string> } {
    return { locations: [...this.unsaved].sort(), speakerIds: this.registry.takeNewIds() };
  }

  /** The index as it is now is saved: changes are counted from here. */
  markSaved(): void {
    this.unsaved.clear();
    this.registry.takeNewIds();
  }

  /** One document as the snapshot has it (for a writer that appends changed documents). */
  snapshotDocument(location: string): SnapshotDocument | undefined {
    const stored = this.documents.get(location);
    if (!stored) return undefined;
    return {
      facts: { location, ...factsOf(stored) },
      speakers: stored.inRegistry ? JSON.stringify(this.registry.summariesOf(location))
        : stored.speakers ? JSON.stringify(stored.speakers) : { ref: stored.speakersRef },
      extraction: { ref: stored.ref },
    };
  }

  /**
   * Records a new size and modification time for an indexed document whose
   * content was found unchanged (e.g. by a worker), so that the next restart
   * skips reading it. Returns false when the document is not indexed.
   */
  recordStat(location: string, stat: { mtime: number; size: number }): boolean {
    const record = this.documents.get(location);
    if (!record) return false;
    if (record.mtime !== stat.mtime || record.size !== stat.size) { this.changes++; this.unsaved.add(location); }
    record.mtime = stat.mtime;
    record.size = stat.size;
    return true;
  }

  remove(location: string): boolean {
    if (!this.drop(location)) return false;
    this.changes++;
    this.unsaved.add(location);
    this.emit({ added: [], changed: [], removed: [location] });
    return true;
  }

  has(location: string): boolean {
    return this.documents.has(location);
  }

  /**
   * A document's record. Its `extraction` is parsed from the store when first
   * read (location, hash, size and time cost nothing), so checking many
   * documents' hashes stays cheap. Throws CorpusIndexError when the stored
   * extraction is damaged.
   */
  document(location: string): DocumentRecord | undefined {
    const stored = this.documents.get(location);
    if (!stored) return undefined;
    let extraction: DocumentExtraction | undefined;
    const parse = (): DocumentExtraction => (extraction ??= this.parse(location, stored));
    return {
      location,
      sha256: stored.sha256,
      ...(stored.mtime !== undefined ? { mtime: stored.mtime } : {}),
      ...(stored.size !== undefined ? { size: stored.size } : {}),
      get extraction(): DocumentExtraction { return parse(); },
    };
  }

  /** A document's hash, size and modification time (no copy, no parsing: for checking many documents fast). */
  facts(location: string): Readonly<Pick<DocumentRecord, 'sha256' | 'mtime' | 'size'>> | undefined {
    return this.documents.get(location);
  }

  /** Indexed locations, sorted. */
  locations(): string[] {
    return [...this.documents.keys()].sort();
  }

  get size(): number {
    return this.documents.size;
  }

  /** False while documents loaded from a snapshot wait to enter the speaker registry (the first question about speakers builds it). */
  get registryBuilt(): boolean {
    return this.pending === 0;
  }

  /** Counts changes (documents added, changed or removed, new sizes and times), not loading: a writer can skip an index that did not change. */
  get changeCount(): number {
    return this.changes;
  }

  private put(location: string, facts: Pick<StoredDocument, 'sha256' | 'mtime' | 'size'>, json: string | Uint8Array | DocumentExtraction, speakers: SpeakerSummary[]): void {
    this.drop(location);
    const ref = typeof json === 'string' || json instanceof Uint8Array ? this.store.put(json)
      : this.store.putParsed ? this.store.putParsed(json) : this.store.put(JSON.stringify(json));
    if (this.pending > 0 && this.pendingChanges < MAX_PENDING_CHANGES) {
      // The registry is not built yet: the new speakers wait with the others, only their ids are given now (in the order a built registry would give them).
      this.registry.reserveIds(location, speakers);
      this.documents.set(location, storedDocument(facts, ref, false, speakers));
      this.pending++;
      this.pendingChanges++;
    } else {
      this.buildRegistry();
      this.documents.set(location, storedDocument(facts, ref, true));
      this.registry.setSummaries(location, speakers);
    }
    this.changes++;
    this.unsaved.add(location);
  }

  /** Takes a document out of the index (map, registry, store); false when it is not there. */
  private drop(location: string): boolean {
    const old = this.documents.get(location);
    if (!old) return false;
    // Deleted, not overwritten: a document put again goes last, where a built registry would have taken it.
    this.documents.delete(location);
    if (old.inRegistry) this.registry.removeDocument(location);
    else {
      this.pending--;
      if (old.speakers) this.pendingChanges--;
    }
    this.parsed.delete(old);
    this.store.release(old.ref);
    if (old.speakersRef !== undefined) this.store.release(old.speakersRef);
    return true;
  }

  /**
   * Feeds the registry every document not in it yet. Every speaker already has
   * its id (persisted, or reserved when its document changed), so the order
   * does not matter: summaries still in the store come first, in the order the
   * store reads fastest, one at a time (never all of them parsed at once).
   * Throws CorpusIndexError for damaged summaries.
   */
  private buildRegistry(): void {
    if (this.pending === 0) return;
    const waiting: [string, StoredDocument][] = [];
    for (const entry of this.documents) if (!entry[1].inRegistry && !entry[1].speakers) waiting.push(entry);
    const feed = ([location, d]: [string, StoredDocument], text: string): void => {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new CorpusIndexError(`${location}: the index's speaker summaries for this document are damaged (${(e as Error).message}); delete the index to rebuild it`);
      }
      const problem = summariesProblem(v);
      if (problem) throw new CorpusIndexError(`${location}: ${problem}; delete the index to rebuild it`);
      this.registry.setSummaries(location, v as SpeakerSummary[]);
      this.store.release(d.speakersRef);
      d.speakersRef = undefined;
      d.inRegistry = true;
    };
    const refs = waiting.map(([, d]) => d.speakersRef);
    if (this.store.readMany) this.store.readMany(refs, (text, i) => feed(waiting[i], text));
    else waiting.forEach((w) => feed(w, this.store.text(w[1].speakersRef)));
    for (const [location, d] of this.documents) {
      if (d.inRegistry) continue;
      this.registry.setSummaries(location, d.speakers!);
      d.inRegistry = true;
      d.speakers = undefined;
    }
    this.pending = 0;
    this.pendingChanges = 0;
  }

  private parse(location: string, stored: StoredDocument): DocumentExtraction {
    if (this.store.parsed) {
      try {
        return this.store.parsed(stored.ref);
      } catch (e) {
        throw new CorpusIndexError(`${location}: the index's copy of this document's extraction is damaged (${(e as Error).message}); delete the index to rebuild it`);
      }
    }
    const cached = this.parsed.get(stored);
    if (cached) {
      // Most recently used last.
      this.parsed.delete(stored);
      this.parsed.set(stored, cached);
      return cached;
    }
    let extraction: DocumentExtraction;
    try {
      extraction = JSON.parse(this.store.text(stored.ref)) as DocumentExtraction;
    } catch (e) {
      throw new CorpusIndexError(`${location}: the index's copy of this document's extraction is damaged (${(e as Error).message}); delete the index to rebuild it`);
    }
    if (this.parsed.size >= PARSED_CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(stored, extraction);
    return extraction;
  }

  // ---------------------------------------------------------------- speakers

  /** Every corpus speaker, most quoted first. */
  speakers(): CorpusSpeaker[] {
    this.buildRegistry();
    return this.registry.speakers();
  }

  speaker(id: string): CorpusSpeaker | undefined {
    this.buildRegistry();
    return this.registry.speaker(id);
  }

  /** The corpus speaker a document's speaker belongs to. */
  corpusSpeakerOf(location: string, documentSpeakerId: string): CorpusSpeaker | undefined {
    this.buildRegistry();
    const id = this.registry.corpusIdOf(location, documentSpeakerId);
    return id === undefined ? undefined : this.registry.speaker(id);
  }

  // ---------------------------------------------------------------- events

  /** Called after every change (one document added, changed or removed). */
  onDidChange(listener: (change: IndexChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(change: IndexChange): void {
    for (const l of [...this.listeners]) {
      try { l(change); } catch { /* a listener's failure must not break indexing */ }
    }
  }

  // ---------------------------------------------------------------- persistence

  /** The whole index as parsed objects (for small indexes and tests; a large one is written with `snapshotDocuments`). */
  toSnapshot(): IndexSnapshot {
    return {
      format: 'claimlens-index',
      version: 2,
      extractor: this.extractorVersion,
      registry: REGISTRY_RULES_VERSION,
      speakerIds: (this.buildRegistry(), this.registry.ids()),
      documents: this.locations().map((location) => ({ ...this.document(location)!, speakers: this.registry.summariesOf(location) })),
    };
  }

  /**
   * The first two lines of the snapshot; `id` names the file written (see snapshot.ts).
   * Every speaker has its id already (ids of speakers waiting for the registry were reserved).
   */
  snapshotHeader(id?: string): string {
    return snapshotHeaderText({ ...(id !== undefined ? { id } : {}), extractor: this.extractorVersion, speakerIds: this.registry.ids() });
  }

  /**
   * The snapshot's documents in order, each with its speaker summaries (text,
   * or their place in the store) and its extraction's place in the store: a
   * writer copies stored bytes as they are (the CLI copies from file to file,
   * never building one string for the whole index).
   */
  *snapshotDocuments(): Generator<SnapshotDocument> {
    for (const location of this.locations()) yield this.snapshotDocument(location)!;
  }

  /** The snapshot as JSON text (one document per line, so that diffs and partial reads stay cheap). */
  serialize(): string {
    return [...this.serializeChunks()].join('');
  }

  /** The same text as `serialize`, in pieces, for writing without one huge string. */
  *serializeChunks(): Generator<string> {
    yield this.snapshotHeader();
    let first = true;
    for (const d of this.snapshotDocuments()) {
      yield (first ? '' : DOCUMENT_SEPARATOR) + documentFactsText(d.facts) +
        (typeof d.speakers === 'string' ? d.speakers : this.store.text(d.speakers.ref)) + EXTRACTION_MARKER + this.store.text(d.extraction.ref) + '}';
      first = false;
    }
    yield SNAPSHOT_END;
  }

  /**
   * An index from a snapshot. Documents extracted by a different extractor
   * version, or a snapshot in an older format, are left out (their speaker ids
   * are kept), so that the next `refresh` re-extracts them.
   * Throws CorpusIndexError (with `name` in the message) for a malformed snapshot.
   */
  static fromSnapshot(snapshot: IndexSnapshot | string, options: CorpusIndexOptions = {}, name = 'index'): CorpusIndex {
    const parsed = typeof snapshot === 'string' ? parseSnapshot(snapshot, name) : snapshot;
    const index = new CorpusIndex(options, parsed.speakerIds);
    if (parsed.outdatedVersion !== undefined || parsed.extractor !== index.extractorVersion) return index;
    const trustKeys = parsed.registry === REGISTRY_RULES_VERSION;
    for (const d of parsed.documents) {
      const extraction = normalizeExtraction(d.extraction);
      const speakers = d.speakers && trustKeys ? d.speakers : summarizeSpeakers(d.location, extraction);
      index.put(d.location, factsOf(d), JSON.stringify(extraction), speakers);
    }
    return index;
  }

  async save(location: string): Promise<void> {
    const fs = this.requireFs();
    const tmp = `${location}.tmp`;
    await fs.writeFile(tmp, new TextEncoder().encode(this.serialize()));
    await fs.rename(tmp, location);
  }

  /** Loads a saved index; a missing file gives an empty index. */
  static async load(location: string, options: CorpusIndexOptions): Promise<CorpusIndex> {
    const fs = options.fs;
    if (!fs) throw new CorpusIndexError('CorpusIndex.load needs a FileSystem');
    if (!(await fs.stat(location))) return new CorpusIndex(options);
    let text: string;
    try {
      text = decodeText(await fs.readFile(location)).text;
    } catch (e) {
      throw new CorpusIndexError(`${location}: cannot read the index (${(e as Error).message}); delete it to rebuild`);
    }
    return CorpusIndex.fromSnapshot(text, options, location);
  }

  /** Releases the store's resources (the CLI's file store holds open files). */
  dispose(): void {
    this.store.dispose?.();
  }

  private requireFs(): FileSystem {
    if (!this.options.fs) throw new CorpusIndexError('this corpus index has no FileSystem: pass the text, or create it with { fs }');
    return this.options.fs;
  }

  private requireAnalyzer(): Analyzer {
    if (!this.options.analyze) throw new CorpusIndexError('this corpus index has no analyzer: create it with { analyze }');
    return this.options.analyze;
  }
}

/** Always the same fields, in the same order (a hundred thousand of them: one object shape, no property added or deleted later). */
function storedDocument(facts: { sha256: string; mtime?: number; size?: number }, ref: unknown, inRegistry: boolean, speakers?: SpeakerSummary[], speakersRef?: unknown): StoredDocument {
  return { sha256: facts.sha256, mtime: facts.mtime, size: facts.size, ref, inRegistry, speakers, speakersRef };
}

function factsOf(d: { sha256: string; mtime?: number; size?: number }): Pick<StoredDocument, 'sha256' | 'mtime' | 'size'> {
  return { sha256: d.sha256, ...(d.mtime !== undefined ? { mtime: d.mtime } : {}), ...(d.size !== undefined ? { size: d.size } : {}) };
}
