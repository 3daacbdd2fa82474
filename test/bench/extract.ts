/**
 * Throughput of the extraction on PolNeAR train+dev texts, one core.
 *
 *   npm run build && node out/test/bench/extract.js --corpus ../shared/corpora/polnear [--runs 5]
 *
 * Measures `findAttributions` alone and, when `src/core/analyze.ts` is built,
 * the whole `analyzeDocument`. Each figure is the median of several runs
 * (after one warm-up run) in MB/s of UTF-8 text.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findAttributions } from '../../src/core/extract/attribution';

export interface BenchResult {
  name: string;
  megabytes: number;
  /** MB/s per run, wall clock. */
  runs: number[];
  medianMBps: number;
  /** MB/s per CPU second of this process (median): steadier than wall clock on a shared machine. */
  medianCpuMBps: number;
  /**
   * The first pass in this process, per CPU second: what a single `claimlens extract` over the
   * corpus gets, with V8 still compiling the code (on its background threads too).
   */
  firstPassCpuMBps: number;
}

function loadTexts(root: string): string[] {
  const texts: string[] = [];
  for (const split of ['train', 'dev']) {
    const dir = join(root, split, 'text');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) texts.push(readFileSync(join(dir, f), 'utf8'));
  }
  return texts;
}

function measure(name: string, texts: string[], fn: (t: string) => unknown, runs: number): BenchResult {
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
  const mb = bytes / 1e6;
  // Warm-up: lazy initialisation and JIT. V8 is still optimising during the second pass over these
  // 4 MB (it takes twice the CPU time of later ones), so two passes are left out of the medians.
  const c00 = process.cpuUsage();
  for (const t of texts) fn(t);
  const first = process.cpuUsage(c00);
  for (const t of texts) fn(t);
  const speeds: number[] = [];
  const cpuSpeeds: number[] = [];
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (const t of texts) { const out = fn(t); if (Array.isArray(out)) sink += out.length; }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    speeds.push(mb / seconds);
    cpuSpeeds.push(mb / ((cpu.user + cpu.system) / 1e6));
  }
  if (sink < 0) console.log(sink); // keeps the results observable to the optimiser
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { name, megabytes: mb, runs: speeds, medianMBps: median(speeds), medianCpuMBps: median(cpuSpeeds), firstPassCpuMBps: mb / ((first.user + first.system) / 1e6) };
}

/** Benchmarks findAttributions and (if present) analyzeDocument over the corpus texts under `root`. */
export async function benchExtract(root: string, runs = 5): Promise<BenchResult[]> {
  const texts = loadTexts(root);
  if (texts.length === 0) throw new Error(`${root}: no train/text or dev/text folder with .txt files`);
  const results: BenchResult[] = [];
  let analyze: ((t: string) => unknown) | undefined;
  try {
    // require, not import(): the analysis is optional while other modules are being written.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    analyze = (require('../../src/core/analyze') as { analyzeDocument: (t: string) => unknown }).analyzeDocument;
  } catch (e) {
    console.error(`analyzeDocument not measured: ${(e as Error).message.split('\n')[0]}`);
  }
  if (analyze) {
    try { results.push(measure('analyzeDocument', texts, analyze, runs)); }
    catch (e) { console.error(`analyzeDocument failed: ${(e as Error).message.split('\n')[0]}`); }
  }
  results.push(measure('findAttributions', texts, findAttributions, runs));
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', default: '../shared/corpora/polnear' }, runs: { type: 'string', default: '5' } } });
  const root = resolve(values.corpus!);
  try {
    for (const r of await benchExtract(root, Number(values.runs) || 5)) {
      console.log(`${r.name.padEnd(18)} ${r.medianMBps.toFixed(1).padStart(7)} MB/s wall, ${r.medianCpuMBps.toFixed(1).padStart(7)} MB/s per CPU second (medians of ${r.runs.length} runs over ${r.megabytes.toFixed(2)} MB after two warm-up passes; wall runs: ${r.runs.map((x) => x.toFixed(1)).join(', ')}); first pass ${r.firstPassCpuMBps.toFixed(1)} MB/s per CPU second`);
    }
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
