/**
 * `claimlens index build|merge|speakers`: a persisted corpus index and its
 * speaker registry, for archives of any size.
 *
 * - build: extracts every document on all cores (worker threads) and saves
 *   index.json; run again, it re-reads only files whose size or modification
 *   time changed, and re-extracts only those whose content (SHA-256) changed.
 * - merge: the reduce step of a distributed run: `claimlens extract --json`
 *   shards (JSON Lines) and/or index files → one index with one registry.
 * - speakers: the corpus speakers with their counts.
 *
 * Locations in a built index are paths relative to the index file's folder
 * (with '/'), so the index and the corpus can move together and the command
 * works from any working directory.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import fg from 'fast-glob';
import { analyzeDocument, MAX_ANALYZED_BYTES } from '../../core/analyze';
import type { FileStat, FileSystem } from '../../core/fs';
import { SIDECAR_SUFFIX } from '../../core/fs';
import { CorpusIndex, CorpusIndexError } from '../../core/index/corpusIndex';
import { mergeIndexInputs } from '../../core/index/merge';
import { ExtractionCancelledError, type ExtractionRunner, InProcessRunner, type IndexTarget, type RefreshReport, refreshIndex } from '../../core/index/pool';
import type { CorpusSpeaker } from '../../core/index/registry';
import { extractionProblem, parseSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotError, type DocumentRecord, type IndexSnapshot } from '../../core/index/snapshot';
import { decodeText } from '../../core/text';
import { type CliCommand, CliError, type CliIO, UsageError, useColor, parseCommandArgs } from '../io';
import { NodeFileSystem } from '../nodeFs';
import { createProgress, type Progress } from '../progress';
import { defaultWorkerCount, WorkerPoolRunner, WorkerStartError } from '../workerPool';

const usage = `Usage: claimlens index build [--out index.json] [--jobs N] <file|folder|glob>…
       claimlens index merge [--out index.json] <shard.jsonl|index.json>…
       claimlens index speakers [--json] [--top N] <index.json>

A persisted corpus index: every document's speakers and claims, and one
registry of speakers across all documents ("Macron" in one article and
"Emmanuel Macron" in another are one speaker; anonymous sources never merge).

build     Extracts every document (folders: **/*.txt and **/*.md; globs are
          fast-glob patterns, quote them) using worker threads on all cores,
          and writes the index (default: index.json). Run again, it reads only
          files whose size or modification time changed, re-extracts only those
          whose content changed, and drops documents no longer selected.
merge     Merges the JSON Lines of 'claimlens extract --json' (one file per
          shard) and/or index files into one index: the reduce step after
          extracting shards on several machines. A document in several inputs
          keeps the last one (reported). Malformed lines are reported with file
          and line, and skipped.
speakers  Lists the corpus speakers, most quoted first: id, kind, claims,
          mentions, documents, name and role.

Options:
  --out <file>  the index to write (build, merge; default index.json)
  --jobs <n>    worker threads for build (default: the number of cores; 1 =
                no worker threads)
  --json        speakers: JSON Lines, one speaker per line
  --top <n>     speakers: only the first n
  -h, --help    show this help

A progress bar is shown on stderr when it is a terminal.
Exit status: 0; 1 when a document could not be read or an input was malformed;
2 for wrong usage.
`;

const GLOB_CHARS = /[*?[\]{}!()]/;
const IGNORE = ['**/node_modules/**', '**/.git/**', `**/*${SIDECAR_SUFFIX}`];
/** Below this many documents to read, worker start-up (tens of ms) costs more than it saves. */
const WORKER_THRESHOLD = 16;

/** The FileSystem with locations relative to a root folder. */
export class RootedFileSystem implements FileSystem {
  private readonly node = new NodeFileSystem();
  constructor(readonly root: string) {}
  private abs(location: string): string { return path.resolve(this.root, location); }
  readFile(location: string): Promise<Uint8Array> { return this.node.readFile(this.abs(location)); }
  writeFile(location: string, data: Uint8Array): Promise<void> { return this.node.writeFile(this.abs(location), data); }
  rename(from: string, to: string): Promise<void> { return this.node.rename(this.abs(from), this.abs(to)); }
  delete(location: string): Promise<void> { return this.node.delete(this.abs(location)); }
  stat(location: string): Promise<FileStat | undefined> { return this.node.stat(this.abs(location)); }
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

interface ScanResult { targets: { location: string; mtime: number; size: number }[]; problems: string[] }

/** Expands files, folders and globs to documents, with size and modification time from the scan itself. */
export async function scanDocuments(inputs: readonly string[], cwd: string, root: string): Promise<ScanResult> {
  const targets: ScanResult['targets'] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (absolute: string, stat: { mtimeMs: number; size: number }): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    if (stat.size > MAX_ANALYZED_BYTES) {
      problems.push(`${path.relative(cwd, absolute) || absolute}: skipped: ${Math.round(stat.size / 1048576)} MB, larger than the ${MAX_ANALYZED_BYTES / 1048576} MB ClaimLens analyses: it does not look like one article; split it into articles to index it`);
      return;
    }
    targets.push({ location: toPosix(path.relative(root, absolute)), mtime: stat.mtimeMs, size: stat.size });
  };
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const stat = await fsp.stat(absolute).catch(() => undefined);
    if (stat?.isDirectory()) {
      const found = await fg('**/*.{txt,md}', { cwd: absolute, ignore: IGNORE, followSymbolicLinks: false, onlyFiles: true, stats: true, absolute: true });
      if (found.length === 0) problems.push(`${input}: no .txt or .md files in this folder`);
      for (const f of found) add(path.normalize(f.path), f.stats!);
    } else if (stat) {
      add(absolute, stat);
    } else if (GLOB_CHARS.test(input)) {
      const found = await fg(input, { cwd, ignore: IGNORE, followSymbolicLinks: false, onlyFiles: true, stats: true, absolute: true });
      if (found.length === 0) problems.push(`${input}: no files match`);
      for (const f of found) add(path.normalize(f.path), f.stats!);
    } else {
      problems.push(`${input}: no such file or folder`);
    }
  }
  targets.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return { targets, problems };
}

// ---------------------------------------------------------------- reading and writing index files

/**
 * Reads an index file line by line (the layout `serialize` writes: one
 * document per line), so that an index larger than the largest JavaScript
 * string (about 512 MB) still loads. Falls back to a whole-text parse for
 * other layouts (an index edited by hand).
 */
export async function readIndexFile(file: string, name = file): Promise<IndexSnapshot | undefined> {
  const stat = await fsp.stat(file).catch(() => undefined);
  if (!stat) return undefined;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: { format?: unknown; version?: unknown; extractor?: unknown; speakerIds?: unknown } | undefined;
  const documents: DocumentRecord[] = [];
  let lineNo = 0;
  let layout = true;
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (lineNo === 1) {
      try { header = JSON.parse(line + '"documents":[]}') as typeof header; } catch { layout = false; break; }
      if (header?.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${name}: not a ClaimLens index (no "format": "${SNAPSHOT_FORMAT}")`);
      if (header.version !== SNAPSHOT_VERSION) throw new SnapshotError(`${name}: index format version ${String(header.version)} is not supported (expected ${SNAPSHOT_VERSION}); delete it to rebuild`);
      continue;
    }
    if (lineNo === 2) { if (line !== '"documents":[') { layout = false; break; } continue; }
    if (line === ']}' || line === '') continue;
    let d: DocumentRecord;
    try { d = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as DocumentRecord; } catch (e) {
      throw new SnapshotError(`${name}:${lineNo}: not valid JSON (${(e as Error).message}); delete the index to rebuild it`);
    }
    if (typeof d?.location !== 'string' || typeof d.sha256 !== 'string') throw new SnapshotError(`${name}:${lineNo}: document lacks "location" or "sha256"`);
    const problem = extractionProblem(d.extraction);
    if (problem) throw new SnapshotError(`${name}:${lineNo}: document ${d.location}: ${problem}`);
    documents.push(d);
  }
  lines.close();
  if (!layout) {
    // Not our line layout: the core's whole-text parser (and its messages).
    return parseSnapshot(decodeText(await fsp.readFile(file)).text, name);
  }
  if (!header || typeof header.extractor !== 'string') throw new SnapshotError(`${name}: index lacks "extractor"`);
  const speakerIds: Record<string, string> = {};
  if (header.speakerIds && typeof header.speakerIds === 'object') {
    for (const [k, v] of Object.entries(header.speakerIds as Record<string, unknown>)) if (typeof v === 'string') speakerIds[k] = v;
  }
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, extractor: header.extractor, documents, speakerIds };
}

/** Writes the index atomically (temporary file, then rename), streaming one document at a time. */
export async function writeIndexFile(index: CorpusIndex, file: string): Promise<number> {
  const tmp = `${file}.tmp-${process.pid}`;
  let handle: import('node:fs/promises').FileHandle;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    handle = await fsp.open(tmp, 'w');
  } catch (error) {
    throw new CliError(`${file}: cannot write the index (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let bytes = 0;
  try {
    let buffer: string[] = [];
    let pending = 0;
    for (const chunk of index.serializeChunks()) {
      buffer.push(chunk);
      pending += chunk.length;
      if (pending >= 1 << 20) {
        const data = Buffer.from(buffer.join(''), 'utf8');
        await handle.write(data);
        bytes += data.length;
        buffer = [];
        pending = 0;
      }
    }
    const data = Buffer.from(buffer.join(''), 'utf8');
    await handle.write(data);
    bytes += data.length;
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw new CliError(`${file}: cannot write the index (${(error as Error).message})`);
  }
  await fsp.rename(tmp, file);
  return bytes;
}

async function loadIndex(file: string, shown: string, options: { fs: FileSystem }): Promise<CorpusIndex | undefined> {
  try {
    const snapshot = await readIndexFile(file, shown);
    return snapshot && CorpusIndex.fromSnapshot(snapshot, { fs: options.fs, analyze: analyzeDocument });
  } catch (error) {
    if (error instanceof SnapshotError || error instanceof CorpusIndexError) throw new CliError(error.message);
    throw new CliError(`${shown}: cannot read the index (${(error as Error).message})`);
  }
}

// ---------------------------------------------------------------- build

export interface BuildOptions {
  cwd: string;
  inputs: string[];
  /** The index file (relative to cwd). */
  out: string;
  /** Worker threads; 1 = extraction in the main thread. */
  jobs?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** Tests: a module exporting analyzeDocument for the workers (the main thread always uses the built-in). */
  analyzerModule?: string;
  /** The worker script (default: indexWorker.js beside the running bundle or module). */
  workerFile?: string;
}

export interface BuildResult {
  index: CorpusIndex;
  report: RefreshReport;
  problems: string[];
  documents: number;
  indexBytes: number;
  /** Milliseconds: reading the old index, scanning the inputs, stat+extraction+registry, writing. */
  timings: { loadMs: number; scanMs: number; statMs: number; extractMs: number; saveMs: number };
  workers: number;
}

export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const file = path.resolve(options.cwd, options.out);
  const root = path.dirname(file);
  const fs = new RootedFileSystem(root);
  let t = performance.now();
  const index = (await loadIndex(file, options.out, { fs })) ?? new CorpusIndex({ fs, analyze: analyzeDocument });
  const loadMs = performance.now() - t;

  t = performance.now();
  const { targets, problems } = await scanDocuments(options.inputs, options.cwd, root);
  const scanMs = performance.now() - t;

  // How many files need reading decides between worker threads and the main thread.
  const toRead = targets.filter((target) => {
    const old = index.document(target.location);
    return !(old && old.mtime === target.mtime && old.size === target.size && old.sha256 !== '');
  }).length;
  const jobs = Math.max(1, options.jobs ?? defaultWorkerCount());
  const useWorkers = jobs > 1 && toRead >= WORKER_THRESHOLD;
  const runner: ExtractionRunner = useWorkers
    ? new WorkerPoolRunner({ workers: jobs, resolveFile: (l) => path.resolve(root, l), analyzerModule: options.analyzerModule, workerFile: options.workerFile })
    : new InProcessRunner({ analyze: analyzeDocument, fs });
  let report: RefreshReport;
  try {
    report = await refreshIndex(index, targets as IndexTarget[], {
      runner,
      fs,
      prune: true,
      signal: options.signal,
      onProgress: (done, total) => options.progress?.update(done, total),
    });
  } catch (error) {
    // Interrupted: keep the documents finished so far, so the next run continues from there.
    if (error instanceof ExtractionCancelledError) await writeIndexFile(index, file);
    throw error;
  } finally {
    await runner.dispose();
    options.progress?.done();
  }

  t = performance.now();
  const indexBytes = await writeIndexFile(index, file);
  const saveMs = performance.now() - t;
  return {
    index,
    report,
    problems,
    documents: index.size,
    indexBytes,
    timings: { loadMs, scanMs, statMs: report.statMs, extractMs: report.extractMs, saveMs },
    workers: useWorkers ? jobs : 0,
  };
}

// ---------------------------------------------------------------- the command

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a whole number ≥ 1, got '${String(value)}'`);
  return n;
}

async function runBuild(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { out: { type: 'string', default: 'index.json' }, jobs: { type: 'string' } } });
  if (positionals.length === 0) throw new UsageError('index build: expected at least one file, folder or glob');
  const jobs = positiveInt(values.jobs, '--jobs');
  const progress = createProgress(io.stderr, { label: 'indexing', total: 0, unit: 'docs' });
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  let result: BuildResult;
  try {
    result = await buildIndex({ cwd: io.cwd, inputs: positionals, out: String(values.out), jobs, progress, signal: controller.signal });
  } catch (error) {
    if (error instanceof ExtractionCancelledError) throw new CliError(`interrupted: ${error.message}; those were saved in ${String(values.out)}, run the same command again to continue`, 130);
    if (error instanceof WorkerStartError) throw new CliError(error.message);
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  const { report, problems } = result;
  for (const p of problems) io.stderr.write(`claimlens: ${p}\n`);
  for (const f of report.failed) io.stderr.write(`claimlens: ${f.location}: skipped: ${f.error}\n`);
  const unchanged = report.unchangedRead + report.unchangedSkipped;
  io.stderr.write(
    `${values.out}: ${result.documents} document${result.documents === 1 ? '' : 's'}, ${result.index.speakers().length} speakers` +
    ` (${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed, ${unchanged} unchanged` +
    `${report.unchangedSkipped ? `, ${report.unchangedSkipped} not re-read` : ''}; ` +
    `${((result.timings.statMs + result.timings.extractMs + result.timings.scanMs) / 1000).toFixed(1)} s${result.workers ? ` on ${result.workers} worker threads` : ''})\n`,
  );
  return problems.length > 0 || report.failed.length > 0 ? 1 : 0;
}

async function runMerge(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { out: { type: 'string', default: 'index.json' } } });
  if (positionals.length === 0) throw new UsageError('index merge: expected shard outputs (claimlens extract --json) or index files');
  const inputs: { name: string; text: string }[] = [];
  for (const p of positionals) {
    try {
      inputs.push({ name: p, text: decodeText(await fsp.readFile(path.resolve(io.cwd, p))).text });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`${p}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message})`);
    }
  }
  const { index, problems, documents } = mergeIndexInputs(inputs, { analyze: analyzeDocument });
  for (const p of problems) io.stderr.write(`claimlens: ${p}\n`);
  await writeIndexFile(index, path.resolve(io.cwd, String(values.out)));
  io.stderr.write(`${values.out}: ${documents} document${documents === 1 ? '' : 's'}, ${index.speakers().length} speakers merged from ${inputs.length} input${inputs.length === 1 ? '' : 's'}\n`);
  // Duplicates are information; malformed input is a failure.
  return problems.some((p) => !/ is also in /.test(p)) ? 1 : 0;
}

export function speakerRecord(s: CorpusSpeaker) {
  return { id: s.id, name: s.name, kind: s.kind, role: s.role, aliases: s.aliases, claims: s.claimCount, mentions: s.mentionCount, documents: s.documents };
}

async function runSpeakers(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, top: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('index speakers: expected one index file');
  const top = positiveInt(values.top, '--top');
  const file = path.resolve(io.cwd, positionals[0]);
  const index = await loadIndex(file, positionals[0], { fs: new RootedFileSystem(path.dirname(file)) });
  if (!index) throw new CliError(`${positionals[0]}: no such index (build one with 'claimlens index build')`);
  const speakers = index.speakers().slice(0, top ?? Infinity);
  if (values.json) {
    for (const s of speakers) io.stdout.write(JSON.stringify(speakerRecord(s)) + '\n');
    return 0;
  }
  const color = useColor(io.stdout, io.env);
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const rows = speakers.map((s) => [s.id, s.kind, String(s.claimCount), String(s.mentionCount), String(s.documents.length), s.role ? `${s.name} (${s.role})` : s.name]);
  const header = ['ID', 'KIND', 'CLAIMS', 'MENTIONS', 'DOCS', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Array.from(r[i]).length)));
  const numeric = new Set([2, 3, 4]);
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  io.stdout.write(bold(line(header)) + '\n');
  for (const r of rows) io.stdout.write(line(r) + '\n');
  return 0;
}

const command: CliCommand = {
  name: 'index',
  summary: 'persisted corpus index on all cores: build (incremental), merge shard outputs, list speakers',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'build': return runBuild(rest, io);
      case 'merge': return runMerge(rest, io);
      case 'speakers': return runSpeakers(rest, io);
      case undefined: throw new UsageError('expected a subcommand: build, merge or speakers');
      default: throw new UsageError(`unknown subcommand '${sub}' (expected build, merge or speakers)`);
    }
  },
};

export default command;
