/**
 * The annotation store: the one place the extension and the CLI read and
 * write sidecars through.
 *
 * - `load` reads a document's sidecar (if any) and caches the parsed state;
 *   `get` returns the cached state, with anchor resolutions against a given
 *   document text computed on demand and cached per text.
 * - `update` applies a change to a draft and writes it back atomically
 *   (temporary file, then rename). Right before the rename it compares the
 *   file on disk, byte for byte, with what was read or last written; if
 *   someone else changed it (another window, `git checkout`, a hand edit) the
 *   change is re-applied to the new content — a merge — or refused when the
 *   new content has errors. A file with errors is never rewritten; a failed
 *   write leaves the previous file intact.
 * - A file that is exactly the serializer's own text (see snapshot.ts) is
 *   saved entry by entry: only the entries the change touched are rendered
 *   and parsed, the rest of the file is copied, and the result is exactly
 *   what serializing and checking the whole file would give. Any other file
 *   (comments, hand layout, unknown keys) goes through the whole-file path.
 * - `reload` re-reads after a file-watcher event; `onDidChange` tells
 *   listeners (the editor) after every load, update and reload.
 *
 * Updates of one document are queued, so two quick edits never race each
 * other inside one process.
 */
import { type AnchorResolution, reanchorSidecar, updatedAnchor } from '../anchor/anchor';
import type { Diagnostic } from '../diagnostics';
import { baseName, type FileStat, type FileSystem, sidecarLocationFor } from '../fs';
import { decodeText, encodeText, OffsetMap, sha256Hex, UndecodableTextError } from '../text';
import { emptySidecar, type EditStamp } from './edits';
import type { Sidecar } from './model';
import { layoutOfModel, MAX_SIDECAR_CHARS, type ParsedSidecar, parseBlocks, parseSidecar } from './parse';
import { serializeSidecar } from './serialize';
import { copyData, sameBytes } from './data';
import { type CanonicalSnapshot, canonicalSnapshot, renderChange, snapshotAfterWrite } from './snapshot';
import { DEFAULT_VERDICT_SCALE, type VerdictScale } from './verdicts';

export * from './edits';

export interface SidecarState {
  documentLocation: string;
  sidecarLocation: string;
  /** Whether a sidecar file exists. */
  exists: boolean;
  /** The parsed sidecar; undefined when there is no file or it cannot be understood. */
  sidecar?: Sidecar;
  diagnostics: Diagnostic[];
  /** False when the file has errors that make rewriting it unsafe. */
  writable: boolean;
  /** The exact text the state was read from (or last written). */
  yamlText?: string;
  mtime?: number;
  size?: number;
}

export interface StoreEntry extends SidecarState {
  /** Resolutions of every claim's anchor by claim id, when a document text was given to `get`. */
  resolutions?: Map<string, AnchorResolution>;
}

export interface UpdateOptions {
  /** The current document text: sets `document.sha256` (and is required to create claims from spans). */
  documentText?: string;
}

export interface StoreOptions {
  verdictScale?: VerdictScale;
  /** Who is editing (stamped as `author`); read on every edit. */
  author?: () => string | undefined;
}

export interface Disposable {
  dispose(): void;
}

/** A change could not be saved; the message says what happened and what to do. */
export class AnnotationStoreError extends Error {
  constructor(message: string, readonly code: 'unwritable' | 'conflict' | 'write-failed' | 'read-failed' | 'invalid-change' | 'read-only') {
    super(message);
  }
}

const MAX_MERGE_ATTEMPTS = 3;
/** How long a save waits for another process's save lock before giving up with a message. */
const LOCK_WAIT_MS = 5_000;
/** A save lock older than this was left by a writer that crashed. */
const LOCK_STALE_MS = 30_000;

/**
 * What the store knows about a state beyond what it shows: the exact bytes it
 * was read from or written as (a later read of the same bytes is the same
 * state, with nothing to decode or parse), and whether its text is the
 * serializer's canonical text (then a change is rendered and checked entry by
 * entry: see snapshot.ts). `snapshot` is undefined until looked for, null
 * when the text is not canonical or that cannot be shown cheaply.
 */
interface Backing {
  bytes?: Uint8Array;
  snapshot?: CanonicalSnapshot | null;
}

/** Which way saves went, for tests: the fast path must be taken only when it is safe. */
export interface SaveCounts {
  /** Saves rendered against a snapshot of the file (only the changed entries rendered and checked). */
  entryWise: number;
  /** Saves through serializeSidecar and parseSidecar on the whole text. */
  whole: number;
}

export class AnnotationStore {
  private readonly cache = new Map<string, SidecarState>();
  private readonly backing = new WeakMap<SidecarState, Backing>();
  /** Which way saves went (see {@link SaveCounts}). */
  readonly saveCounts: SaveCounts = { entryWise: 0, whole: 0 };
  private readonly resolutionCache = new Map<string, { text: string; resolutions: Map<string, AnchorResolution>; yamlText?: string }>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(documentLocation: string) => void>();

  constructor(private readonly fs: FileSystem, private readonly options: StoreOptions = {}) {}

  /** The stamp for an edit made now by the configured author. */
  stamp(): EditStamp {
    const author = this.options.author?.();
    return { ...(author ? { author } : {}), now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  onDidChange(listener: (documentLocation: string) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** The cached state (after `load`), with resolutions against `documentText` when given. */
  get(documentLocation: string, documentText?: string): StoreEntry | undefined {
    const state = this.cache.get(documentLocation);
    if (!state || documentText === undefined || !state.sidecar) return state;
    const cached = this.resolutionCache.get(documentLocation);
    if (cached && cached.text === documentText && cached.yamlText === state.yamlText) return { ...state, resolutions: cached.resolutions };
    const resolutions = reanchorSidecar(documentText, state.sidecar);
    this.resolutionCache.set(documentLocation, { text: documentText, resolutions, yamlText: state.yamlText });
    return { ...state, resolutions };
  }

  /** Reads and caches the sidecar of a document; returns the cached state when already loaded. */
  async load(documentLocation: string): Promise<SidecarState> {
    const cached = this.cache.get(documentLocation);
    if (cached) return cached;
    return this.reload(documentLocation);
  }

  /**
   * Re-reads the sidecar from disk (file-watcher events), replacing the cache.
   * A file whose bytes are the ones the cached state was read from or written
   * as (the watcher reporting the store's own save) gives that state back
   * without decoding or parsing it again.
   */
  async reload(documentLocation: string): Promise<SidecarState> {
    const state = await this.read(documentLocation, this.cache.get(documentLocation));
    this.cache.set(documentLocation, state);
    this.emit(documentLocation);
    return state;
  }

  /** Drops a document from the cache (closed editor). */
  forget(documentLocation: string): void {
    this.cache.delete(documentLocation);
    this.resolutionCache.delete(documentLocation);
  }

  /**
   * Applies `mutate` to a copy of the sidecar and saves it. Creates the
   * sidecar on the first change. Resolves with the new state; rejects with an
   * {@link AnnotationStoreError} (nothing written) when the file has errors,
   * changed into something unreadable, or cannot be written.
   */
  update(documentLocation: string, mutate: (draft: Sidecar) => void, options: UpdateOptions = {}): Promise<SidecarState> {
    const previous = this.queues.get(documentLocation) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() =>
      this.withSaveLock(sidecarLocationFor(documentLocation), () => this.updateNow(documentLocation, mutate, options)));
    this.queues.set(documentLocation, run);
    void run.finally(() => {
      if (this.queues.get(documentLocation) === run) this.queues.delete(documentLocation);
    }).catch(() => undefined);
    return run;
  }

  /** Refreshes the stored offsets and context of anchors that moved or matched approximately (orphans stay untouched). */
  async reanchor(documentLocation: string, documentText: string): Promise<{ state: SidecarState; updated: number; orphaned: number }> {
    let updated = 0;
    let orphaned = 0;
    const state = await this.update(documentLocation, (draft) => {
      const map = new OffsetMap(documentText);
      const resolutions = reanchorSidecar(documentText, draft, { map });
      updated = 0;
      orphaned = 0;
      for (const claim of draft.claims) {
        const r = resolutions.get(claim.id);
        if (!r || r.status === 'exact') continue;
        if (r.status === 'orphaned') {
          orphaned++;
          continue;
        }
        claim.anchor = updatedAnchor(documentText, claim, r, map);
        updated++;
      }
    }, { documentText });
    return { state, updated, orphaned };
  }

  // -------------------------------------------------------------------------

  private emit(documentLocation: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(documentLocation);
      } catch {
        // A failing listener must not break saving or the other listeners.
      }
    }
  }

  /**
   * Reads the sidecar from disk. With `known` (a state read or written before),
   * a file with the very bytes of `known`, or with its text, is `known` again
   * (with the file's time): the store reads the file before and during every
   * save to notice changes by others, and comparing bytes costs far less than
   * decoding and parsing them.
   */
  private async read(documentLocation: string, known?: SidecarState): Promise<SidecarState> {
    const sidecarLocation = sidecarLocationFor(documentLocation);
    const name = baseName(sidecarLocation);
    const base = { documentLocation, sidecarLocation };
    let stat: FileStat | undefined;
    let bytes: Uint8Array;
    try {
      stat = await this.fs.stat(sidecarLocation);
      if (!stat) return { ...base, exists: false, diagnostics: [], writable: true };
      if (stat.size > MAX_SIDECAR_CHARS * 4) {
        return {
          ...base, exists: true, writable: false, mtime: stat.mtime, size: stat.size,
          diagnostics: [{ location: sidecarLocation, line: 1, column: 1, severity: 'error', code: 'too-large', message: `the file is ${Math.round(stat.size / 1048576)} MB, far larger than a sidecar: check that it is really a ClaimLens sidecar` }],
        };
      }
      bytes = await this.fs.readFile(sidecarLocation);
    } catch (error) {
      if (isNotFound(error)) return { ...base, exists: false, diagnostics: [], writable: true };
      throw new AnnotationStoreError(`cannot read ${name}: ${reason(error)}; check that the file is readable`, 'read-failed');
    }
    const same = known?.exists && known.sidecarLocation === sidecarLocation ? known : undefined;
    const knownBytes = same && this.backing.get(same)?.bytes;
    if (same && knownBytes && sameBytes(knownBytes, bytes)) return this.restamped(same, stat.mtime, bytes);
    let yamlText: string;
    try {
      yamlText = decodeText(bytes).text;
    } catch (error) {
      const what = error instanceof UndecodableTextError ? error.message : reason(error);
      return {
        ...base, exists: true, writable: false, mtime: stat.mtime, size: bytes.byteLength,
        diagnostics: [{ location: sidecarLocation, line: 1, column: 1, severity: 'error', code: 'encoding', message: `the file ${what}: a sidecar is UTF-8 text; restore it from Git or fix it by hand` }],
      };
    }
    // The same text in other bytes (a byte-order mark added) reads the same.
    if (same && same.yamlText === yamlText) return this.restamped(same, stat.mtime, bytes);
    const parsed: ParsedSidecar = parseSidecar(yamlText, sidecarLocation, { verdictScale: this.verdictScale() });
    const state: SidecarState = {
      ...base, exists: true, mtime: stat.mtime, size: bytes.byteLength, yamlText,
      ...(parsed.sidecar ? { sidecar: parsed.sidecar } : {}),
      diagnostics: parsed.diagnostics, writable: parsed.writable,
    };
    this.backing.set(state, { bytes });
    return state;
  }

  /** `state` as found again on disk in `bytes` (equal in content), with the file's time. */
  private restamped(state: SidecarState, mtime: number, bytes: Uint8Array): SidecarState {
    const again: SidecarState = { ...state, mtime, size: bytes.byteLength };
    this.backing.set(again, { ...this.backing.get(state), bytes });
    return again;
  }

  private verdictScale(): VerdictScale {
    return this.options.verdictScale ?? DEFAULT_VERDICT_SCALE;
  }

  /** The canonical snapshot of a clean state's text, looked for once per state. */
  private snapshotOf(state: SidecarState): CanonicalSnapshot | undefined {
    let backing = this.backing.get(state);
    if (!backing) this.backing.set(state, (backing = {}));
    if (backing.snapshot === undefined) {
      // A clean file read entry-wise keeps its blocks with its model.
      const layout = state.exists && state.sidecar && state.writable && state.diagnostics.length === 0 ? layoutOfModel(state.sidecar) : undefined;
      backing.snapshot = (layout && backing.bytes && state.yamlText !== undefined && canonicalSnapshot(layout, state.yamlText, backing.bytes, this.verdictScale())) || null;
    }
    return backing.snapshot ?? undefined;
  }

  private async updateNow(documentLocation: string, mutate: (draft: Sidecar) => void, options: UpdateOptions): Promise<SidecarState> {
    const sidecarLocation = sidecarLocationFor(documentLocation);
    const name = baseName(sidecarLocation);
    const documentSha = options.documentText === undefined ? undefined : await documentHash(options.documentText);
    let known = this.cache.get(documentLocation) ?? (await this.read(documentLocation));

    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      // What is on disk now may differ from what the change was made against. A file with the size
      // and time of the state read or written last is taken as unchanged for now: another save
      // within one tick of the file system's clock can leave the same time, so the exact look (the
      // bytes) comes right before the rename, and a change found there is merged all the same.
      const stamp = known.exists ? await this.fs.stat(sidecarLocation).catch(() => undefined) : undefined;
      const sameStamp = stamp !== undefined && stamp.mtime === known.mtime && stamp.size === known.size && this.backing.get(known)?.bytes !== undefined;
      const onDisk = sameStamp ? known : await this.read(documentLocation, known);
      const changedOnDisk = onDisk.exists !== known.exists || onDisk.yamlText !== known.yamlText;
      if (changedOnDisk) {
        known = onDisk;
        this.cache.set(documentLocation, onDisk);
        this.emit(documentLocation);
      }
      if (known.exists && (!known.sidecar || !known.writable)) {
        const first = known.diagnostics.find((d) => d.severity === 'error');
        throw new AnnotationStoreError(
          `${name} ${changedOnDisk ? 'changed on disk and now has' : 'has'} errors${first ? ` (line ${first.line}: ${first.message})` : ''}; ` +
          'your change was not saved so that nothing in the file is lost: fix the file (claimlens check lists the problems), then make the change again',
          changedOnDisk ? 'conflict' : 'unwritable');
      }

      const draft: Sidecar = known.sidecar ? copyData(known.sidecar) : emptySidecar(baseName(documentLocation), documentSha ?? '');
      mutate(draft); // errors (e.g. SidecarEditError) reach the caller; nothing is written
      if (documentSha !== undefined) draft.document.sha256 = documentSha;
      if (!draft.document.name) draft.document.name = baseName(documentLocation);

      const scale = { verdictScale: this.verdictScale() };
      let next: string;
      let check: ParsedSidecar;
      let snapshot: CanonicalSnapshot | undefined;
      // A file that is the serializer's canonical text: render and check only the entries that changed.
      const previous = known.exists ? this.snapshotOf(known) : undefined;
      let change: ReturnType<typeof renderChange>;
      try {
        change = previous && renderChange(draft, previous);
      } catch (error) {
        // A draft the serializer cannot write (a field of the wrong kind set by a command).
        throw new AnnotationStoreError(`${name}: ${reason(error)}`, 'unwritable');
      }
      if (change === 'unchanged') return known;
      if (change) {
        next = change.text;
        if (next.length === known.yamlText?.length && next === known.yamlText) return known;
        // Never write what cannot be read back cleanly: the new blocks are parsed and checked with the
        // old ones (or, when a block is not clean on its own, the whole text is parsed).
        // Entries kept from the old file are shared with the old model (the snapshot was made from its blocks).
        const earlier = known.sidecar && layoutOfModel(known.sidecar) ? { model: known.sidecar, indexOf: change.keptFrom } : undefined;
        const fast = change.layout && parseBlocks(change.layout, next, sidecarLocation, scale, earlier);
        check = fast ?? parseSidecar(next, sidecarLocation, scale);
        snapshot = fast && snapshotAfterWrite(change, fast, scale.verdictScale);
        this.saveCounts.entryWise++;
      } else {
        try {
          next = serializeSidecar(draft, known.yamlText);
        } catch (error) {
          throw new AnnotationStoreError(`${name}: ${reason(error)}`, 'unwritable');
        }
        if (known.exists && next === known.yamlText) return known;
        // Never write what cannot be read back cleanly.
        check = parseSidecar(next, sidecarLocation, scale);
        this.saveCounts.whole++;
      }
      if (!check.sidecar || !check.writable) {
        const first = check.diagnostics.find((d) => d.severity === 'error');
        throw new AnnotationStoreError(`the change to ${name} was not saved because it would make the file invalid (${first?.message ?? 'unknown problem'})`, 'invalid-change');
      }

      // A rename would replace a file a person made read-only; respect it
      // (file systems that know report `readonly` in their stat).
      const current = known.exists ? (sameStamp ? stamp : await this.fs.stat(sidecarLocation).catch(() => undefined)) : undefined;
      if ((current as (FileStat & { readonly?: boolean }) | undefined)?.readonly) {
        throw new AnnotationStoreError(`${name} is read-only, so your change was not saved: make the file writable if you mean to change it, then try again`, 'read-only');
      }
      // The file may change while the temporary file is written (a checkout, a hand edit): look
      // right before the rename, and merge again if it did. Comparing bytes makes this look cheap.
      const stillCurrent = async () => {
        const now = await this.read(documentLocation, known);
        if (now.exists === known.exists && now.yamlText === known.yamlText) return true;
        known = now;
        return false;
      };
      const bytes = change ? change.bytes : encodeText(next);
      if (!(await this.writeAtomically(sidecarLocation, bytes, stillCurrent))) continue;
      const stat = await this.fs.stat(sidecarLocation).catch(() => undefined);
      const state: SidecarState = {
        documentLocation, sidecarLocation, exists: true, sidecar: check.sidecar, diagnostics: check.diagnostics,
        writable: check.writable, yamlText: next, mtime: stat?.mtime, size: stat?.size,
      };
      this.backing.set(state, { bytes, ...(snapshot ? { snapshot } : {}) });
      this.cache.set(documentLocation, state);
      this.emit(documentLocation);
      return state;
    }
    throw new AnnotationStoreError(`${name} keeps changing on disk while saving; your change was not saved: wait for the other program to finish, then try again`, 'conflict');
  }

  /**
   * Runs a read-modify-write of one sidecar while holding `<sidecar>.lock`, so that two processes
   * (two VS Code windows, a window and the CLI) never interleave their last check and their rename:
   * the queue above only orders updates within this process. The lock holds its creation time; one
   * older than LOCK_STALE_MS (a crashed writer) is taken over. Without `createExclusive` the file
   * system cannot offer a lock and the update runs unlocked (changes seen on disk still merge).
   */
  private async withSaveLock<T>(sidecarLocation: string, work: () => Promise<T>): Promise<T> {
    const fs = this.fs;
    if (!fs.createExclusive) return work();
    const lock = `${sidecarLocation}.lock`;
    const started = Date.now();
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      if (await fs.createExclusive(lock, encodeText(`${JSON.stringify({ created: Date.now() })}\n`))) break;
      const created = await this.lockCreated(lock);
      const waited = Date.now() - started;
      if (created !== undefined && Date.now() - created > LOCK_STALE_MS) {
        await fs.delete(lock).catch(() => undefined); // left by a writer that crashed; retry at once
        continue;
      }
      if (waited > LOCK_WAIT_MS) {
        throw new AnnotationStoreError(
          `${baseName(sidecarLocation)} is being saved by another window or program; your change was not saved: try again in a moment`,
          'conflict');
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    try {
      return await work();
    } finally {
      await fs.delete(lock).catch(() => undefined);
    }
  }

  private async lockCreated(lock: string): Promise<number | undefined> {
    try {
      const created = (JSON.parse(decodeText(await this.fs.readFile(lock)).text) as { created?: unknown }).created;
      if (typeof created === 'number') return created;
    } catch {
      // empty or half-written (a crash right after creating it), or gone meanwhile
    }
    // Fall back to the file's own time where it is a real clock time.
    const stat = await this.fs.stat(lock).catch(() => undefined);
    return stat && stat.mtime > 1e12 ? stat.mtime : undefined;
  }

  /** False (nothing replaced, temporary file removed) when `stillCurrent` says the target changed meanwhile. */
  private async writeAtomically(location: string, bytes: Uint8Array, stillCurrent: () => Promise<boolean> = async () => true): Promise<boolean> {
    const temp = `${location}.tmp-${Math.random().toString(36).slice(2, 10)}`;
    try {
      await this.fs.writeFile(temp, bytes);
      if (!(await stillCurrent())) {
        await this.fs.delete(temp).catch(() => undefined);
        return false;
      }
      await this.fs.rename(temp, location);
      return true;
    } catch (error) {
      await this.fs.delete(temp).catch(() => undefined);
      throw new AnnotationStoreError(
        `could not save ${baseName(location)}: ${reason(error)}. The previous file is unchanged; free disk space or check write permissions on the folder, then try again`,
        'write-failed');
    }
  }
}

/**
 * The last document text hashed in this process, with its SHA-256: edits in a
 * row pass the same text (hashing 1 MB costs milliseconds), and so do stores
 * opened on the same document. Comparing the text first costs far less.
 */
let lastDocumentHash: { text: string; sha256: Promise<string> } | undefined;

function documentHash(text: string): Promise<string> {
  if (lastDocumentHash?.text !== text) {
    const sha256 = sha256Hex(text);
    const entry = { text, sha256 };
    lastDocumentHash = entry;
    sha256.catch(() => { if (lastDocumentHash === entry) lastDocumentHash = undefined; });
  }
  return lastDocumentHash!.sha256;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { code?: string }).code === 'ENOENT' || (error as { code?: string }).code === 'FileNotFound');
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
