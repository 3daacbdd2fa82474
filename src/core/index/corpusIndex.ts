/**
 * The corpus index: every selected document's extraction, cached by content
 * hash, and the corpus-wide speaker registry built from them.
 *
 * - A changed document is re-extracted alone; an unchanged one (same SHA-256)
 *   is not extracted again, and with `refresh` not even read when its size and
 *   modification time are those recorded.
 * - The per-document work (`analyze`) is a pure function of the text, passed
 *   in by the caller, so that it can run in worker threads or on other
 *   machines; `addExtracted` takes results computed elsewhere.
 * - The whole index serialises to one JSON snapshot (see snapshot.ts) so that a
 *   restart re-reads only the files that changed.
 *
 * File access goes through the FileSystem interface only.
 */
import type { FileSystem } from '../fs';
import { decodeText, sha256Hex } from '../text';
import type { DocumentExtraction } from '../extract/types';
import { EXTRACTOR_VERSION } from '../extract/extractor';
import { SpeakerRegistry, type CorpusSpeaker } from './registry';
import { parseSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type DocumentRecord, type IndexSnapshot } from './snapshot';

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

export class CorpusIndex {
  private readonly documents = new Map<string, DocumentRecord>();
  private registry: SpeakerRegistry;
  private readonly listeners = new Set<(change: IndexChange) => void>();
  readonly extractorVersion: string;

  constructor(private readonly options: CorpusIndexOptions = {}, speakerIds?: Record<string, string>) {
    this.extractorVersion = options.extractorVersion ?? DEFAULT_EXTRACTOR_VERSION;
    this.registry = new SpeakerRegistry(speakerIds);
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
      if (stat) { old.mtime = stat.mtime; old.size = stat.size; }
      return 'unchanged';
    }
    const extraction = this.requireAnalyzer()(text);
    this.put({ location, sha256, ...(stat ? { mtime: stat.mtime, size: stat.size } : {}), extraction });
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
    const old = this.documents.get(record.location);
    if (old && old.sha256 === record.sha256 && record.sha256 !== '') return 'unchanged';
    this.put(record);
    this.emit({ added: old ? [] : [record.location], changed: old ? [record.location] : [], removed: [] });
    return old ? 'changed' : 'added';
  }

  /**
   * Records a new size and modification time for an indexed document whose
   * content was found unchanged (e.g. by a worker), so that the next restart
   * skips reading it. Returns false when the document is not indexed.
   */
  recordStat(location: string, stat: { mtime: number; size: number }): boolean {
    const record = this.documents.get(location);
    if (!record) return false;
    record.mtime = stat.mtime;
    record.size = stat.size;
    return true;
  }

  remove(location: string): boolean {
    if (!this.documents.delete(location)) return false;
    this.registry.removeDocument(location);
    this.emit({ added: [], changed: [], removed: [location] });
    return true;
  }

  has(location: string): boolean {
    return this.documents.has(location);
  }

  document(location: string): DocumentRecord | undefined {
    return this.documents.get(location);
  }

  /** Indexed locations, sorted. */
  locations(): string[] {
    return [...this.documents.keys()].sort();
  }

  get size(): number {
    return this.documents.size;
  }

  private put(record: DocumentRecord): void {
    this.documents.set(record.location, record);
    this.registry.setDocument(record.location, record.extraction.speakers, record.extraction.claims);
  }

  // ---------------------------------------------------------------- speakers

  /** Every corpus speaker, most quoted first. */
  speakers(): CorpusSpeaker[] {
    return this.registry.speakers();
  }

  speaker(id: string): CorpusSpeaker | undefined {
    return this.registry.speaker(id);
  }

  /** The corpus speaker a document's speaker belongs to. */
  corpusSpeakerOf(location: string, documentSpeakerId: string): CorpusSpeaker | undefined {
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

  toSnapshot(): IndexSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      extractor: this.extractorVersion,
      documents: this.locations().map((l) => this.documents.get(l)!),
      speakerIds: this.registry.ids(),
    };
  }

  /** The snapshot as JSON text (one document per line, so that diffs and partial reads stay cheap). */
  serialize(): string {
    return [...this.serializeChunks()].join('');
  }

  /** The same text as `serialize`, in pieces (one per document), for writing a large index without one huge string. */
  *serializeChunks(): Generator<string> {
    const s = this.toSnapshot();
    yield `{"format":${JSON.stringify(s.format)},"version":${s.version},"extractor":${JSON.stringify(s.extractor)},` +
      `"speakerIds":${JSON.stringify(s.speakerIds)},\n"documents":[\n`;
    for (let i = 0; i < s.documents.length; i++) yield (i > 0 ? ',\n' : '') + JSON.stringify(s.documents[i]);
    yield '\n]}\n';
  }

  /**
   * An index from a snapshot. Documents extracted by a different extractor
   * version are left out, so that the next `refresh` re-extracts them.
   * Throws CorpusIndexError (with `name` in the message) for a malformed snapshot.
   */
  static fromSnapshot(snapshot: IndexSnapshot | string, options: CorpusIndexOptions = {}, name = 'index'): CorpusIndex {
    const parsed = typeof snapshot === 'string' ? parseSnapshot(snapshot, name) : snapshot;
    const index = new CorpusIndex(options, parsed.speakerIds);
    if (parsed.extractor !== index.extractorVersion) return index;
    for (const d of parsed.documents) index.put(d);
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

  private requireFs(): FileSystem {
    if (!this.options.fs) throw new CorpusIndexError('this corpus index has no FileSystem: pass the text, or create it with { fs }');
    return this.options.fs;
  }

  private requireAnalyzer(): Analyzer {
    if (!this.options.analyze) throw new CorpusIndexError('this corpus index has no analyzer: create it with { analyze }');
    return this.options.analyze;
  }
}
