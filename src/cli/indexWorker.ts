/**
 * One extraction worker thread (see workerPool.ts): reads, decodes and hashes
 * its documents itself, so the main thread only stats files and merges
 * results. Bundled as dist/indexWorker.js; compiled as out/src/cli/indexWorker.js.
 *
 * Messages in:  {type: 'batch', jobs: WorkerJob[]}
 * Messages out: {type: 'outcome', id, outcome} once per job, then {type: 'idle'}
 *               after each batch; {type: 'ready'} once at start.
 *
 * An extracted document travels as the UTF-8 bytes of its JSON, transferred
 * (not copied), plus the summaries of its speakers, not as an object: a
 * structured clone of ~700 small objects costs both threads more than the
 * extraction's registry update, and the thread merging results allocates next
 * to nothing per document (the index keeps the JSON bytes anyway).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeDocument } from '../core/analyze';
import { decodeText, UndecodableTextError } from '../core/text';
import type { Analyze, ExtractionOutcome } from '../core/index/pool';
import { summarizeSpeakers, type SpeakerSummary } from '../core/index/registry';
import { normalizeExtraction } from '../core/index/snapshot';

export interface WorkerJob {
  /** The pool's id of the job (its index in the run). */
  id: number;
  location: string;
  /** The file to read when `text` is absent. */
  file: string;
  text?: string;
  knownSha256?: string;
}

export interface WorkerOptions {
  /** Absolute path of a CommonJS module exporting `analyzeDocument(text)` to use instead of the built-in one (tests, experiments). */
  analyzerModule?: string;
}

/** An outcome as sent by a worker: an extracted document without the `extraction` object (the pool parses `extractionJson` when asked). */
export type WireOutcome =
  | Exclude<ExtractionOutcome, { status: 'extracted' }>
  | (Omit<Extract<ExtractionOutcome, { status: 'extracted' }>, 'extraction' | 'extractionJson' | 'speakers'> & { extractionJson: Uint8Array; speakers: SpeakerSummary[] });

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'outcome'; id: number; outcome: WireOutcome }
  | { type: 'idle' };

function loadAnalyzer(options: WorkerOptions | undefined): Analyze {
  if (!options?.analyzerModule) return analyzeDocument;
  const loaded = createRequire(__filename)(options.analyzerModule) as { analyzeDocument?: Analyze };
  if (typeof loaded.analyzeDocument !== 'function') throw new Error(`${options.analyzerModule} does not export analyzeDocument`);
  return loaded.analyzeDocument;
}

function errorMessage(error: unknown): string {
  if (error instanceof UndecodableTextError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES') return 'permission denied';
  if (error instanceof Error) return error.message.split('\n')[0] || error.name;
  return String(error);
}

const encoder = new TextEncoder();

function runJob(job: WorkerJob, analyze: Analyze): WireOutcome {
  const { location } = job;
  let text = job.text;
  let fileFacts: { mtime?: number; size?: number } = {};
  if (text === undefined) {
    try {
      // Stat before reading: if the file changes in between, the recorded stat is older than the
      // content, and the next run reads it again (never the reverse, which would hide a change).
      const stat = statSync(job.file);
      fileFacts = { mtime: stat.mtimeMs, size: stat.size };
      text = decodeText(readFileSync(job.file)).text;
    } catch (error) {
      return { location, status: 'failed', error: errorMessage(error) };
    }
  }
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  if (job.knownSha256 === sha256) return { location, status: 'unchanged', sha256, ...fileFacts };
  try {
    const extraction = normalizeExtraction(analyze(text));
    // TextEncoder gives bytes in an ArrayBuffer of their own, safe to transfer (Buffer.from may hand out a shared pool).
    return { location, status: 'extracted', sha256, extractionJson: encoder.encode(JSON.stringify(extraction)), speakers: summarizeSpeakers(location, extraction), ...fileFacts };
  } catch (error) {
    return { location, status: 'failed', error: `extraction failed: ${errorMessage(error)}` };
  }
}

if (parentPort) {
  const port = parentPort;
  const analyze = loadAnalyzer(workerData as WorkerOptions | undefined);
  port.on('message', (message: { type: 'batch'; jobs: WorkerJob[] }) => {
    if (message.type !== 'batch') return;
    for (const job of message.jobs) {
      const outcome = runJob(job, analyze);
      const reply: WorkerMessage = { type: 'outcome', id: job.id, outcome };
      port.postMessage(reply, outcome.status === 'extracted' ? [outcome.extractionJson.buffer as ArrayBuffer] : []);
    }
    port.postMessage({ type: 'idle' } satisfies WorkerMessage);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
