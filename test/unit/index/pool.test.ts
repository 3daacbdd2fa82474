import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerPoolRunner } from '../../../src/cli/workerPool';
import { analyzeDocument } from '../../../src/core/analyze';
import type { DocumentExtraction } from '../../../src/core/extract/types';
import { type FileStat, type FileSystem, MemoryFileSystem } from '../../../src/core/fs';
import { CorpusIndex } from '../../../src/core/index/corpusIndex';
import { ExtractionCancelledError, type ExtractionJob, type ExtractionOutcome, InProcessRunner, refreshIndex } from '../../../src/core/index/pool';
import { encodeText } from '../../../src/core/text';

const ARTICLES = [
  'Chancellor Olaf Scholz said that the budget would be balanced by spring.',
  '“We will not give up,” the mayor said. A city official said the bridge was closed.',
  'According to the Finance Ministry, inflation fell to 2 percent in May.',
  'Senator Maria Lopez warned that the bill would raise costs. Lopez added that she would vote no.',
  'Nobody said anything here; the weather was mild.',
  'The company denied the report. “It is false,” a spokeswoman said on Tuesday.',
];

/** The compiled analysis, for workers loading a test analyser by absolute path. */
const ANALYZE_MODULE = resolve(__dirname, '../../../src/core/analyze.js');

/** A CommonJS analyser for the workers: throws on BOOM, kills its thread on CRASH, otherwise the real analysis. */
function writeTestAnalyzer(dir: string): string {
  const file = join(dir, 'testAnalyzer.js');
  writeFileSync(file, [
    `const real = require(${JSON.stringify(ANALYZE_MODULE)});`,
    'exports.analyzeDocument = (text) => {',
    "  if (text.includes('BOOM')) throw new Error('the analyser choked on BOOM');",
    "  if (text.includes('CRASH')) process.exit(7);",
    '  return real.analyzeDocument(text);',
    '};',
  ].join('\n'));
  return file;
}

const ok = (o: ExtractionOutcome) => (o.status === 'extracted' ? o.extraction : undefined);

describe('ExtractionRunner: in-process', () => {
  it('returns the same extraction as analyzeDocument, one outcome per job in job order', async () => {
    const runner = new InProcessRunner({ analyze: analyzeDocument, sliceMs: 0 });
    const jobs = ARTICLES.map((text, i) => ({ location: `doc${i}`, text }));
    const outcomes = await runner.run(jobs);
    assert.deepEqual(outcomes.map((o) => o.location), jobs.map((j) => j.location));
    outcomes.forEach((o, i) => assert.deepEqual(ok(o), analyzeDocument(ARTICLES[i])));
  });

  it('reports a failing document and carries on with the others', async () => {
    const analyze = (text: string): DocumentExtraction => {
      if (text.includes('BOOM')) throw new Error('bad input');
      return analyzeDocument(text);
    };
    const runner = new InProcessRunner({ analyze });
    const outcomes = await runner.run([{ location: 'a', text: ARTICLES[0] }, { location: 'b', text: 'BOOM' }, { location: 'c', text: ARTICLES[2] }]);
    assert.deepEqual(outcomes.map((o) => o.status), ['extracted', 'failed', 'extracted']);
    assert.match((outcomes[1] as { error: string }).error, /extraction failed: bad input/);
  });

  it('reads files through the FileSystem and says which cannot be read', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile('/a.txt', encodeText(ARTICLES[0]));
    await fs.writeFile('/bin.txt', new Uint8Array([0, 1, 2, 0, 255, 0]));
    const runner = new InProcessRunner({ analyze: analyzeDocument, fs });
    const [a, bin, missing] = await runner.run([{ location: '/a.txt' }, { location: '/bin.txt' }, { location: '/gone.txt' }]);
    assert.equal(a.status, 'extracted');
    assert.equal(bin.status, 'failed');
    assert.deepEqual(missing, { location: '/gone.txt', status: 'failed', error: 'no such file' });
  });

  it('stops when cancelled, keeping the outcomes already delivered', async () => {
    const controller = new AbortController();
    const delivered: string[] = [];
    const runner = new InProcessRunner({ analyze: analyzeDocument, sliceMs: 0 });
    const jobs = ARTICLES.map((text, i) => ({ location: `doc${i}`, text }));
    const run = runner.run(jobs, {
      signal: controller.signal,
      onOutcome: (o) => { delivered.push(o.location); if (delivered.length === 2) controller.abort(); },
    });
    await assert.rejects(run, (e: unknown) => e instanceof ExtractionCancelledError && e.completed === 2 && e.total === ARTICLES.length);
    assert.deepEqual(delivered, ['doc0', 'doc1']);
  });
});

describe('ExtractionRunner: worker threads', function () {
  this.timeout(60_000);
  let dir: string;
  let runner: WorkerPoolRunner | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'claimlens-pool-')); });
  afterEach(async () => {
    await runner?.dispose();
    runner = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives results identical to the in-process runner, in job order, reading files itself', async () => {
    const jobs: ExtractionJob[] = [];
    for (let i = 0; i < 40; i++) {
      const text = ARTICLES[i % ARTICLES.length] + ` Story ${i}.`;
      const file = join(dir, `d${i}.txt`);
      writeFileSync(file, (i % 5 === 0 ? '\uFEFF' : '') + text);
      jobs.push({ location: file });
    }
    runner = new WorkerPoolRunner({ workers: 3, maxBatch: 4 });
    const order: number[] = [];
    const outcomes = await runner.run(jobs, { onOutcome: (_o, i) => order.push(i) });
    const expected = await new InProcessRunner({ analyze: analyzeDocument, fs: new NodeFsForTest() }).run(jobs);
    assert.deepEqual(outcomes.map((o) => o.location), jobs.map((j) => j.location));
    assert.deepEqual(outcomes.map(ok), expected.map(ok));
    // Same content hash as the core computes (BOM not included).
    assert.deepEqual(outcomes.map((o) => (o as { sha256: string }).sha256), expected.map((o) => (o as { sha256: string }).sha256));
    assert.deepEqual([...order].sort((a, b) => a - b), jobs.map((_j, i) => i), 'every job delivered exactly once');
  });

  it('with keepOutcomes false, delivers every outcome to onOutcome and holds none (a 100,000-document run)', async () => {
    runner = new WorkerPoolRunner({ workers: 2, maxBatch: 2 });
    const jobs = ARTICLES.map((text, i) => ({ location: `k${i}`, text }));
    const seen = new Map<number, ExtractionOutcome>();
    const kept = await runner.run(jobs, { keepOutcomes: false, onOutcome: (o, i) => seen.set(i, o) });
    assert.deepEqual(kept, []);
    assert.equal(seen.size, jobs.length);
    jobs.forEach((job, i) => assert.deepEqual(ok(seen.get(i)!), analyzeDocument(job.text)));
  });

  it('skips extraction when the content hash is the one already indexed', async () => {
    const file = join(dir, 'same.txt');
    writeFileSync(file, ARTICLES[0]);
    runner = new WorkerPoolRunner({ workers: 1 });
    const [first] = await runner.run([{ location: file }]);
    assert.equal(first.status, 'extracted');
    const [second] = await runner.run([{ location: file, knownSha256: (first as { sha256: string }).sha256 }]);
    assert.equal(second.status, 'unchanged');
  });

  it('reports an analyser error or a dying worker on that document only, and finishes the run', async () => {
    const texts = [ARTICLES[0], 'BOOM goes the parser.', ARTICLES[1], 'CRASH the thread.', ARTICLES[2], ARTICLES[3], ARTICLES[4]];
    runner = new WorkerPoolRunner({ workers: 2, maxBatch: 3, analyzerModule: writeTestAnalyzer(dir) });
    const outcomes = await runner.run(texts.map((text, i) => ({ location: `t${i}`, text })));
    assert.deepEqual(outcomes.map((o) => o.status), ['extracted', 'failed', 'extracted', 'failed', 'extracted', 'extracted', 'extracted']);
    assert.match((outcomes[1] as { error: string }).error, /the analyser choked on BOOM/);
    assert.match((outcomes[3] as { error: string }).error, /worker stopped on this document/);
    outcomes.forEach((o, i) => { if (o.status === 'extracted') assert.deepEqual(o.extraction, analyzeDocument(texts[i])); });
    // The pool replaced the dead worker and still works.
    const [again] = await runner.run([{ location: 'x', text: ARTICLES[5] }]);
    assert.deepEqual(ok(again), analyzeDocument(ARTICLES[5]));
  });

  it('stops on cancellation, rejects with the count done, and can run again afterwards', async () => {
    runner = new WorkerPoolRunner({ workers: 2, maxBatch: 1 });
    const controller = new AbortController();
    const jobs = Array.from({ length: 200 }, (_x, i) => ({ location: `c${i}`, text: ARTICLES[i % ARTICLES.length] }));
    let delivered = 0;
    const run = runner.run(jobs, { signal: controller.signal, onOutcome: () => { if (++delivered === 5) controller.abort(); } });
    await assert.rejects(run, (e: unknown) => e instanceof ExtractionCancelledError && e.completed === 5 && e.total === 200);
    assert.equal(delivered, 5, 'nothing is delivered after cancellation');
    const after = await runner.run(jobs.slice(0, 3));
    assert.deepEqual(after.map((o) => o.status), ['extracted', 'extracted', 'extracted']);
  });

  it('says clearly when the worker script is missing', async () => {
    runner = new WorkerPoolRunner({ workerFile: join(dir, 'nope.js') });
    await assert.rejects(runner.run([{ location: 'a', text: 'x' }]), /nope\.js not found: run 'npm run build'/);
  });
});

/** Node's fs as a core FileSystem (read-only use), so both runners read the same files. */
class NodeFsForTest implements FileSystem {
  private readonly fs = require('node:fs') as typeof import('node:fs');
  async readFile(l: string) { return this.fs.readFileSync(l); }
  async writeFile() { throw new Error('read-only'); }
  async rename() { throw new Error('read-only'); }
  async delete() { throw new Error('read-only'); }
  async stat(l: string): Promise<FileStat | undefined> {
    const s = this.fs.statSync(l, { throwIfNoEntry: false });
    return s && { mtime: s.mtimeMs, size: s.size };
  }
}

/** A MemoryFileSystem that counts reads. */
class CountingFs extends MemoryFileSystem {
  reads: string[] = [];
  override async readFile(location: string) { this.reads.push(location); return super.readFile(location); }
}

describe('refreshIndex: a persisted index after a restart', () => {
  async function setup() {
    const fs = new CountingFs();
    for (let i = 0; i < ARTICLES.length; i++) await fs.writeFile(`/news/${i}.txt`, encodeText(ARTICLES[i]));
    const analysed: string[] = [];
    const analyze = (text: string) => { analysed.push(text); return analyzeDocument(text); };
    return { fs, analysed, analyze, targets: ARTICLES.map((_a, i) => `/news/${i}.txt`) };
  }

  it('re-reads only files whose size or time changed, and re-extracts only changed content', async () => {
    const { fs, analysed, analyze, targets } = await setup();
    const first = new CorpusIndex({ fs, analyze });
    const built = await refreshIndex(first, targets, { runner: new InProcessRunner({ analyze, fs }), fs });
    assert.equal(built.added.length, ARTICLES.length);
    assert.equal(analysed.length, ARTICLES.length);
    await first.save('/index.json');

    // Restart: a new index from the saved file; one article edited, one only touched (same bytes, new time).
    await fs.writeFile('/news/3.txt', encodeText('Senator Maria Lopez said that she would vote yes.'));
    await fs.writeFile('/news/1.txt', encodeText(ARTICLES[1]));
    fs.reads = [];
    analysed.length = 0;
    const restarted = await CorpusIndex.load('/index.json', { fs, analyze });
    assert.deepEqual(fs.reads, ['/index.json']);
    fs.reads = [];
    const report = await refreshIndex(restarted, targets, { runner: new InProcessRunner({ analyze, fs }), fs });
    assert.deepEqual(fs.reads.sort(), ['/news/1.txt', '/news/3.txt']);
    assert.deepEqual(analysed, ['Senator Maria Lopez said that she would vote yes.']);
    assert.deepEqual(report.changed, ['/news/3.txt']);
    assert.equal(report.unchangedRead, 1);
    assert.equal(report.unchangedSkipped, ARTICLES.length - 2);
    assert.ok(restarted.speakers().some((s) => s.name === 'Maria Lopez' && s.claimCount === 1));

    // The touched file's new time was recorded: the next restart reads nothing at all.
    await restarted.save('/index.json');
    const again = await CorpusIndex.load('/index.json', { fs, analyze });
    fs.reads = [];
    const quiet = await refreshIndex(again, targets, { runner: new InProcessRunner({ analyze, fs }), fs });
    assert.deepEqual(fs.reads, []);
    assert.equal(quiet.unchangedSkipped, ARTICLES.length);
  });

  it('drops documents that vanished or can no longer be read, and with prune those no longer selected', async () => {
    const { fs, analyze, targets } = await setup();
    const index = new CorpusIndex({ fs, analyze });
    await refreshIndex(index, targets, { runner: new InProcessRunner({ analyze, fs }), fs });
    await fs.delete('/news/0.txt');
    await fs.writeFile('/news/2.txt', new Uint8Array([0xff, 0xfe, 0x00, 0x00, 0x01]));
    const report = await refreshIndex(index, targets.slice(0, 5), { runner: new InProcessRunner({ analyze, fs }), fs, prune: true });
    assert.deepEqual(report.failed.map((f) => f.location).sort(), ['/news/0.txt', '/news/2.txt']);
    assert.deepEqual(report.removed.sort(), ['/news/0.txt', '/news/2.txt', '/news/5.txt']);
    assert.deepEqual(index.locations(), ['/news/1.txt', '/news/3.txt', '/news/4.txt']);
  });

  it('keeps the documents finished before a cancellation', async () => {
    const { fs, analyze, targets } = await setup();
    const index = new CorpusIndex({ fs, analyze });
    const controller = new AbortController();
    const run = refreshIndex(index, targets, {
      runner: new InProcessRunner({ analyze, fs, sliceMs: 0 }),
      fs,
      signal: controller.signal,
      onProgress: (done) => { if (done === 3) controller.abort(); },
    });
    await assert.rejects(run, ExtractionCancelledError);
    assert.equal(index.size, 3);
  });
});
