/**
 * ExtractionRunner on Node worker threads: one worker per core (by default),
 * each reading, hashing and extracting the documents it is given
 * (indexWorker.ts), so the main thread only schedules work and merges results.
 *
 * - Jobs go out in small batches, two per worker in flight, so no worker
 *   waits for the main thread and a slow document delays only its batch.
 * - Outcomes come back one per document, so a worker that dies (a crash in
 *   native code, out of memory, `process.exit` in an analyser) loses nothing
 *   already finished: the document it was working on is reported as failed,
 *   the rest of its batch goes back to the queue, and a fresh worker replaces it.
 * - Cancelling (AbortSignal) stops the workers that are busy at once and
 *   rejects the run with ExtractionCancelledError; idle workers are kept.
 * - Idle workers do not keep the process alive; `dispose()` ends them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DocumentExtraction } from '../core/extract/types';
import { ExtractionCancelledError, type ExtractionJob, type ExtractionOutcome, type ExtractionRunner, type RunOptions } from '../core/index/pool';
import type { WireOutcome, WorkerJob, WorkerMessage, WorkerOptions } from './indexWorker';

export interface WorkerPoolOptions {
  /** Number of worker threads (default: the number of cores). */
  workers?: number;
  /** The file a worker reads for a location (default: the location itself, a path). */
  resolveFile?: (location: string) => string;
  /** A CommonJS module exporting `analyzeDocument`, instead of the built-in extraction (tests). */
  analyzerModule?: string;
  /** The worker script (default: indexWorker.js next to this module, in dist/ or out/src/cli/). */
  workerFile?: string;
  /** Largest number of documents sent to a worker in one message (default 16). */
  maxBatch?: number;
}

export class WorkerStartError extends Error {}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, in the order the worker will process them. */
  inFlight: Map<number, WorkerJob>;
  batches: number;
  ready: boolean;
  /** Terminated on purpose: its exit is not a crash. */
  stopping: boolean;
  lastError?: string;
}

interface RunState {
  outcomes: ExtractionOutcome[];
  keepOutcomes: boolean;
  queue: WorkerJob[][];
  completed: number;
  total: number;
  onOutcome?: RunOptions['onOutcome'];
  finish: (error?: Error) => void;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPoolRunner implements ExtractionRunner {
  readonly parallelism: number;
  private readonly slots: Slot[] = [];
  private readonly workerFile: string;
  private readonly resolveFile: (location: string) => string;
  private readonly maxBatch: number;
  private run_: RunState | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.parallelism = Math.max(1, Math.floor(options.workers ?? defaultWorkerCount()));
    this.workerFile = options.workerFile ?? path.join(__dirname, 'indexWorker.js');
    this.resolveFile = options.resolveFile ?? ((l) => l);
    this.maxBatch = Math.max(1, options.maxBatch ?? 16);
  }

  /** Runs are served one after the other. */
  run(jobs: readonly ExtractionJob[], options: RunOptions = {}): Promise<ExtractionOutcome[]> {
    const result = this.chain.then(() => this.runNow(jobs, options));
    this.chain = result.catch(() => undefined);
    return result;
  }

  private runNow(jobs: readonly ExtractionJob[], options: RunOptions): Promise<ExtractionOutcome[]> {
    if (this.disposed) return Promise.reject(new Error('WorkerPoolRunner used after dispose()'));
    if (options.signal?.aborted) return Promise.reject(new ExtractionCancelledError(0, jobs.length));
    if (jobs.length === 0) return Promise.resolve([]);
    if (!existsSync(this.workerFile)) {
      return Promise.reject(new WorkerStartError(`${this.workerFile} not found: run 'npm run build' (it bundles the extraction worker)`));
    }
    const workerJobs: WorkerJob[] = jobs.map((job, id) => ({
      id,
      location: job.location,
      file: job.text === undefined ? this.resolveFile(job.location) : '',
      ...(job.text !== undefined ? { text: job.text } : {}),
      ...(job.knownSha256 !== undefined ? { knownSha256: job.knownSha256 } : {}),
    }));
    // Small batches at the start and end keep all workers busy; 16 at most amortises messaging.
    const size = Math.min(this.maxBatch, Math.max(1, Math.ceil(jobs.length / (this.parallelism * 8))));
    const queue: WorkerJob[][] = [];
    for (let i = 0; i < workerJobs.length; i += size) queue.push(workerJobs.slice(i, i + size));

    return new Promise<ExtractionOutcome[]>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.run_ !== state) return;
        // Busy workers would finish their batches for nothing: stop them now.
        for (const slot of [...this.slots]) if (slot.inFlight.size > 0) this.stop(slot);
        state.finish(new ExtractionCancelledError(state.completed, state.total));
      };
      const state: RunState = {
        outcomes: options.keepOutcomes === false ? [] : new Array(jobs.length),
        keepOutcomes: options.keepOutcomes !== false,
        queue,
        completed: 0,
        total: jobs.length,
        onOutcome: options.onOutcome,
        finish: (error) => {
          if (this.run_ !== state) return;
          this.run_ = undefined;
          options.signal?.removeEventListener('abort', onAbort);
          for (const slot of this.slots) slot.worker.unref();
          if (error) reject(error);
          else resolve(state.outcomes);
        },
      };
      this.run_ = state;
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        while (this.slots.length < Math.min(this.parallelism, jobs.length)) this.spawn();
      } catch (error) {
        state.finish(new WorkerStartError(`cannot start an extraction worker: ${(error as Error).message}`));
        return;
      }
      for (const slot of this.slots) {
        slot.worker.ref();
        this.feed(slot);
      }
    });
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerFile, { workerData: { analyzerModule: this.options.analyzerModule } satisfies WorkerOptions });
    const slot: Slot = { worker, inFlight: new Map(), batches: 0, ready: false, stopping: false };
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => { slot.lastError = error.message.split('\n')[0]; });
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.push(slot);
    return slot;
  }

  private stop(slot: Slot): void {
    slot.stopping = true;
    slot.inFlight.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  /** Keeps two batches in flight on the worker. */
  private feed(slot: Slot): void {
    const state = this.run_;
    if (!state) return;
    while (slot.batches < 2 && state.queue.length > 0) {
      const batch = state.queue.shift()!;
      for (const job of batch) slot.inFlight.set(job.id, job);
      slot.batches++;
      slot.worker.postMessage({ type: 'batch', jobs: batch });
    }
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    // A stopped worker's last messages may still arrive (terminate() is asynchronous): they belong to a cancelled run.
    if (slot.stopping) return;
    if (message.type === 'ready') { slot.ready = true; return; }
    if (message.type === 'idle') {
      slot.batches = Math.max(0, slot.batches - 1);
      this.feed(slot);
      return;
    }
    const state = this.run_;
    if (!slot.inFlight.delete(message.id) || !state) return; // an answer from a cancelled run
    this.deliver(state, message.id, fromWire(message.outcome));
  }

  private deliver(state: RunState, id: number, outcome: ExtractionOutcome): void {
    if (state.keepOutcomes) state.outcomes[id] = outcome;
    state.completed++;
    try {
      state.onOutcome?.(outcome, id);
    } catch (error) {
      state.finish(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (state.completed === state.total) state.finish();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.stopping || this.disposed) return;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const state = this.run_;
    if (!state) return;
    const reason = slot.lastError ?? `the worker exited with code ${code}`;
    if (!slot.ready) {
      // It died while loading: every replacement would too.
      state.finish(new WorkerStartError(`cannot start an extraction worker: ${reason}`));
      return;
    }
    const lost = [...slot.inFlight.values()];
    slot.inFlight.clear();
    if (lost.length > 0) {
      // The worker processes jobs in order, so the first unanswered one is the one it died on.
      const [culprit, ...rest] = lost;
      if (rest.length > 0) state.queue.unshift(rest);
      this.deliver(state, culprit.id, { location: culprit.location, status: 'failed', error: `the extraction worker stopped on this document (${reason})` });
    }
    if (this.run_ !== state) return;
    let replacement: Slot;
    try {
      replacement = this.spawn();
    } catch (error) {
      state.finish(new WorkerStartError(`cannot restart an extraction worker: ${(error as Error).message}`));
      return;
    }
    this.feed(replacement);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.run_?.finish(new ExtractionCancelledError(this.run_.completed, this.run_.total));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => { slot.stopping = true; return slot.worker.terminate(); }));
  }
}

/**
 * A worker's outcome as the runner's callers see it: `extraction` is parsed
 * from the JSON text the first time someone reads it (the index never does:
 * it keeps the text).
 */
function fromWire(outcome: WireOutcome): ExtractionOutcome {
  if (outcome.status !== 'extracted') return outcome;
  let extraction: DocumentExtraction | undefined;
  const json = outcome.extractionJson;
  return Object.defineProperty(outcome, 'extraction', {
    get: () => (extraction ??= JSON.parse(new TextDecoder().decode(json)) as DocumentExtraction),
    enumerable: true,
    configurable: true,
  }) as ExtractionOutcome;
}
