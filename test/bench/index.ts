/**
 * `npm run bench`: every ClaimLens performance figure in one table, with the
 * machine it ran on and the commands to reproduce each one.
 *
 *   npm run bench -- [--corpus ../shared/corpora/polnear] [--quick] [--sizes 10000,100000]
 *                    [--jobs N] [--skip-vscode] [--json results.json]
 *   npm run bench -- --only-vscode [--repeat 3]   # only the VS Code part, medians of N runs
 *
 * 1. extraction throughput, one core (test/bench/extract.ts);
 * 2. `claimlens index build` over synthetic archives of 10,000 and 100,000
 *    documents made from PolNeAR paragraphs (written to a temporary folder,
 *    deleted afterwards), on worker threads: wall time, peak RSS, index size,
 *    then a restart (new process) after one document changed;
 * 3. sidecar load and save with 5,000 claims (test/bench/sidecar.ts);
 * 4. anchoring after random edits (test/bench/anchoring.ts);
 * 5. inside VS Code (code-server): activation, 1 MB document → highlights,
 *    hover p50/p95, highlights after an edit (test/bench/vscode/).
 *
 * --quick: 10,000 documents only, fewer repetitions. Timing figures depend on
 * the load of the machine; the load average before and after is printed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAnchoringBenchmark } from './anchoring';
import { benchExtract, type BenchResult } from './extract';
import type { IndexRunResult } from './indexRun';
import { benchSidecar, type SidecarBenchResult } from './sidecar';
import { seededRandom as prng } from '../support/random';
import { loadParagraphs, writeSyntheticCorpus } from './synthetic';
import type { VscodeBenchResult } from './vscode/editor.bench';

const repoRoot = resolve(__dirname, '..', '..', '..');

interface Row { area: string; measure: string; value: string; target: string; met: '✓' | '✗' | '' ; note?: string }

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const check = (ok: boolean): '✓' | '✗' => (ok ? '✓' : '✗');
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs test/bench/indexRun.js in a process of its own; resolves with its JSON. */
function indexRun(args: string[]): Promise<IndexRunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'indexRun.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`indexRun ${args.join(' ')} exited with ${code}`));
      else resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as IndexRunResult);
    });
  });
}

interface IndexBench { documents: number; megabytes: number; build: IndexRunResult; restart: IndexRunResult; generateSeconds: number }

async function benchIndex(corpus: string, count: number, jobs: number | undefined): Promise<IndexBench> {
  const dir = mkdtempSync(join(tmpdir(), `claimlens-bench-${count}-`));
  try {
    log(`writing ${count.toLocaleString('en-US')} synthetic documents to ${dir}`);
    let t = performance.now();
    const synthetic = await writeSyntheticCorpus(join(dir, 'archive'), count, loadParagraphs(corpus));
    const generateSeconds = (performance.now() - t) / 1000;
    const args = ['--out', join(dir, 'index.json'), '--worker', join(repoRoot, 'dist', 'indexWorker.js'), ...(jobs ? ['--jobs', String(jobs)] : []), join(dir, 'archive')];
    log(`indexing ${(synthetic.bytes / 1e6).toFixed(0)} MB (load ${load()})`);
    const build = await indexRun(args);
    // One document changes (a correction appended, as an editor would); a new process restarts from index.json.
    const changed = synthetic.files[Math.floor(prng(99)() * synthetic.files.length)];
    appendFileSync(changed, '\nCorrection: the minister said that the figure was 12 percent, not 21 percent.\n');
    log(`restart after one change (load ${load()})`);
    const restart = await indexRun(['--then-change', changed, ...args]);
    return { documents: count, megabytes: synthetic.bytes / 1e6, build, restart, generateSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the VS Code part through the integration runner (CLAIMLENS_SUITE=bench) on a workspace holding one 1 MB article. */
function benchVscode(corpus: string): VscodeBenchResult {
  const workspace = mkdtempSync(join(tmpdir(), 'claimlens-bench-vscode-'));
  const folder = join(workspace, 'archive');
  try {
    const paragraphs = loadParagraphs(corpus);
    const random = prng(1);
    const parts: string[] = [];
    for (let size = 0; size < 1_000_000;) {
      const p = paragraphs[Math.floor(random() * paragraphs.length)];
      parts.push(p);
      size += Buffer.byteLength(p) + 2;
    }
    execFileSync('mkdir', ['-p', folder]);
    writeFileSync(join(folder, 'archive-1mb.txt'), parts.join('\n\n') + '\n');
    const output = execFileSync(process.execPath, [join(repoRoot, 'out', 'test', 'host', 'runInCodeServer.js')], {
      env: { ...process.env, CLAIMLENS_SUITE: 'bench', CLAIMLENS_TEST_WORKSPACE: folder },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = output.split('\n').find((l) => l.startsWith('CLAIMLENS_BENCH editor '));
    if (!line) throw new Error('the VS Code bench printed no result');
    const result = JSON.parse(line.slice('CLAIMLENS_BENCH editor '.length)) as VscodeBenchResult | { error: string };
    if ('error' in result) throw new Error(result.error);
    return result;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The table rows of one VS Code bench result (or of the medians of several). */
function vscodeRows(v: VscodeBenchResult, note?: string): Row[] {
  const rows: Row[] = [];
  const mb = `${fmt(v.documentBytes / 1e6, 1)} MB document`;
  const stall = Math.max(v.maxStallOpenMs, v.maxStallEditMs, v.maxStallTypingMs);
  rows.push({ area: 'VS Code', measure: 'activation (extension.activate(), module load included)', value: v.activationMs === null ? 'already active (not timed)' : `${fmt(v.activationMs, 0)} ms`, target: '< 150 ms', met: v.activationMs === null ? '' : check(v.activationMs < 150) });
  rows.push({ area: 'VS Code', measure: `open ${mb} → first highlights (the part on screen, provisional)`, value: `${fmt(v.openToHighlightsMs, 0)} ms (${v.highlightRanges.toLocaleString('en-US')} ranges)`, target: '< 100 ms', met: check(v.openToHighlightsMs < 100) });
  rows.push({ area: 'VS Code', measure: '… of which VS Code loads the document / opens the editor / ClaimLens analyses and highlights the screen', value: `${fmt(v.openDocumentMs, 0)} / ${fmt(v.showEditorMs, 0)} / ${fmt(v.showWorkMs, 1)} ms`, target: 'ClaimLens < 100 ms', met: check(v.showWorkMs < 100) });
  rows.push({ area: 'VS Code', measure: `open ${mb} → whole-document analysis shown (worker thread)`, value: `${fmt(v.openToCompleteMs, 0)} ms (${v.completeHighlightRanges.toLocaleString('en-US')} ranges)`, target: '', met: '' });
  rows.push({ area: 'VS Code', measure: `hover p50 / p95, provider (${v.hoverSamples} positions)`, value: `${fmt(v.hoverProviderP50Ms, 2)} / ${fmt(v.hoverProviderP95Ms, 2)} ms`, target: 'p95 < 10 ms', met: check(v.hoverProviderP95Ms < 10) });
  rows.push({ area: 'VS Code', measure: 'hover p50 / p95 via vscode.executeHoverProvider', value: `${fmt(v.hoverCommandP50Ms, 2)} / ${fmt(v.hoverCommandP95Ms, 2)} ms`, target: '', met: '' });
  rows.push({ area: 'VS Code', measure: `edit in the ${mb} → highlights updated (host work for the edit)`, value: `${fmt(v.editToHighlightsMs, 0)} ms (work ${fmt(v.editWorkMs, 1)} ms)`, target: '< 30 ms', met: check(v.editToHighlightsMs < 30) });
  rows.push({ area: 'VS Code', measure: `typing in the ${mb}: host work per keystroke p50 / p95 / max (${v.typingKeystrokes} keys)`, value: `${fmt(v.typingWorkP50Ms, 1)} / ${fmt(v.typingWorkP95Ms, 1)} / ${fmt(v.typingWorkMaxMs, 1)} ms`, target: '< 30 ms', met: check(v.typingWorkMaxMs < 30) });
  rows.push({ area: 'VS Code', measure: 'edit → whole-document analysis shown (incl. 300 ms typing pause)', value: `${fmt(v.editToCompleteMs, 0)} ms`, target: '', met: '' });
  rows.push({ area: 'VS Code', measure: 'longest extension-host stall (wall clock, load included): opening / one edit / typing (each until the whole analysis is shown and indexed)', value: `${fmt(v.maxStallOpenMs, 0)} / ${fmt(v.maxStallEditMs, 0)} / ${fmt(v.maxStallTypingMs, 0)} ms`, target: '< 50 ms', met: check(stall < 50) });
  const task = Math.max(v.longestTaskOpenMs, v.longestTaskEditMs, v.longestTaskTypingMs);
  rows.push({ area: 'VS Code', measure: '… longest task in CPU time of the host thread: opening / one edit / typing', value: `${fmt(v.longestTaskOpenMs, 0)} / ${fmt(v.longestTaskEditMs, 0)} / ${fmt(v.longestTaskTypingMs, 0)} ms`, target: '< 50 ms', met: Number.isNaN(task) ? '' : check(task < 50) });
  return note ? rows.map((r) => ({ ...r, note })) : rows;
}

/** `--only-vscode [--repeat N]`: the VS Code part alone, N runs, the table of the medians and every run's figures. */
async function onlyVscode(corpus: string, repeat: number, jsonFile: string | undefined): Promise<number> {
  const runs: VscodeBenchResult[] = [];
  const started = Date.now();
  const loadBefore = load();
  for (let i = 0; i < repeat; i++) {
    log(`VS Code (code-server) part, run ${i + 1}/${repeat} (load ${load()})`);
    runs.push(benchVscode(corpus));
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const medians = { ...runs[0] } as VscodeBenchResult;
  for (const key of Object.keys(medians) as Array<keyof VscodeBenchResult>) {
    const values = runs.map((r) => r[key]);
    if (values.every((x) => typeof x === 'number')) (medians as unknown as Record<string, number>)[key] = median(values as number[]);
  }
  const rows = vscodeRows(medians, repeat > 1 ? `median of ${repeat} runs` : undefined);
  const table = [
    '| measure | value | target | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${[r.measure + (r.note ? ` (${r.note})` : ''), r.value, r.target, r.met].map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
  const perRun = runs.map((r, i) => `    run ${i + 1}: open→highlights ${fmt(r.openToHighlightsMs, 0)} ms (VS Code ${fmt(r.openDocumentMs + r.showEditorMs, 0)} ms, ClaimLens ${fmt(r.showWorkMs, 1)} ms; complete ${fmt(r.openToCompleteMs, 0)} ms), edit→highlights ${fmt(r.editToHighlightsMs, 0)} ms (work ${fmt(r.editWorkMs, 1)} ms, complete ${fmt(r.editToCompleteMs, 0)} ms), ` +
    `typing work p95/max ${fmt(r.typingWorkP95Ms, 1)}/${fmt(r.typingWorkMaxMs, 1)} ms, stall open/edit/typing ${fmt(r.maxStallOpenMs, 0)}/${fmt(r.maxStallEditMs, 0)}/${fmt(r.maxStallTypingMs, 0)} ms ` +
    `(CPU ${fmt(r.longestTaskOpenMs, 0)}/${fmt(r.longestTaskEditMs, 0)}/${fmt(r.longestTaskTypingMs, 0)} ms), ` +
    `hover p50/p95 ${fmt(r.hoverProviderP50Ms, 2)}/${fmt(r.hoverProviderP95Ms, 2)} ms, activation ${r.activationMs === null ? '-' : fmt(r.activationMs, 0)} ms`).join('\n');
  const machine = `${cpus().length} cores, Node ${process.version}, VS Code ${runs[0].vscodeVersion} (code-server), load average ${loadBefore} before, ${load()} after, ${fmt((Date.now() - started) / 1000, 0)} s`;
  process.stdout.write(`\nMachine: ${machine}\n\n${table}\n\nRuns:\n${perRun}\n`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine, rows, runs, medians }, null, 2) + '\n');
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: '../shared/corpora/polnear' },
      quick: { type: 'boolean' },
      sizes: { type: 'string' },
      jobs: { type: 'string' },
      'skip-vscode': { type: 'boolean' },
      'only-vscode': { type: 'boolean' },
      repeat: { type: 'string' },
      'skip-index': { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  const corpus = resolve(values.corpus!);
  if (!existsSync(join(corpus, 'train', 'text'))) {
    process.stderr.write(`bench: ${corpus}: no PolNeAR train/text folder (pass --corpus <polnear folder>)\n`);
    return 2;
  }
  if (values['only-vscode']) return onlyVscode(corpus, Math.max(1, Number(values.repeat ?? 1) || 1), values.json);
  const quick = Boolean(values.quick);
  const sizes = values['skip-index'] ? [] : (values.sizes ?? (quick ? '10000' : '10000,100000')).split(',').map(Number).filter((n) => n > 0);
  const jobs = values.jobs ? Number(values.jobs) : undefined;
  const rows: Row[] = [];
  const loadBefore = load();
  const started = Date.now();
  const results: Record<string, unknown> = {};

  // 1. Extraction, one core.
  log(`extraction throughput (load ${load()})`);
  const extract = await benchExtract(corpus, quick ? 3 : 5);
  results.extract = extract;
  const analyze = extract.find((r) => r.name === 'analyzeDocument') ?? extract[0];
  const analyzeRow = (r: BenchResult): Row => ({
    area: 'extraction (1 core)', measure: `${r.name}, PolNeAR train+dev ${fmt(r.megabytes, 2)} MB`, value: `${fmt(r.medianMBps)} MB/s wall, ${fmt(r.medianCpuMBps)} MB/s per CPU-s`,
    target: '≥ 5 MB/s', met: check(r.medianCpuMBps >= 5), note: `median of ${r.runs.length} runs after two warm-up passes`,
  });
  rows.push(analyzeRow(analyze));
  rows.push({
    area: 'extraction (1 core)', measure: `${analyze.name}, first pass in a fresh process (V8 still compiling)`,
    value: `${fmt(analyze.firstPassCpuMBps)} MB/s per CPU-s`, target: '', met: '', note: '',
  });
  for (const r of extract) if (r !== analyze) rows.push({ ...analyzeRow(r), target: '', met: '' });

  // 2. Indexing synthetic archives.
  for (const size of sizes) {
    try {
      const r = await benchIndex(corpus, size, jobs);
      results[`index${size}`] = r;
      const name = `${size.toLocaleString('en-US')} docs (${fmt(r.megabytes, 0)} MB)`;
      const wall = (r.build.scanMs + r.build.statMs + r.build.extractMs + r.build.saveMs) / 1000;
      const big = size >= 100_000;
      rows.push({ area: 'index build', measure: `${name}, ${r.build.workers} worker threads: wall`, value: `${fmt(wall)} s (scan ${fmt(r.build.scanMs / 1000)} s, extract ${fmt(r.build.extractMs / 1000)} s, save ${fmt(r.build.saveMs / 1000)} s; ${fmt(r.build.cpuMs / 1000, 0)} CPU-s, all threads)`, target: big ? '< 120 s' : '', met: big ? check(wall < 120) : '' });
      rows.push({ area: 'index build', measure: `${name}: peak RSS (main + workers)`, value: `${fmt(r.build.maxRssMB, 0)} MB`, target: big ? '< 1,536 MB' : '', met: big ? check(r.build.maxRssMB < 1536) : '' });
      rows.push({ area: 'index build', measure: `${name}: index on disk`, value: `${fmt(r.build.indexBytes / 1e6)} MB, ${r.build.speakers.toLocaleString('en-US')} corpus speakers`, target: '', met: '' });
      const one = r.restart.extractMs;
      rows.push({ area: 'index restart', measure: `${name}: new process, re-index of the 1 changed document (read, extract, registry update; cold code)`, value: `${fmt(one, 1)} ms (${r.restart.changed} changed, ${r.restart.unchangedSkipped.toLocaleString('en-US')} not re-read)`, target: '< 50 ms', met: check(one < 50 && r.restart.changed === 1) });
      if (r.restart.warmReindexMs !== undefined) {
        rows.push({ area: 'index (warm)', measure: `${name}: same document edited again, re-indexed in the running process`, value: `${fmt(r.restart.warmReindexMs, 1)} ms, then ${fmt(r.restart.warmRegistryViewMs ?? 0, 0)} ms for the first registry query`, target: '< 50 ms', met: check(r.restart.warmReindexMs < 50) });
      }
      rows.push({ area: 'index restart', measure: `${name}: load index.json / scan folder / save (changes appended) / first speaker query (builds the registry, deferred until asked)`, value: `${fmt(r.restart.loadMs / 1000, 2)} s / ${fmt(r.restart.scanMs / 1000, 2)} s / ${fmt(r.restart.saveMs, 0)} ms (${fmt(r.restart.savedBytes / 1000, 0)} kB) / ${fmt(r.restart.registryViewMs / 1000, 2)} s`, target: '', met: '', note: `peak RSS ${fmt(r.restart.maxRssMB, 0)} MB` });
    } catch (error) {
      rows.push({ area: 'index build', measure: `${size.toLocaleString('en-US')} docs`, value: `failed: ${(error as Error).message}`, target: '', met: '✗' });
    }
  }

  // 3. Sidecar with 5,000 claims.
  log(`sidecar load/save (load ${load()})`);
  try {
    const s: SidecarBenchResult = await benchSidecar(corpus, 5000, quick ? 3 : 7);
    results.sidecar = s;
    const name = `5,000 claims (${fmt(s.yamlBytes / 1e6, 2)} MB YAML)`;
    rows.push({ area: 'sidecar', measure: `${name}: save one change (serialise + atomic write)`, value: `${fmt(s.saveMs, 0)} ms (serialise alone ${fmt(s.serializeMs, 0)} ms)`, target: '< 50 ms', met: check(s.saveMs < 50) });
    rows.push({ area: 'sidecar', measure: `${name}: load (read, parse, validate) / resolve anchors`, value: `${fmt(s.loadMs, 0)} ms / ${fmt(s.resolveMs, 0)} ms`, target: '', met: '' });
  } catch (error) {
    rows.push({ area: 'sidecar', measure: '5,000 claims', value: `failed: ${(error as Error).message}`, target: '', met: '✗' });
  }

  // 4. Anchoring.
  log(`anchoring (load ${load()})`);
  try {
    const a = await runAnchoringBenchmark({ corpus: join(corpus, 'dev'), seeds: join(repoRoot, 'seeds'), trials: quick ? 1 : 4, limit: quick ? 20 : undefined });
    results.anchoring = a;
    const perAnchorUs = a.total.annotations ? (1000 * a.total.resolveMs) / a.total.annotations : 0;
    rows.push({ area: 'anchoring', measure: `${a.total.annotations.toLocaleString('en-US')} anchors after random edits: right place / wrong place`, value: `${fmt(a.survivedCorrectPercent, 2)} % / ${a.wrong}`, target: '≥ 99 % / 0', met: check(a.survivedCorrectPercent >= 99 && a.wrong === 0) });
    rows.push({ area: 'anchoring', measure: 'resolution time per anchor (mean / worst)', value: `${fmt(perAnchorUs, 0)} µs / ${fmt(a.total.maxResolveMs, 1)} ms`, target: '', met: '' });
  } catch (error) {
    rows.push({ area: 'anchoring', measure: 'anchoring benchmark', value: `failed: ${(error as Error).message}`, target: '', met: '✗' });
  }

  // 5. VS Code.
  let vscodeVersion = 'not run';
  if (!values['skip-vscode']) {
    log(`VS Code (code-server) part (load ${load()})`);
    try {
      const v = benchVscode(corpus);
      results.vscode = v;
      vscodeVersion = v.vscodeVersion;
      rows.push(...vscodeRows(v));
    } catch (error) {
      rows.push({ area: 'VS Code', measure: 'in-host figures', value: `failed: ${(error as Error).message.split('\n')[0]}`, target: '', met: '✗' });
    }
  }

  const cpu = cpus();
  const machine = `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, VS Code ${vscodeVersion} (code-server), load average ${loadBefore} before, ${load()} after, ${fmt((Date.now() - started) / 1000, 0)} s`;
  const header = ['area', 'measure', 'value', 'target', ''];
  const cells = rows.map((r) => [r.area, r.measure + (r.note ? ` (${r.note})` : ''), r.value, r.target, r.met]);
  const table = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...cells.map((c) => `| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
  const sizesFlag = values.sizes ? ` --sizes ${values.sizes}` : '';
  const reproduce = [
    `npm run bench -- --corpus ${values.corpus}${quick ? ' --quick' : ''}${sizesFlag}`,
    `node out/test/bench/extract.js --corpus ${values.corpus}`,
    'node out/test/bench/indexRun.js --out /tmp/index.json --jobs 2 <folder>   # one build, or a restart, as JSON',
    `node out/test/bench/sidecar.js --corpus ${values.corpus}`,
    `node out/test/bench/anchoring.js --corpus ${values.corpus}/dev`,
    'CLAIMLENS_SUITE=bench CLAIMLENS_TEST_WORKSPACE=<folder with archive-1mb.txt> node out/test/host/runInCodeServer.js',
  ];
  process.stdout.write(`\nMachine: ${machine}\n\n${table}\n\nReproduce:\n${reproduce.map((c) => `    ${c}`).join('\n')}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ machine, rows, results }, null, 2) + '\n');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`); process.exitCode = 1; },
  );
}


