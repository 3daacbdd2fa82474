/**
 * Running the per-document extraction over many documents, off the caller's
 * critical path, and bringing a corpus index up to date with the results.
 *
 * An {@link ExtractionRunner} takes a batch of jobs (a location, optionally its
 * text) and returns one outcome per job, in job order. Two implementations:
 * - {@link InProcessRunner} (here, pure TypeScript): runs in the calling
 *   thread but in slices of a few milliseconds, yielding to the event loop
 *   between them, so an editor or a CLI stays responsive; the right choice for
 *   a handful of changed documents, and in a web extension.
 * - `WorkerPoolRunner` (src/cli/workerPool.ts): Node worker threads on every
 *   core, each reading, hashing and extracting its own documents.
 *
 * A failure on one document (unreadable file, binary content, a bug in the
 * extractor) is that document's outcome, never the end of the run.
 * Cancellation goes through a standard AbortSignal: the run rejects with
 * {@link ExtractionCancelledError}; outcomes already delivered to `onOutcome`
 * stay valid, so a cancelled indexing run keeps what it finished.
 */
import type { DocumentExtraction } from '../extract/types';
import type { FileStat, FileSystem } from '../fs';
import { decodeText, sha256Hex } from '../text';
import type { CorpusIndex } from './corpusIndex';
import type { SpeakerSummary } from './registry';

export interface ExtractionJob {
  /** Key of the document (a path or URI string); also what the runner reads when `text` is absent. */
  location: string;
  /** The document's text; when absent the runner reads (and decodes) the file itself. */
  text?: string;
  /**
   * SHA-256 of the text already indexed for this location: when the text
   * hashes to it, the runner skips extraction and answers `unchanged`.
   */
  knownSha256?: string;
}

export type ExtractionOutcome =
  | {
    location: string; status: 'extracted'; sha256: string; extraction: DocumentExtraction; mtime?: number; size?: number;
    /**
     * The same extraction as JSON text (or its UTF-8 bytes), with the summaries of its speakers,
     * when the runner has them: worker threads send these instead of objects (bytes move between
     * threads without a copy, and the index keeps JSON anyway). `extraction` is then parsed from
     * it on first access.
     */
    extractionJson?: string | Uint8Array; speakers?: SpeakerSummary[];
  }
  | { location: string; status: 'unchanged'; sha256: string; mtime?: number; size?: number }
  | { location: string; status: 'failed'; error: string };

export interface RunOptions {
  signal?: AbortSignal;
  /** Called once per job as soon as its outcome is known (not necessarily in job order). */
  onOutcome?: (outcome: ExtractionOutcome, jobIndex: number) => void;
  /**
   * False: `onOutcome` consumes the outcomes and the run resolves with an empty
   * list, so that a run over 100,000 documents does not hold every extraction
   * until it ends. Default true.
   */
  keepOutcomes?: boolean;
}

export interface ExtractionRunner {
  /** How many documents it works on at once (1 in-process, the number of workers otherwise). */
  readonly parallelism: number;
  /** One outcome per job, in job order. Rejects only with ExtractionCancelledError (or on misuse after dispose). */
  run(jobs: readonly ExtractionJob[], options?: RunOptions): Promise<ExtractionOutcome[]>;
  /** Releases threads or other resources; the runner cannot be used afterwards. */
  dispose(): Promise<void>;
}

export class ExtractionCancelledError extends Error {
  constructor(readonly completed: number, readonly total: number) {
    super(`extraction cancelled after ${completed} of ${total} documents`);
  }
}

/** The extraction function a runner applies, normally `analyzeDocument`. */
export type Analyze = (text: string) => DocumentExtraction;

/** A readable one-line reason for a failure, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] || error.name;
  return String(error);
}

/** Yields to the event loop (a macrotask, so timers, I/O and UI events get their turn); works in Node and browsers. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export interface InProcessRunnerOptions {
  analyze: Analyze;
  /** Reads documents whose job has no text. */
  fs?: FileSystem;
  /** Work at most this long between yields (default 10 ms). */
  sliceMs?: number;
}

/**
 * Extraction in the calling thread, in time slices. One document is never
 * split, so a slice can overrun by one document's extraction time (about 1 ms
 * for a typical 5 kB article).
 */
export class InProcessRunner implements ExtractionRunner {
  readonly parallelism = 1;
  private disposed = false;
  private readonly sliceMs: number;

  constructor(private readonly options: InProcessRunnerOptions) {
    this.sliceMs = options.sliceMs ?? 10;
  }

  async run(jobs: readonly ExtractionJob[], options: RunOptions = {}): Promise<ExtractionOutcome[]> {
    if (this.disposed) throw new Error('InProcessRunner used after dispose()');
    const keep = options.keepOutcomes !== false;
    const outcomes: ExtractionOutcome[] = keep ? new Array(jobs.length) : [];
    let sliceStart = now();
    for (let i = 0; i < jobs.length; i++) {
      if (options.signal?.aborted) throw new ExtractionCancelledError(i, jobs.length);
      const outcome = await this.runOne(jobs[i]);
      if (keep) outcomes[i] = outcome;
      options.onOutcome?.(outcome, i);
      if (now() - sliceStart >= this.sliceMs && i + 1 < jobs.length) {
        await yieldToEventLoop();
        sliceStart = now();
      }
    }
    return outcomes;
  }

  private async runOne(job: ExtractionJob): Promise<ExtractionOutcome> {
    const { location } = job;
    let text = job.text;
    let stat: FileStat | undefined;
    try {
      if (text === undefined) {
        const fs = this.options.fs;
        if (!fs) return { location, status: 'failed', error: 'no text given and no FileSystem to read it' };
        stat = await fs.stat(location);
        if (!stat) return { location, status: 'failed', error: 'no such file' };
        text = decodeText(await fs.readFile(location)).text;
      }
    } catch (error) {
      return { location, status: 'failed', error: describeError(error) };
    }
    const sha256 = await sha256Hex(text);
    const fileFacts = stat ? { mtime: stat.mtime, size: stat.size } : {};
    if (job.knownSha256 === sha256) return { location, status: 'unchanged', sha256, ...fileFacts };
    try {
      return { location, status: 'extracted', sha256, extraction: this.options.analyze(text), ...fileFacts };
    } catch (error) {
      return { location, status: 'failed', error: `extraction failed: ${describeError(error)}` };
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

// ---------------------------------------------------------------- bringing an index up to date

/** A document to index, with its size and modification time when the caller already has them (e.g. from a directory scan). */
export type IndexTarget = string | { location: string; mtime: number; size: number };

export interface RefreshOptions {
  runner: ExtractionRunner;
  /** Used to stat targets given without size and modification time. */
  fs?: FileSystem;
  signal?: AbortSignal;
  /** Remove indexed documents that are not among the targets (a full rebuild); default false. */
  prune?: boolean;
  /** After each document whose outcome is known: done so far, of how many need reading. */
  onProgress?: (done: number, total: number) => void;
}

export interface RefreshReport {
  added: string[];
  changed: string[];
  /** Read and hashed, same content as indexed: not extracted again. */
  unchangedRead: number;
  /** Same size and modification time as indexed: not even read. */
  unchangedSkipped: number;
  removed: string[];
  failed: { location: string; error: string }[];
  /** Milliseconds spent deciding what to read (stat), and reading/extracting/updating. */
  statMs: number;
  extractMs: number;
}

/**
 * Brings `index` up to date with `targets`: a document whose size and
 * modification time are those recorded is not read; the others are read and
 * hashed by the runner, and only those whose content changed are extracted.
 * Results enter the index as they arrive, so a cancelled run (rejecting with
 * ExtractionCancelledError) keeps the documents it finished.
 */
export async function refreshIndex(index: CorpusIndex, targets: readonly IndexTarget[], options: RefreshOptions): Promise<RefreshReport> {
  const report: RefreshReport = { added: [], changed: [], unchangedRead: 0, unchangedSkipped: 0, removed: [], failed: [], statMs: 0, extractMs: 0 };
  const statStarted = now();
  const jobs: ExtractionJob[] = [];
  const wanted = new Set<string>();
  const facts = await statAll(targets, options.fs, options.signal);
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    const location = typeof target === 'string' ? target : target.location;
    if (wanted.has(location)) continue;
    wanted.add(location);
    const stat = facts[i];
    const old = index.facts(location);
    if (stat && old && old.mtime === stat.mtime && old.size === stat.size && old.sha256 !== '') {
      report.unchangedSkipped++;
      continue;
    }
    jobs.push({ location, ...(old && old.sha256 !== '' ? { knownSha256: old.sha256 } : {}) });
  }
  report.statMs = now() - statStarted;

  const extractStarted = now();
  let done = 0;
  options.onProgress?.(0, jobs.length);
  // Outcomes enter the index in job order, whatever order workers finish in: new speakers get
  // their ids in that order, so the index is the same with one thread or many.
  const early = new Map<number, ExtractionOutcome>();
  let nextToApply = 0;
  try {
    await options.runner.run(jobs, {
      signal: options.signal,
      keepOutcomes: false,
      onOutcome: (outcome, jobIndex) => {
        early.set(jobIndex, outcome);
        for (let o = early.get(nextToApply); o !== undefined; o = early.get(nextToApply)) {
          early.delete(nextToApply++);
          applyOutcome(index, o, report);
        }
        options.onProgress?.(++done, jobs.length);
      },
    });
  } finally {
    report.extractMs = now() - extractStarted;
  }
  if (options.prune) {
    for (const location of index.locations()) {
      if (!wanted.has(location) && index.remove(location)) report.removed.push(location);
    }
  }
  return report;
}

function applyOutcome(index: CorpusIndex, outcome: ExtractionOutcome, report: RefreshReport): void {
  const { location } = outcome;
  switch (outcome.status) {
    case 'failed':
      report.failed.push({ location, error: outcome.error });
      // A document that can no longer be read must not keep suggestions from its old text.
      if (index.remove(location)) report.removed.push(location);
      return;
    case 'unchanged':
      report.unchangedRead++;
      if (outcome.mtime !== undefined && outcome.size !== undefined) index.recordStat(location, { mtime: outcome.mtime, size: outcome.size });
      return;
    case 'extracted': {
      const record = {
        location,
        sha256: outcome.sha256,
        ...(outcome.mtime !== undefined && outcome.size !== undefined ? { mtime: outcome.mtime, size: outcome.size } : {}),
      };
      const result = outcome.extractionJson !== undefined && outcome.speakers !== undefined
        ? index.addExtractedJson(record, outcome.extractionJson, outcome.speakers)
        : index.addExtracted({ ...record, extraction: outcome.extraction });
      if (result === 'added') report.added.push(location);
      else if (result === 'changed') report.changed.push(location);
      else report.unchangedRead++;
    }
  }
}

/** Size and modification time of every target (undefined: unknown, or no FileSystem), a bounded number of stats at a time. */
async function statAll(targets: readonly IndexTarget[], fs: FileSystem | undefined, signal: AbortSignal | undefined): Promise<(FileStat | undefined)[]> {
  const out: (FileStat | undefined)[] = new Array(targets.length);
  const pending: number[] = [];
  targets.forEach((t, i) => {
    if (typeof t === 'string') pending.push(i);
    else out[i] = { mtime: t.mtime, size: t.size };
  });
  if (!fs || pending.length === 0) return out;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      if (signal?.aborted) throw new ExtractionCancelledError(0, targets.length);
      const i = pending[next++];
      try { out[i] = await fs.stat(targets[i] as string); } catch { out[i] = undefined; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, pending.length) }, worker));
  return out;
}
