import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';

function fakeIO(cwd: string, tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    cwd,
    stdin: Readable.from([]),
    stdout: { write: (t: string) => out.push(t), isTTY: tty },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const MACRON = 'French President Emmanuel Macron said that Europe must rearm.\n“We are ready,” Macron said.\n';
const SCHOLZ = '\uFEFFGerman Chancellor Olaf Scholz warned that prices would rise.\n';

describe('claimlens extract', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimlens-extract-'));
    mkdirSync(join(dir, 'news', 'node_modules'), { recursive: true });
    mkdirSync(join(dir, 'news', 'sub'));
    writeFileSync(join(dir, 'news', 'a.txt'), MACRON);
    writeFileSync(join(dir, 'news', 'sub', 'b.md'), SCHOLZ);
    writeFileSync(join(dir, 'news', 'a.txt.annotations.yaml'), 'version: 1\n');
    writeFileSync(join(dir, 'news', 'node_modules', 'x.txt'), 'Olaf Scholz said that it rained.');
    writeFileSync(join(dir, 'news', 'notes.csv'), 'a,b');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per document with exactly path, speakers, claims, stances', async () => {
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', '--json', 'news'], t.io), 0);
    const lines = t.stdout().trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.path), [join('news', 'a.txt'), join('news', 'sub', 'b.md')]);
    for (const l of lines) assert.deepEqual(Object.keys(l), ['path', 'speakers', 'claims', 'stances']);
    const [a, b] = lines;
    const macron = a.speakers.find((s: { id: string }) => s.id === 'emmanuel-macron');
    assert.deepEqual(Object.keys(macron), ['id', 'name', 'kind', 'role', 'aliases', 'mentions']);
    assert.equal(macron.role, 'French President');
    assert.deepEqual(Object.keys(a.claims[0]), ['id', 'start', 'end', 'text', 'speaker', 'source', 'cue', 'kind']);
    assert.ok(a.claims.length >= 2 && a.claims.every((c: { speaker: string }) => c.speaker === 'emmanuel-macron'));
    // The BOM is not counted: "German" starts at 0.
    const scholz = b.speakers.find((s: { id: string }) => s.id === 'olaf-scholz');
    assert.deepEqual(scholz.mentions, [[18, 29]]);
    assert.equal(t.stderr(), '');
  });

  it('keeps paths as given for files and as expanded for globs', async () => {
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', '--json', 'news/a.txt', 'news/**/*.md', './news/a.txt'], t.io), 0);
    assert.deepEqual(t.stdout().trimEnd().split('\n').map((l) => JSON.parse(l).path), ['news/a.txt', 'news/sub/b.md']);
  });

  it('prints a readable table without --json, with no colour off a terminal', async () => {
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', 'news/a.txt'], t.io), 0);
    const out = t.stdout();
    assert.doesNotMatch(out, /\x1b\[/);
    assert.match(out, /^news\/a\.txt — 1 speaker, 2 claims/);
    assert.match(out, /Emmanuel Macron +person +French President +2/);
    assert.match(out, /Emmanuel Macron +direct +“We are ready,”/);
  });

  it('uses colour on a terminal', async () => {
    const t = fakeIO(dir, true);
    assert.equal(await runCli(['extract', 'news/a.txt'], t.io), 0);
    assert.match(t.stdout(), /\x1b\[1m/);
  });

  it('skips binary and invalid UTF-8 files with one line each, goes on, and exits 1', async () => {
    writeFileSync(join(dir, 'news', 'c.txt'), Buffer.from([0x41, 0x00, 0x42]));
    writeFileSync(join(dir, 'news', 'd.txt'), Buffer.from([0x41, 0xc3, 0x28]));
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', '--json', 'news'], t.io), 1);
    assert.equal(t.stdout().trimEnd().split('\n').length, 2);
    assert.equal(t.stderr(),
      `claimlens: ${join('news', 'c.txt')}: skipped: looks like a binary file (NUL byte at byte 1)\n` +
      `claimlens: ${join('news', 'd.txt')}: skipped: is not valid UTF-8 (bad byte sequence at byte 1)\n`);
  });

  it('reports missing files and empty globs, and exits 1', async () => {
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', 'nope.txt', 'news/*.doc', 'news/a.txt'], t.io), 1);
    assert.equal(t.stderr(), 'claimlens: nope.txt: no such file or folder\nclaimlens: news/*.doc: no files match\n');
    assert.match(t.stdout(), /news\/a\.txt/);
  });

  it('does not loop on a symbolic link to a parent folder', async () => {
    symlinkSync(join(dir, 'news'), join(dir, 'news', 'sub', 'loop'));
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract', '--json', 'news'], t.io), 0);
    assert.equal(t.stdout().trimEnd().split('\n').length, 2);
  });

  it('is wrong usage without inputs or with an unknown option', async () => {
    const t = fakeIO(dir);
    assert.equal(await runCli(['extract'], t.io), 2);
    assert.equal(await runCli(['extract', '--xml', 'news'], t.io), 2);
    assert.match(t.stderr(), /see 'claimlens extract --help'/);
  });
});
