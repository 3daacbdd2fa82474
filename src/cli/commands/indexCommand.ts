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
import { IndexMerger, isSnapshot, mergeIndexInputs, parseExtractLine } from '../../core/index/merge';
import { ExtractionCancelledError, type ExtractionRunner, InProcessRunner, type IndexTarget, type RefreshReport, refreshIndex } from '../../core/index/pool';
import { type CorpusSpeaker, REGISTRY_RULES_VERSION, summarizeSpeakers } from '../../core/index/registry';
import { SnapshotError, type IndexSnapshot } from '../../core/index/snapshot';
import { decodeText } from '../../core/text';
import { appendIndexChanges, changesFileOf, FileExtractionStore, type LoadedIndex, loadIndexFile, readIndexHeads, readSpeakers, writeIndexFile } from '../indexFile';
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
 * The whole index file as parsed objects (every extraction read): for tests
 * and small indexes. `claimlens index` itself never does this.
 */
export function readIndexFile(file: string, name = file): IndexSnapshot | undefined {
  const store = new FileExtractionStore(path.dirname(file));
  try {
    return loadIndexFile(file, name, { store })?.index.toSnapshot();
  } finally {
    store.dispose();
  }
}

/** Writes the index atomically (temporary file, then rename), streaming one document at a time. Returns the bytes written. */
export function saveIndex(index: CorpusIndex, file: string): number {
  try {
    return writeIndexFile(index, file);
  } catch (error) {
    throw new CliError(`${file}: cannot write the index (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Saves an index loaded from `file`: a few changes are appended to its changes
 * file; many (over 5% of the documents, at least 1,000, counting those already
 * there) rewrite the index, which empties the changes file. Returns the bytes written.
 */
export function saveIndexChanges(index: CorpusIndex, file: string): number {
  try {
    return appendIndexChanges(index, file, Math.max(1000, Math.floor(index.size / 20))) ?? writeIndexFile(index, file);
  } catch (error) {
    throw new CliError(`${file}: cannot write the index (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Bytes of an index on disk, its changes file included. */
async function indexSize(file: string): Promise<number> {
  const sizes = await Promise.all([file, changesFileOf(file)].map((f) => fsp.stat(f).then((s) => s.size, () => 0)));
  return sizes[0] + sizes[1];
}

function loadIndex(file: string, shown: string, options: { fs: FileSystem; store: FileExtractionStore }): LoadedIndex | undefined {
  try {
    return loadIndexFile(file, shown, { ...options, analyze: analyzeDocument });
  } catch (error) {
    if (error instanceof SnapshotError || error instanceof CorpusIndexError) throw new CliError(error.message);
    throw new CliError(`${shown}: cannot read the index (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
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
  /** The index, its extractions read from the file just written: call `index.dispose()` when done with it. */
  index: CorpusIndex;
  report: RefreshReport;
  problems: string[];
  documents: number;
  /** The index on disk (with its changes file), and how much of it this build wrote. */
  indexBytes: number;
  savedBytes: number;
  /** Milliseconds: reading the old index, scanning the inputs, stat+extraction+registry, writing. */
  timings: { loadMs: number; scanMs: number; statMs: number; extractMs: number; saveMs: number };
  workers: number;
  /** Why the existing index's documents were not reused (another extractor version, an older format), if so. */
  discarded?: string;
}

export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const file = path.resolve(options.cwd, options.out);
  const root = path.dirname(file);
  const fs = new RootedFileSystem(root);
  const store = new FileExtractionStore(root);
  try {
    let t = performance.now();
    const loaded = loadIndex(file, options.out, { fs, store });
    const index = loaded?.index ?? new CorpusIndex({ fs, analyze: analyzeDocument, store });
    const loadMs = performance.now() - t;
    const changesAtLoad = index.changeCount;

    t = performance.now();
    const { targets, problems } = await scanDocuments(options.inputs, options.cwd, root);
    const scanMs = performance.now() - t;

    // How many files need reading decides between worker threads and the main thread.
    const toRead = targets.filter((target) => {
      const old = index.facts(target.location);
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
      if (error instanceof ExtractionCancelledError) saveIndexChanges(index, file);
      throw error;
    } finally {
      await runner.dispose();
      options.progress?.done();
    }

    t = performance.now();
    // Nothing changed: the file on disk is this index already (rewriting a large one costs seconds).
    const unchanged = loaded !== undefined && !loaded.discarded && index.changeCount === changesAtLoad;
    const savedBytes = unchanged ? 0 : saveIndexChanges(index, file);
    const saveMs = performance.now() - t;
    const indexBytes = await indexSize(file);
    return {
      index,
      report,
      problems,
      documents: index.size,
      indexBytes,
      savedBytes,
      timings: { loadMs, scanMs, statMs: report.statMs, extractMs: report.extractMs, saveMs },
      workers: useWorkers ? jobs : 0,
      ...(loaded?.discarded ? { discarded: loaded.discarded } : {}),
    };
  } catch (error) {
    store.dispose();
    throw error;
  }
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
  if (result.discarded) io.stderr.write(`claimlens: ${String(values.out)}: ${result.discarded}: every document was extracted again\n`);
  for (const p of problems) io.stderr.write(`claimlens: ${p}\n`);
  for (const f of report.failed) io.stderr.write(`claimlens: ${f.location}: skipped: ${f.error}\n`);
  const unchanged = report.unchangedRead + report.unchangedSkipped;
  io.stderr.write(
    // The speaker count only when the registry is built anyway: after a restart, building it only to count would cost more than the update.
    `${values.out}: ${result.documents} document${result.documents === 1 ? '' : 's'}${result.index.registryBuilt ? `, ${result.index.speakers().length} speakers` : ''}` +
    ` (${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed, ${unchanged} unchanged` +
    `${report.unchangedSkipped ? `, ${report.unchangedSkipped} not re-read` : ''}; ` +
    `${((result.timings.statMs + result.timings.extractMs + result.timings.scanMs) / 1000).toFixed(1)} s${result.workers ? ` on ${result.workers} worker threads` : ''})\n`,
  );
  result.index.dispose();
  return problems.length > 0 || report.failed.length > 0 ? 1 : 0;
}

async function runMerge(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { out: { type: 'string', default: 'index.json' } } });
  if (positionals.length === 0) throw new UsageError('index merge: expected shard outputs (claimlens extract --json) or index files');
  const out = path.resolve(io.cwd, String(values.out));
  const store = new FileExtractionStore(path.dirname(out));
  try {
    const merger = new IndexMerger({ analyze: analyzeDocument, store });
    for (const p of positionals) await mergeInput(merger, store, path.resolve(io.cwd, p), p);
    const { index, problems, documents } = merger.finish();
    for (const p of problems) io.stderr.write(`claimlens: ${p}\n`);
    saveIndex(index, out);
    io.stderr.write(`${values.out}: ${documents} document${documents === 1 ? '' : 's'}, ${index.speakers().length} speakers merged from ${positionals.length} input${positionals.length === 1 ? '' : 's'}\n`);
    // Duplicates are information; malformed input is a failure.
    return problems.some((p) => !/ is also in /.test(p)) ? 1 : 0;
  } finally {
    store.dispose();
  }
}

/** Adds one input of `index merge`, read as a stream: an index file (extractions left in place) or JSON Lines of `extract --json`. */
async function mergeInput(merger: IndexMerger, store: FileExtractionStore, file: string, name: string): Promise<void> {
  let first: string;
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
      first = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${name}: cannot read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code ?? (error as Error).message})`);
  }
  let trustKeys = true;
  if (isSnapshot(first)) {
    try {
      const header = readIndexHeads(store, file, name, {
        wantDocuments: (h) => {
          trustKeys = h.registry === REGISTRY_RULES_VERSION;
          merger.useSpeakerIds(h.speakerIds, name);
          return true;
        },
        document: (line, where) => merger.add(name, readSpeakers(store, line, where), line.extraction, trustKeys),
        removed: (location) => merger.remove(name, location),
        speakerIds: (ids) => merger.useSpeakerIds(ids, name),
      });
      if (header.outdatedVersion !== undefined) merger.problems.push(`${name}: an index in an older format (version ${header.outdatedVersion}); skipped (rebuild it with 'claimlens index build')`);
      else if (!header.lineLayout) {
        // Not ClaimLens's line layout: the core's whole-text reader.
        const part = mergeIndexInputs([{ name, text: decodeText(await fsp.readFile(file)).text }]);
        merger.problems.push(...part.problems);
        for (const location of part.index.locations()) {
          const d = part.index.document(location)!;
          const { extraction, ...rest } = d;
          merger.add(name, { ...rest, speakers: summarizeSpeakers(location, extraction) }, store.put(JSON.stringify(extraction)));
        }
      }
    } catch (error) {
      if (error instanceof SnapshotError) merger.problems.push(`${error.message}; skipped the rest of ${name}`);
      else throw error;
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const parsed = parseExtractLine(lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw, `${name}:${lineNo}`, merger.problems);
    if (parsed) merger.add(name, parsed.head, store.put(parsed.json));
  }
}

export function speakerRecord(s: CorpusSpeaker) {
  return { id: s.id, name: s.name, kind: s.kind, role: s.role, aliases: s.aliases, claims: s.claimCount, mentions: s.mentionCount, documents: s.documents };
}

async function runSpeakers(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, top: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('index speakers: expected one index file');
  const top = positiveInt(values.top, '--top');
  const file = path.resolve(io.cwd, positionals[0]);
  const store = new FileExtractionStore(path.dirname(file));
  let speakers: CorpusSpeaker[];
  try {
    const loaded = loadIndex(file, positionals[0], { fs: new RootedFileSystem(path.dirname(file)), store });
    if (!loaded) throw new CliError(`${positionals[0]}: no such index (build one with 'claimlens index build')`);
    if (loaded.discarded) throw new CliError(`${positionals[0]}: ${loaded.discarded}; run 'claimlens index build' to rebuild it`);
    speakers = loaded.index.speakers().slice(0, top ?? Infinity);
  } catch (error) {
    if (error instanceof CorpusIndexError) throw new CliError(`${positionals[0]}: ${error.message}`);
    throw error;
  } finally {
    store.dispose();
  }
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
