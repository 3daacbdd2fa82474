/**
 * Index files on disk for `claimlens index` (the format: core/index/snapshot.ts).
 *
 * At newsroom scale an index file is about 9 kB per article (a gigabyte for
 * 100,000), more than the largest JavaScript string and more than a process
 * should hold. So:
 * - {@link FileExtractionStore} keeps each document's extraction where its
 *   bytes are: in the index file it was loaded from, or in a scratch file for
 *   new extractions; memory holds a file, an offset and a length per document.
 * - {@link readIndexHeads} reads the table at the end of an index file (or,
 *   without one, each line's first fields: location, hash, size, time) and
 *   leaves every document's speaker summaries and extraction where they are:
 *   a restart parses neither, and the index builds its speaker registry from
 *   them only when asked. Then it applies the changes file, if any.
 * - {@link writeIndexFile} streams a new index (temporary file, then rename),
 *   copying each extraction's bytes without decoding them, then points the
 *   store at the new file; {@link appendIndexChanges} appends the few
 *   documents a restart changed to the changes file instead.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import * as path from 'node:path';
import { CorpusIndex, type CorpusIndexOptions } from '../core/index/corpusIndex';
import { REGISTRY_RULES_VERSION } from '../core/index/registry';
import {
  CHANGES_FORMAT, CHANGES_VERSION, checkDocumentFacts, checkDocumentHead, DOCUMENT_SEPARATOR, documentFactsText, EXTRACTION_MARKER, parseSnapshot, parseSnapshotHeader, SnapshotError, SPEAKERS_MARKER,
  type DocumentHead, type SnapshotHeader,
} from '../core/index/snapshot';
import type { ExtractionStore } from '../core/index/store';
import { decodeText } from '../core/text';

interface Segment {
  fd: number;
  path: string;
  /** Where the next extraction is appended (scratch files). */
  end: number;
  /** Deleted when closed (a scratch file that could not be unlinked while open, on Windows). */
  removeOnClose: boolean;
}

/** Where one extraction's UTF-8 JSON is. Mutable: `writeIndexFile` moves references to the file it wrote. */
export interface FileRef {
  segment: Segment;
  offset: number;
  length: number;
}

const CHUNK = 8 * 1024 * 1024;
const SCRATCH_BUFFER = 4 * 1024 * 1024;

function readFully(fd: number, buffer: Buffer, position: number, length = buffer.length, into = 0): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, into + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writeFully(fd: number, buffer: Buffer, position?: number): void {
  let done = 0;
  while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done, position === undefined ? null : position + done);
}

/** Writes several buffers with as few system calls as possible, without first copying them into one. */
function writeAll(fd: number, buffers: Buffer[], total: number, position?: number): void {
  let written = 0;
  let first = 0;
  while (written < total) {
    // At most 1,024 buffers per call (the system's limit is IOV_MAX, usually 1,024).
    const batch = buffers.slice(first, first + 1024);
    const n = writevSync(fd, batch, position === undefined ? undefined : position + written);
    written += n;
    // A short write: skip the buffers written whole, then finish a partly written one alone.
    let skipped = 0;
    let k = 0;
    while (k < batch.length && skipped + batch[k].length <= n) skipped += batch[k++].length;
    first += k;
    if (skipped < n) {
      const rest = buffers[first].subarray(n - skipped);
      writeFully(fd, rest, position === undefined ? undefined : position + written);
      written += rest.length;
      first++;
    }
  }
}

/** Extractions kept in files: the index file they were read from, and a scratch file for new ones. */
export class FileExtractionStore implements ExtractionStore<FileRef> {
  private readonly segments = new Set<Segment>();
  private scratch: Segment | undefined;
  private scratchCount = 0;
  /** Extractions put in the scratch file and not written yet (the end of it). */
  private unwritten: Buffer[] = [];
  private unwrittenBytes = 0;
  private disposed = false;

  /** `scratchDir`: where new extractions are kept until the index is written (the index's folder, so no other disk fills up). */
  constructor(private readonly scratchDir: string) {}

  /** Opens a file whose extractions are read in place. */
  openFile(file: string): Segment {
    this.check();
    const segment: Segment = { fd: openSync(file, 'r'), path: file, end: 0, removeOnClose: false };
    this.segments.add(segment);
    return segment;
  }

  put(json: string | Uint8Array): FileRef {
    this.check();
    const segment = this.scratch ??= this.openScratch();
    const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
    const ref = { segment, offset: segment.end, length: bytes.length };
    segment.end += bytes.length;
    // Written in large pieces: one system call per document costs the thread merging results more than the copy.
    this.unwritten.push(bytes);
    this.unwrittenBytes += bytes.length;
    if (this.unwrittenBytes >= SCRATCH_BUFFER) this.flushScratch();
    return ref;
  }

  private flushScratch(): void {
    if (this.unwrittenBytes === 0 || !this.scratch) return;
    writeAll(this.scratch.fd, this.unwritten, this.unwrittenBytes, this.scratch.end - this.unwrittenBytes);
    this.unwritten = [];
    this.unwrittenBytes = 0;
  }

  /** The stored UTF-8 bytes. */
  bytes(ref: FileRef): Buffer {
    this.check();
    if (ref.segment === this.scratch) this.flushScratch();
    const buffer = Buffer.allocUnsafe(ref.length);
    if (readFully(ref.segment.fd, buffer, ref.offset) !== ref.length) throw new Error(`${ref.segment.path}: shorter than expected (changed by another program?)`);
    return buffer;
  }

  text(ref: FileRef): string {
    return this.bytes(ref).toString('utf8');
  }

  release(): void {
    // Space in a scratch file is not reused; the file goes when the index is written.
  }

  /** Reads many references file by file in offset order, in large sequential reads rather than one read each. */
  readMany(refs: readonly FileRef[], each: (text: string, index: number) => void): void {
    this.check();
    this.flushScratch();
    const order = refs.map((_r, i) => i).sort((a, b) => {
      const x = refs[a], y = refs[b];
      return x.segment === y.segment ? x.offset - y.offset : x.segment.fd - y.segment.fd;
    });
    let buffer = Buffer.allocUnsafe(CHUNK);
    let segment: Segment | undefined;
    let from = 0; // file offset of buffer[0]
    let filled = 0;
    for (const i of order) {
      const ref = refs[i];
      if (ref.segment !== segment || ref.offset < from || ref.offset + ref.length > from + filled) {
        segment = ref.segment;
        from = ref.offset;
        if (ref.length > buffer.length) buffer = Buffer.allocUnsafe(ref.length);
        filled = readFully(segment.fd, buffer, from);
        if (filled < ref.length) throw new Error(`${segment.path}: shorter than expected (changed by another program?)`);
      }
      each(buffer.toString('utf8', ref.offset - from, ref.offset - from + ref.length), i);
    }
  }

  /**
   * The index file this store's index was loaded from or last written to, its id, how many changes
   * its changes file holds, and how many bytes of that file are those changes (0: none of it is).
   */
  indexFile: { path: string; id: string } & ChangesRead | undefined;

  /** References now stored in `file` (appended there): they read from it from now on. */
  relocate(file: string, moved: readonly [FileRef, number][]): void {
    if (moved.length === 0) return;
    const target = this.openFile(file);
    for (const [ref, offset] of moved) { ref.segment = target; ref.offset = offset; }
  }

  /**
   * After the index was written to `file` with every live extraction in it:
   * references move there, and the files read before are closed.
   */
  adopt(file: string, moved: readonly [FileRef, number][]): void {
    this.unwritten = [];
    this.unwrittenBytes = 0;
    const target = this.openFile(file);
    for (const [ref, offset] of moved) { ref.segment = target; ref.offset = offset; }
    for (const s of [...this.segments]) if (s !== target) this.close(s);
    this.scratch = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.unwritten = [];
    this.unwrittenBytes = 0;
    for (const s of [...this.segments]) this.close(s);
    this.scratch = undefined;
    this.disposed = true;
  }

  private openScratch(): Segment {
    mkdirSync(this.scratchDir, { recursive: true });
    const file = path.join(this.scratchDir, `.claimlens-index-scratch-${process.pid}-${++this.scratchCount}`);
    const segment: Segment = { fd: openSync(file, 'w+'), path: file, end: 0, removeOnClose: false };
    // Unlinked at once where the system allows it (the data lives while the file is open), so that
    // nothing is left behind even if the process is killed.
    try { unlinkSync(file); } catch { segment.removeOnClose = true; }
    this.segments.add(segment);
    return segment;
  }

  private close(segment: Segment): void {
    this.segments.delete(segment);
    try { closeSync(segment.fd); } catch { /* already closed */ }
    if (segment.removeOnClose) rmSync(segment.path, { force: true });
  }

  private check(): void {
    if (this.disposed) throw new Error('FileExtractionStore used after dispose()');
  }
}

/**
 * Calls `line` for each line of a file, as a byte range of a buffer (valid
 * during the call) and the line's offset in the file. Lines of any length.
 */
function forEachLine(fd: number, line: (buffer: Buffer, start: number, end: number, fileOffset: number, lineNo: number, complete: boolean) => boolean | void): void {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let filled = 0; // bytes of buffer in use
  let base = 0; // file offset of buffer[0]
  let eof = false;
  let lineNo = 0;
  let start = 0;
  for (;;) {
    const view = buffer.subarray(0, filled);
    for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
      lineNo++;
      if (line(buffer, start, nl, base + start, lineNo, true) === false) return;
      start = nl + 1;
    }
    if (eof) {
      if (start < filled) line(buffer, start, filled, base + start, ++lineNo, false);
      return;
    }
    // Keep the partial line, read more (a bigger buffer when one line fills it).
    const rest = filled - start;
    if (rest >= buffer.length / 2) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, start, filled);
      buffer = bigger;
    } else {
      buffer.copy(buffer, 0, start, filled);
    }
    base += start;
    start = 0;
    filled = rest;
    const n = readFully(fd, buffer, base + filled, buffer.length - filled, filled);
    filled += n;
    if (filled < buffer.length) eof = true;
  }
}

const EXTRACTION = Buffer.from(EXTRACTION_MARKER, 'utf8');
const SPEAKERS = Buffer.from(SPEAKERS_MARKER, 'utf8');
const DOCUMENTS_LINE = '"documents":[';

/** What reading an index file found. */
export interface IndexFileHeader extends SnapshotHeader {
  /** False: not the line layout ClaimLens writes (e.g. edited by hand); read whole instead. */
  lineLayout: boolean;
}

/** One document line: its fields, and where its speaker summaries (a JSON list) and its extraction (JSON) are. */
export interface DocumentLine {
  facts: Omit<DocumentHead, 'speakers'>;
  speakers: FileRef;
  extraction: FileRef;
}

/** Parses the speaker summaries of a document line (they are left on disk by `readIndexHeads`). */
export function readSpeakers(store: FileExtractionStore, line: DocumentLine, where: string): DocumentHead {
  let speakers: unknown;
  try {
    speakers = JSON.parse(store.text(line.speakers));
  } catch (e) {
    throw new SnapshotError(`${where}: document ${line.facts.location}: speaker summaries are not valid JSON (${(e as Error).message}); delete the index to rebuild it`);
  }
  return checkDocumentHead({ ...line.facts, speakers }, where);
}

/** What to do with what `readIndexHeads` reads. */
export interface IndexReader {
  /** A document (a later one with the same location replaces the earlier). */
  document?(line: DocumentLine, where: string): void;
  /** A document removed by the changes file. */
  removed?(location: string): void;
  /** Speaker ids given since the index was written (from the changes file). */
  speakerIds?(ids: Record<string, string>): void;
  /** Called with the header: false skips the documents (default: read them). */
  wantDocuments?(header: SnapshotHeader): boolean;
}

/**
 * Parses one document line `{"location":…,"size":N,"speakers":[…],"extraction":{…}}`
 * (bytes `start` to `last` of `buffer`, at `fileOffset` in the file): its
 * fields, and where the summaries and the extraction are. The markers cannot
 * occur inside strings (quotes are escaped there).
 */
function parseDocumentLine(buffer: Buffer, start: number, last: number, fileOffset: number, segment: Segment, where: string): DocumentLine {
  const speakersAt = buffer.indexOf(SPEAKERS, start);
  const extractionAt = speakersAt === -1 || speakersAt >= last ? -1 : buffer.indexOf(EXTRACTION, speakersAt);
  const list = speakersAt + SPEAKERS.length;
  const from = extractionAt + EXTRACTION.length;
  if (extractionAt === -1 || extractionAt >= last || buffer[list] !== 91 || buffer[extractionAt - 1] !== 93 ||
    from >= last - 1 || buffer[from] !== 123 || buffer[last - 1] !== 125 || buffer[last - 2] !== 125) {
    throw new SnapshotError(`${where}: not valid JSON (not a document line); delete the index to rebuild it`);
  }
  let d: unknown;
  try {
    d = JSON.parse(buffer.toString('utf8', start, speakersAt) + '}');
  } catch (e) {
    throw new SnapshotError(`${where}: not valid JSON (${(e as Error).message}); delete the index to rebuild it`);
  }
  return {
    facts: checkDocumentFacts(d, where),
    speakers: { segment, offset: fileOffset + (list - start), length: extractionAt - list },
    extraction: { segment, offset: fileOffset + (from - start), length: last - 1 - from },
  };
}

/** What reading a changes file found: the changes applied, and the bytes they take from its start. */
interface ChangesRead {
  changes: number;
  /**
   * The end of the last change applied: what follows (a line cut short by a crash) is not part of
   * the file, and a file written for another index has none. Appending starts here.
   */
  changesBytes: number;
}

/** The changes file of an index file. */
export const changesFileOf = (file: string): string => `${file}.changes`;

/**
 * Reads an index file's header and, for each document, only the fields
 * before its speakers (location, hash, size, time), leaving the speaker
 * summaries and the extraction in the file (`reader.document` gets their
 * places): from the table at the end of the file when there is one, else line
 * by line. Then the changes file, if it belongs to this index. Stops after the
 * header when the file is in an older format or `wantDocuments` says so.
 * Throws SnapshotError with file:line for a damaged file.
 */
export function readIndexHeads(store: FileExtractionStore, file: string, name: string, reader: IndexReader = {}): IndexFileHeader & ChangesRead {
  const segment = store.openFile(file);
  let header: IndexFileHeader | undefined;
  let wanted = false;
  forEachLine(segment.fd, (buffer, start, end, _offset, lineNo) => {
    if (lineNo === 1) {
      let text = buffer.toString('utf8', start, end).replace(/^\uFEFF/, '');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      let v: unknown;
      try { v = JSON.parse(text + `${DOCUMENTS_LINE}]}`); } catch { header = { extractor: '', registry: 0, speakerIds: {}, lineLayout: false }; return false; }
      header = { ...parseSnapshotHeader(v, name), lineLayout: true };
      wanted = header.outdatedVersion === undefined && (reader.wantDocuments?.(header) ?? true);
      return wanted;
    }
    if (buffer.toString('utf8', start, end).replace(/\r$/, '') !== DOCUMENTS_LINE) header!.lineLayout = false;
    return false;
  });
  if (!header) throw new SnapshotError(`${name}: empty file, not a ClaimLens index; delete it to rebuild`);
  if (!wanted || !header.lineLayout) return { ...header, changes: 0, changesBytes: 0 };
  // Written by ClaimLens: the table at the end says where everything is.
  const table = readTable(segment.fd, fstatSync(segment.fd).size, segment);
  if (table) {
    table.forEach((line, i) => reader.document?.(line, `${name}: document #${i + 1}`));
  } else {
    forEachLine(segment.fd, (buffer, start, end, fileOffset, lineNo) => {
      if (lineNo <= 2) return true;
      let last = end;
      if (last > start && buffer[last - 1] === 13) last--; // \r
      if (last > start && buffer[last - 1] === 44) last--; // the ',' between documents
      if (last === start) return true;
      if (buffer[start] === 93) return false; // ']}' or '],': the end of the documents
      const where = `${name}:${lineNo}`;
      reader.document?.(parseDocumentLine(buffer, start, last, fileOffset, segment, where), where);
      return true;
    });
  }
  return { ...header, ...(header.id === undefined ? { changes: 0, changesBytes: 0 } : readChanges(store, changesFileOf(file), `${name}.changes`, header.id, reader)) };
}

/** Applies the changes file written for the index `baseId` (none when it is missing or belongs to another index). */
function readChanges(store: FileExtractionStore, file: string, name: string, baseId: string, reader: IndexReader): ChangesRead {
  let segment: Segment;
  try {
    segment = store.openFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { changes: 0, changesBytes: 0 };
    throw error;
  }
  let changes = 0;
  let changesBytes = 0;
  forEachLine(segment.fd, (buffer, start, end, fileOffset, lineNo, complete) => {
    // A line cut short by a crash while appending: that change was not saved (its file will be read again).
    if (!complete) return false;
    const lineEnd = fileOffset + (end - start) + 1;
    let last = end;
    if (last > start && buffer[last - 1] === 13) last--;
    if (last === start) { changesBytes = lineEnd; return true; }
    const where = `${name}:${lineNo}`;
    if (lineNo === 1) {
      let v: { format?: unknown; version?: unknown; base?: unknown } | undefined;
      try { v = JSON.parse(buffer.toString('utf8', start, last)) as typeof v; } catch { /* not ours */ }
      // Written for another index (the index was rewritten since): nothing in it applies.
      if (v?.format !== CHANGES_FORMAT || v.version !== CHANGES_VERSION || v.base !== baseId) return false;
      changesBytes = lineEnd;
      return true;
    }
    changes++;
    changesBytes = lineEnd;
    if (buffer.indexOf(SPEAKERS, start) !== -1 && buffer.indexOf(SPEAKERS, start) < last) {
      reader.document?.(parseDocumentLine(buffer, start, last, fileOffset, segment, where), where);
      return true;
    }
    let v: { removed?: unknown; speakerIds?: unknown } | undefined;
    try { v = JSON.parse(buffer.toString('utf8', start, last)) as typeof v; } catch (e) {
      throw new SnapshotError(`${where}: not valid JSON (${(e as Error).message}); delete the index and this file to rebuild it`);
    }
    if (typeof v?.removed === 'string') reader.removed?.(v.removed);
    else if (v?.speakerIds && typeof v.speakerIds === 'object') {
      const ids: Record<string, string> = {};
      for (const [k, id] of Object.entries(v.speakerIds as Record<string, unknown>)) if (typeof id === 'string') ids[k] = id;
      reader.speakerIds?.(ids);
    } else {
      throw new SnapshotError(`${where}: not a change ClaimLens writes; delete the index and this file to rebuild it`);
    }
    return true;
  });
  return { changes, changesBytes };
}

/** What `loadIndexFile` found besides the index. */
export interface LoadedIndex {
  index: CorpusIndex;
  /** Why the documents in the file were not used (all will be extracted again), if so. */
  discarded?: string;
}

/** Largest index read as one text when it is not in ClaimLens's line layout. */
const MAX_WHOLE_TEXT = 256 * 1024 * 1024;

/**
 * Loads an index file with its extractions left on disk (`options.store` must
 * be a FileExtractionStore). Undefined when the file does not exist. A file
 * from another extractor version or an older format gives an index without
 * documents (speaker ids kept), and says so in `discarded`.
 */
export function loadIndexFile(file: string, name: string, options: CorpusIndexOptions & { store: FileExtractionStore }): LoadedIndex | undefined {
  let index: CorpusIndex | undefined;
  let trustKeys = true;
  let header: IndexFileHeader & ChangesRead;
  try {
    header = readIndexHeads(options.store, file, name, {
      wantDocuments: (h) => {
        index = new CorpusIndex(options, h.speakerIds);
        trustKeys = h.registry === REGISTRY_RULES_VERSION;
        return h.extractor === index.extractorVersion;
      },
      // Summaries made under the current clustering rules wait on disk until someone asks about speakers; older ones are read now.
      document: (line, where) => {
        if (trustKeys) index!.addLoaded(line.facts, line.extraction, line.speakers);
        else index!.addStored(readSpeakers(options.store, line, where), line.extraction, false);
      },
      removed: (location) => index!.removeLoaded(location),
      speakerIds: (ids) => index!.addLoadedSpeakerIds(ids),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!header.lineLayout) {
    // Not ClaimLens's line layout (edited by hand?): the whole-text parser, and its messages.
    if (statSync(file).size > MAX_WHOLE_TEXT) throw new SnapshotError(`${name}: not in the line layout ClaimLens writes, and too large to read whole; delete it to rebuild`);
    const snapshot = parseSnapshot(decodeText(readFileSync(file)).text, name);
    const whole = CorpusIndex.fromSnapshot(snapshot, options, name);
    whole.markSaved();
    return { index: whole, ...discardedReason(snapshot, whole) };
  }
  index ??= new CorpusIndex(options, header.speakerIds);
  index.markSaved();
  const discarded = discardedReason(header, index);
  if (!discarded.discarded && header.id !== undefined) options.store.indexFile = { path: file, id: header.id, changes: header.changes, changesBytes: header.changesBytes };
  return { index, ...discarded };
}

function discardedReason(header: SnapshotHeader, index: CorpusIndex): { discarded?: string } {
  if (header.outdatedVersion !== undefined) return { discarded: `made by an older ClaimLens (index format ${header.outdatedVersion})` };
  if (header.extractor !== index.extractorVersion) return { discarded: `made by another extractor (${header.extractor || 'unknown'}, now ${index.extractorVersion})` };
  return {};
}

/** Writes through a 8 MB buffer at `position` and on, knowing the file offset of everything written. */
class SequentialWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(private readonly fd: number, public position = 0) {}

  text(text: string): void {
    this.bytes(Buffer.from(text, 'utf8'));
  }

  bytes(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.position += bytes.length;
    if (this.pendingBytes >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    writeAll(this.fd, this.pending, this.pendingBytes, this.position - this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/**
 * Writes the index to `file` atomically (temporary file, then rename),
 * streaming: each stored extraction's bytes are copied as they are, never one
 * string for the whole index. After the documents comes a table of where each
 * document's summaries and extraction are (`"table"`, then `"tableOffset"`,
 * the table's place, last in the file), so that a restart reads the table
 * instead of the whole file. Afterwards a FileExtractionStore reads from the
 * new file. Returns the bytes written.
 */
export function writeIndexFile(index: CorpusIndex, file: string): number {
  const tmp = `${file}.tmp-${process.pid}`;
  // The file's id (for its changes file) is a hash of its header and table, written into the header at the end:
  // the same index gives the same file.
  const placeholder = '0'.repeat(16);
  const idHash = createHash('sha256');
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(tmp, 'w');
  const store = index.store instanceof FileExtractionStore ? index.store : undefined;
  const moved: [FileRef, number][] = [];
  const out = new SequentialWriter(fd);
  let id: string;
  const copy = (part: { ref: unknown }): void => {
    if (store) {
      moved.push([part.ref as FileRef, out.position]);
      out.bytes(store.bytes(part.ref as FileRef));
    } else {
      out.text(index.store.text(part.ref));
    }
  };
  try {
    const header = index.snapshotHeader(placeholder);
    const idAt = Buffer.byteLength(header.slice(0, header.indexOf(placeholder)), 'utf8');
    out.text(header);
    idHash.update(header);
    const table: string[] = [];
    for (const d of index.snapshotDocuments()) {
      if (table.length > 0) out.text(DOCUMENT_SEPARATOR);
      out.text(documentFactsText(d.facts));
      const speakersAt = out.position;
      if (typeof d.speakers === 'string') out.text(d.speakers);
      else copy(d.speakers);
      const speakersLength = out.position - speakersAt;
      out.text(EXTRACTION_MARKER);
      const extractionAt = out.position;
      copy(d.extraction);
      const extractionLength = out.position - extractionAt;
      out.text('}');
      const { location, sha256, mtime, size } = d.facts;
      table.push(JSON.stringify([location, sha256, mtime ?? null, size ?? null, speakersAt, speakersLength, extractionAt, extractionLength]));
    }
    out.text('\n],\n');
    const tableAt = out.position;
    out.text('"table":[');
    for (let i = 0; i < table.length; i += 1024) {
      const rows = (i > 0 ? ',' : '') + table.slice(i, i + 1024).join(',');
      out.text(rows);
      idHash.update(rows);
    }
    out.text(`],"tableOffset":${tableAt}}\n`);
    out.flush();
    id = idHash.digest('hex').slice(0, placeholder.length);
    writeFully(fd, Buffer.from(id, 'latin1'), idAt);
    closeSync(fd);
  } catch (error) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw error;
  }
  renameSync(tmp, file);
  // The changes file belonged to the index just replaced (its first line names that one; it no longer applies).
  rmSync(changesFileOf(file), { force: true });
  store?.adopt(file, moved);
  if (store) store.indexFile = { path: file, id: id!, changes: 0, changesBytes: 0 };
  index.markSaved();
  return out.position;
}

/**
 * Saves what changed since the index was loaded from `file` (or last saved
 * there) by appending it to the changes file, instead of rewriting the whole
 * index: a restart that re-indexed one article writes ten kilobytes, not a
 * gigabyte. Returns the bytes appended, or undefined when the changes should
 * go into a rewrite instead (no index file to append to, or the changes file
 * would hold more than `maxChanges`).
 */
export function appendIndexChanges(index: CorpusIndex, file: string, maxChanges: number): number | undefined {
  const store = index.store instanceof FileExtractionStore ? index.store : undefined;
  const base = store?.indexFile;
  if (!store || !base || base.path !== file) return undefined;
  const { locations, speakerIds } = index.unsavedChanges();
  if (base.changes + locations.length > maxChanges) return undefined;
  const changesFile = changesFileOf(file);
  // Not opened for appending: the file may end in what is not ours to keep (a change cut short by a
  // crash, which new lines would be glued to, or a whole file left from another index).
  const fd = openSync(changesFile, fsConstants.O_RDWR | fsConstants.O_CREAT);
  const moved: [FileRef, number][] = [];
  let written = 0;
  try {
    const start = base.changesBytes;
    if (fstatSync(fd).size !== start) ftruncateSync(fd, start);
    const out = new SequentialWriter(fd, start);
    if (start === 0) out.text(JSON.stringify({ format: CHANGES_FORMAT, version: CHANGES_VERSION, base: base.id }) + '\n');
    if (Object.keys(speakerIds).length > 0) out.text(JSON.stringify({ speakerIds }) + '\n');
    const copy = (part: { ref: unknown }): void => {
      moved.push([part.ref as FileRef, out.position]);
      out.bytes(store.bytes(part.ref as FileRef));
    };
    for (const location of locations) {
      const d = index.snapshotDocument(location);
      if (!d) { out.text(JSON.stringify({ removed: location }) + '\n'); continue; }
      out.text(documentFactsText(d.facts));
      if (typeof d.speakers === 'string') out.text(d.speakers);
      else copy(d.speakers);
      out.text(EXTRACTION_MARKER);
      copy(d.extraction);
      out.text('}\n');
    }
    out.flush();
    written = out.position - start;
    closeSync(fd);
  } catch (error) {
    try { closeSync(fd); } catch { /* already closed */ }
    throw error;
  }
  store.relocate(changesFile, moved);
  base.changes += locations.length;
  base.changesBytes += written;
  index.markSaved();
  return written;
}

/**
 * The table at the end of an index file written by `writeIndexFile`, as
 * document lines; undefined when there is none or it does not fit the file
 * (then the file is read line by line).
 */
function readTable(fd: number, fileSize: number, segment: Segment): DocumentLine[] | undefined {
  const tail = Buffer.alloc(Math.min(64, fileSize));
  readFully(fd, tail, fileSize - tail.length);
  const m = /"tableOffset":(\d+)\}\s*$/.exec(tail.toString('latin1'));
  if (!m) return undefined;
  const tableAt = Number(m[1]);
  if (!Number.isSafeInteger(tableAt) || tableAt >= fileSize) return undefined;
  const bytes = Buffer.allocUnsafe(fileSize - tableAt);
  if (readFully(fd, bytes, tableAt) !== bytes.length) return undefined;
  let rows: unknown;
  try {
    rows = (JSON.parse('{' + bytes.toString('utf8')) as { table?: unknown }).table;
  } catch {
    return undefined;
  }
  if (!Array.isArray(rows)) return undefined;
  const lines: DocumentLine[] = [];
  const inFile = (offset: unknown, length: unknown): boolean =>
    typeof offset === 'number' && typeof length === 'number' && Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 2 && offset + length <= tableAt;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 8) return undefined;
    const [location, sha256, mtime, size, speakersAt, speakersLength, extractionAt, extractionLength] = row as unknown[];
    if (typeof location !== 'string' || typeof sha256 !== 'string' || !(mtime === null || typeof mtime === 'number') || !(size === null || typeof size === 'number') ||
      !inFile(speakersAt, speakersLength) || !inFile(extractionAt, extractionLength)) return undefined;
    lines.push({
      facts: { location, sha256, ...(mtime !== null ? { mtime } : {}), ...(size !== null ? { size } : {}) },
      speakers: { segment, offset: speakersAt as number, length: speakersLength as number },
      extraction: { segment, offset: extractionAt as number, length: extractionLength as number },
    });
  }
  return lines;
}
