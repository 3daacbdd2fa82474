/**
 * One `claimlens index build` in a process of its own, for the benchmark: the
 * peak RSS of this process covers the worker threads too (they are threads of
 * it), and a second run is a true restart (a new process reading index.json).
 *
 *   node out/test/bench/indexRun.js --out <index.json> [--jobs N] [--worker dist/indexWorker.js] [--then-change <file>] <folder>
 *
 * Prints one JSON object on stdout.
 */
import { appendFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndex, RootedFileSystem } from '../../src/cli/commands/indexCommand';
import { analyzeDocument } from '../../src/core/analyze';
import { InProcessRunner, refreshIndex } from '../../src/core/index/pool';

export interface IndexRunResult {
  documents: number;
  added: number;
  changed: number;
  unchangedRead: number;
  unchangedSkipped: number;
  failed: number;
  workers: number;
  /** The index on disk (with its changes file), and the bytes this run wrote (a restart appends its changes). */
  indexBytes: number;
  savedBytes: number;
  loadMs: number;
  scanMs: number;
  statMs: number;
  /** Reading, extracting and entering results into the registry. */
  extractMs: number;
  /**
   * The first registry query (`speakers()`): after a build from scratch, rebuilding the merged
   * view; after a restart, also building the registry of the loaded documents (deferred until asked).
   */
  registryViewMs: number;
  saveMs: number;
  /** Whole run inside the process (without Node start-up). */
  wallMs: number;
  /** CPU time of the whole process, all threads (workers included), user + system: steadier than wall time on a shared machine. */
  cpuMs: number;
  speakers: number;
  maxRssMB: number;
  /**
   * With --then-change: that file edited again after the build, and re-indexed in this (warm)
   * process, as the extension or a long-running indexer would: read + extract + registry update,
   * then the first registry query.
   */
  warmReindexMs?: number;
  warmRegistryViewMs?: number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, jobs: { type: 'string' }, worker: { type: 'string' }, 'then-change': { type: 'string' } } });
  const started = performance.now();
  const result = await buildIndex({ cwd: process.cwd(), inputs: positionals, out: values.out!, jobs: values.jobs ? Number(values.jobs) : undefined, workerFile: values.worker });
  const t = performance.now();
  const speakers = result.index.speakers().length;
  const registryViewMs = performance.now() - t;
  const out: IndexRunResult = {
    documents: result.documents,
    added: result.report.added.length,
    changed: result.report.changed.length,
    unchangedRead: result.report.unchangedRead,
    unchangedSkipped: result.report.unchangedSkipped,
    failed: result.report.failed.length,
    workers: result.workers,
    indexBytes: result.indexBytes,
    savedBytes: result.savedBytes,
    ...result.timings,
    registryViewMs,
    wallMs: performance.now() - started,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    speakers,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  const changed = values['then-change'];
  if (changed) {
    appendFileSync(changed, '\nA spokesman said that the correction was made on Friday.\n');
    const stat = statSync(changed);
    const location = path.relative(path.dirname(path.resolve(values.out!)), path.resolve(changed)).split(path.sep).join('/');
    const runner = new InProcessRunner({ analyze: analyzeDocument, fs: new RootedFileSystem(path.dirname(path.resolve(values.out!))) });
    let w = performance.now();
    const report = await refreshIndex(result.index, [{ location, mtime: stat.mtimeMs, size: stat.size }], { runner });
    out.warmReindexMs = performance.now() - w;
    if (report.changed.length !== 1) throw new Error(`--then-change: expected 1 changed document, got ${JSON.stringify(report)}`);
    w = performance.now();
    result.index.speakers();
    out.warmRegistryViewMs = performance.now() - w;
  }
  result.index.dispose();
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`indexRun: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
