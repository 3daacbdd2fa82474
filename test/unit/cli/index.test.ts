import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildIndex, readIndexFile } from '../../../src/cli/commands/indexCommand';
import type { CliIO } from '../../../src/cli/io';
import { DEFAULT_EXTRACTOR_VERSION } from '../../../src/core/index/corpusIndex';
import { runCli } from '../../../src/cli/main';
import { createProgress, renderProgressLine } from '../../../src/cli/progress';

function fakeIO(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    cwd,
    stdin: Readable.from([]),
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** A small corpus of our own sentences: one speaker across articles, namesakes, anonymous sources. */
const CORPUS: Record<string, string> = {
  'news/a.txt': 'French President Emmanuel Macron said that Europe must rearm.\n“We are ready,” Macron said.\n',
  'news/b.txt': 'Macron said that the talks had failed. A French official said the summit was over.\n',
  'news/c.txt': 'President Donald Trump said that tariffs would rise.\n',
  'news/d.txt': 'Melania Trump said that the garden would reopen.\n',
  'news/sub/e.md': 'German Chancellor Olaf Scholz warned that prices would rise. Scholz added that talks continue.\n',
  'news/sub/f.txt': 'According to the Finance Ministry, inflation fell. A French official said the summit was over.\n',
};

describe('claimlens index', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimlens-index-'));
    mkdirSync(join(dir, 'news', 'sub'), { recursive: true });
    for (const [p, text] of Object.entries(CORPUS)) writeFileSync(join(dir, p), text);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const t = fakeIO(dir);
    const code = await runCli(args, t.io);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  };

  it('build writes an index whose registry lists each speaker once with counts', async () => {
    const built = await run(['index', 'build', '--out', 'idx/corpus.json', '--jobs', '1', 'news']);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stderr, /idx\/corpus\.json: 6 documents, \d+ speakers \(6 added, 0 changed, 0 removed, 0 unchanged/);
    // Rebuilt after a change: the registry of the other documents is not rebuilt only to count speakers.
    writeFileSync(join(dir, 'news/c.txt'), 'President Donald Trump said that tariffs would fall.\n');
    const rebuilt = await run(['index', 'build', '--out', 'idx/corpus.json', '--jobs', '1', 'news']);
    assert.match(rebuilt.stderr, /idx\/corpus\.json: 6 documents \(0 added, 1 changed, 0 removed, 5 unchanged, 5 not re-read;/);
    const listed = await run(['index', 'speakers', '--json', 'idx/corpus.json']);
    assert.equal(listed.code, 0);
    const speakers = listed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const macron = speakers.find((s) => s.id === 'emmanuel-macron');
    // Paths are relative to the index's folder.
    assert.deepEqual(macron.documents, ['../news/a.txt', '../news/b.txt']);
    assert.equal(macron.claims, 3);
    assert.ok(speakers.some((s) => s.id === 'donald-trump') && speakers.some((s) => s.id === 'melania-trump'));
    assert.equal(speakers.filter((s) => s.kind === 'anonymous').length, 2, 'anonymous sources are not merged across articles');
    const table = await run(['index', 'speakers', '--top', '1', 'idx/corpus.json']);
    assert.match(table.stdout, /^ID +KIND +CLAIMS +MENTIONS +DOCS +NAME\nemmanuel-macron +person +3 +\d+ +2 +Emmanuel Macron \(French President\)\n$/);
  });

  it('a rebuild (a new process reading index.json) re-reads only changed files, re-extracts only changed content', async () => {
    const first = await buildIndex({ cwd: dir, inputs: ['news'], out: 'index.json', jobs: 1 });
    assert.equal(first.report.added.length, 6);
    // One article edited, one only touched (same bytes, newer time), one deleted, one added.
    writeFileSync(join(dir, 'news/c.txt'), 'President Donald Trump said that tariffs would fall.\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'news/d.txt'), later, later);
    rmSync(join(dir, 'news/sub/f.txt'));
    writeFileSync(join(dir, 'news/g.txt'), 'Olaf Scholz said that he would travel to Paris.\n');
    const second = await buildIndex({ cwd: dir, inputs: ['news'], out: 'index.json', jobs: 1 });
    assert.deepEqual(second.report.changed, ['news/c.txt']);
    assert.deepEqual(second.report.added, ['news/g.txt']);
    assert.deepEqual(second.report.removed, ['news/sub/f.txt']);
    assert.equal(second.report.unchangedRead, 1, 'the touched file is read and hashed, not extracted');
    assert.equal(second.report.unchangedSkipped, 3, 'the others are not even read');
    const scholz = second.index.speakers().find((s) => s.id === 'olaf-scholz');
    assert.deepEqual(scholz?.documents, ['news/g.txt', 'news/sub/e.md']);
    // A few changes are appended to index.json.changes; a new process reads both, and so does merge.
    assert.ok(existsSync(join(dir, 'index.json.changes')));
    assert.ok(second.savedBytes < second.indexBytes / 2);
    const listed = (await run(['index', 'speakers', '--json', 'index.json'])).stdout;
    assert.match(listed, /"id":"olaf-scholz".*"documents":\["news\/g\.txt","news\/sub\/e\.md"\]/);
    assert.equal((await run(['index', 'merge', '--out', 'merged.json', 'index.json'])).code, 0);
    assert.deepEqual((await readIndexFile(join(dir, 'merged.json')))!.documents.map((d) => d.location),
      ['news/a.txt', 'news/b.txt', 'news/c.txt', 'news/d.txt', 'news/g.txt', 'news/sub/e.md']);
    const third = await buildIndex({ cwd: dir, inputs: ['news'], out: 'index.json', jobs: 1 });
    assert.equal(third.report.unchangedSkipped, 6);
    assert.equal(third.report.unchangedRead + third.report.changed.length + third.report.added.length, 0);
  });

  it('a rebuild with nothing changed leaves the index file as it is', async () => {
    await buildIndex({ cwd: dir, inputs: ['news'], out: 'index.json', jobs: 1 });
    const before = readFileSync(join(dir, 'index.json'));
    writeFileSync(join(dir, 'index.json'), Buffer.concat([before, Buffer.from('\n')])); // a mark: rewritten files lose it
    const again = await buildIndex({ cwd: dir, inputs: ['news'], out: 'index.json', jobs: 1 });
    again.index.dispose();
    assert.equal(again.report.unchangedSkipped, 6);
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), before.toString() + '\n');
  });

  it('an index from an older ClaimLens is rebuilt (speaker ids kept), and says so', async () => {
    writeFileSync(join(dir, 'index.json'), '{"format":"claimlens-index","version":1,"extractor":"extractor-0","speakerIds":{"person:emmanuel macron":"president-macron"},\n"documents":[\n]}\n');
    const listed = await run(['index', 'speakers', 'index.json']);
    assert.equal(listed.code, 1);
    assert.match(listed.stderr, /^claimlens: index\.json: made by an older ClaimLens \(index format 1\); run 'claimlens index build' to rebuild it\n$/);
    const built = await run(['index', 'build', '--jobs', '1', 'news']);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stderr, /index\.json: made by an older ClaimLens \(index format 1\): every document was extracted again/);
    assert.match(built.stderr, /6 added/);
    const speakers = (await run(['index', 'speakers', '--json', 'index.json'])).stdout;
    assert.match(speakers, /"id":"president-macron","name":"Emmanuel Macron"/);
  });

  it('build on worker threads gives the same index as in the main thread', async () => {
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `news/extra${String(i).padStart(2, '0')}.txt`), `Mayor Anna Berg said that the road ${i} would reopen.\n`);
    const inline = await buildIndex({ cwd: dir, inputs: ['news'], out: 'inline.json', jobs: 1 });
    const threaded = await buildIndex({ cwd: dir, inputs: ['news'], out: 'threaded.json', jobs: 2 });
    assert.equal(inline.workers, 0);
    assert.equal(threaded.workers, 2);
    const strip = (file: string) => readFileSync(join(dir, file), 'utf8');
    assert.equal(strip('threaded.json'), strip('inline.json'));
  });

  it('merge of extract --json shards gives the registry of extracting everything at once', async () => {
    const shards = [['news/a.txt', 'news/c.txt', 'news/sub/e.md'], ['news/b.txt', 'news/d.txt', 'news/sub/f.txt']];
    for (const [i, files] of shards.entries()) {
      const r = await run(['extract', '--json', ...files]);
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(join(dir, `shard-${i}.jsonl`), r.stdout);
    }
    const all = await run(['extract', '--json', 'news']);
    writeFileSync(join(dir, 'all.jsonl'), all.stdout);

    assert.equal((await run(['index', 'merge', '--out', 'merged.json', 'shard-1.jsonl', 'shard-0.jsonl'])).code, 0);
    assert.equal((await run(['index', 'merge', '--out', 'whole.json', 'all.jsonl'])).code, 0);
    const built = await run(['index', 'build', '--jobs', '1', '--out', 'built.json', 'news']);
    assert.equal(built.code, 0);
    const merged = (await run(['index', 'speakers', '--json', 'merged.json'])).stdout;
    assert.ok(merged.includes('"id":"emmanuel-macron"'));
    assert.equal(merged, (await run(['index', 'speakers', '--json', 'whole.json'])).stdout);
    assert.equal(merged, (await run(['index', 'speakers', '--json', 'built.json'])).stdout);
    const docs = (await readIndexFile(join(dir, 'merged.json')))!.documents;
    assert.deepEqual(docs.map((d) => d.location), Object.keys(CORPUS).sort());
  });

  it('merge reports malformed shard lines with file and line, keeps the rest, and exits 1', async () => {
    const good = (await run(['extract', '--json', 'news/a.txt'])).stdout;
    writeFileSync(join(dir, 'bad.jsonl'), good + '{"path": "x.txt", "speakers": 3}\nnot json\n');
    const r = await run(['index', 'merge', '--out', 'm.json', 'bad.jsonl', 'missing.jsonl']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing\.jsonl: cannot read \(no such file\)/);
    const r2 = await run(['index', 'merge', '--out', 'm.json', 'bad.jsonl']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /bad\.jsonl:2: speakers is not a list; skipped/);
    assert.match(r2.stderr, /bad\.jsonl:3: not a JSON line; skipped/);
    assert.match(r2.stderr, /m\.json: 1 document,/);
  });

  it('rejects wrong usage and unreadable indexes with one clear line', async () => {
    assert.equal((await run(['index'])).code, 2);
    const r = await run(['index', 'build', '--jobs', 'zero', 'news']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs expects a whole number/);
    writeFileSync(join(dir, 'broken.json'), `{"format":"claimlens-index","version":2,"extractor":${JSON.stringify(DEFAULT_EXTRACTOR_VERSION)},"speakerIds":{},\n"documents":[\n{oops\n]}\n`);
    const s = await run(['index', 'speakers', 'broken.json']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /^claimlens: broken\.json:3: not valid JSON .*delete the index to rebuild it\n$/);
    const m = await run(['index', 'speakers', 'nothing.json']);
    assert.match(m.stderr, /nothing\.json: no such index/);
  });

  it('reports files it cannot read and still indexes the others', async () => {
    writeFileSync(join(dir, 'news/binary.txt'), Buffer.from([0, 1, 2, 3, 0, 0, 255]));
    const r = await run(['index', 'build', '--jobs', '1', 'news', 'nowhere']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /claimlens: nowhere: no such file or folder/);
    assert.match(r.stderr, /claimlens: news\/binary\.txt: skipped: /);
    assert.match(r.stderr, /index\.json: 6 documents/);
  });
});

describe('progress bar', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const out: string[] = [];
    const p = createProgress({ write: (t) => out.push(t), isTTY: false }, { label: 'indexing', total: 10 });
    p.update(5);
    p.done();
    assert.deepEqual(out, []);
  });

  it('on a terminal: waits before showing, redraws in place, erases itself at the end', () => {
    const out: string[] = [];
    let clock = 0;
    const p = createProgress({ write: (t) => out.push(t), isTTY: true, columns: 100 }, { label: 'indexing', total: 200, unit: 'docs', now: () => clock, delayMs: 500 });
    clock = 100; p.update(10);
    assert.equal(out.length, 0, 'short runs show nothing');
    clock = 1000; p.update(100);
    assert.equal(out.length, 1);
    assert.ok(out[0].startsWith('\r\x1b[Kindexing  ['));
    assert.match(out[0], / 50%  100\/200  100 docs\/s  1s left$/);
    p.done();
    assert.equal(out.at(-1), '\r\x1b[K');
  });

  it('fits narrow terminals', () => {
    const line = renderProgressLine('indexing', 48112, 100000, 60, 50, 'docs');
    assert.ok(line.length <= 49, line);
    assert.ok(line.startsWith('indexing   48%'));
  });
});
