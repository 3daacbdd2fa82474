// Faults and concurrency around the sidecar store: failing writes, a sidecar changed on disk
// mid-edit, bursts of updates, two stores (two VS Code windows) on one folder, a crash between
// the temporary file and the rename, read-only sidecars.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFileSystem } from '../../../src/cli/nodeFs';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { addClaimFromSpan, AnnotationStore, AnnotationStoreError, updateClaim } from '../../../src/core/sidecar/store';
import { ARTICLE, cli, CLAIM_TEXT, errnoError, FaultyFileSystem, handWrittenSidecar, tempFolder } from './helpers';

const DOC = '/news/a.txt';
const SIDECAR = '/news/a.txt.annotations.yaml';
const cp = (s: string) => [...s].length;

/** An article of `n` sentences, each a claim span of its own. */
function manySentences(n: number): { text: string; spans: Array<[number, number]> } {
  const parts: string[] = [];
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const sentence = `Speaker ${i} said that item number ${i} costs ${i * 7} euros.`;
    spans.push([at, at + cp(sentence)]);
    parts.push(sentence);
    at += cp(sentence) + 1;
  }
  return { text: parts.join('\n') + '\n', spans };
}

async function seeded(): Promise<FaultyFileSystem> {
  const fs = new FaultyFileSystem();
  await fs.put(DOC, ARTICLE);
  await fs.put(SIDECAR, handWrittenSidecar('a.txt'));
  return fs;
}

describe('robustness: failing writes', () => {
  for (const [code, meaning] of [['ENOSPC', 'disk full'], ['EACCES', 'permission denied'], ['EROFS', 'read-only file system']] as const) {
    for (const stage of ['writeFile', 'rename'] as const) {
      it(`${meaning} (${code}) during ${stage}: the previous sidecar is intact and the person is told what to do`, async () => {
        const fs = await seeded();
        const before = await fs.text(SIDECAR);
        const store = new AnnotationStore(fs);
        await store.load(DOC);
        fs.fault = (operation) => (operation === stage ? errnoError(code, SIDECAR) : undefined);
        await assert.rejects(
          store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })),
          (e: unknown) => {
            assert.ok(e instanceof AnnotationStoreError);
            assert.equal(e.code, 'write-failed');
            assert.match(e.message, new RegExp(`could not save a\\.txt\\.annotations\\.yaml: .*${code}.*The previous file is unchanged; free disk space or check write permissions`));
            assert.doesNotMatch(e.message, /\n\s+at /);
            return true;
          },
        );
        assert.equal(await fs.text(SIDECAR), before);
        assert.deepEqual(fs.memory.list(), [DOC, SIDECAR], 'the temporary file was left behind');
        // The cache still holds the file as it is on disk, and the next try (disk freed) lands.
        fs.fault = () => undefined;
        const state = await store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' }));
        assert.equal(state.sidecar?.claims[0].verdict, 'false');
        assert.match((await fs.text(SIDECAR))!, /# checked against the council budget/);
      });
    }
  }

  it('a read-only sidecar (the file system reports it): the update is refused, the file unchanged', async () => {
    const fs = await seeded();
    const before = await fs.text(SIDECAR);
    const stat = fs.stat.bind(fs);
    fs.stat = async (location) => {
      const s = await stat(location);
      return s && location === SIDECAR ? { ...s, readonly: true } as typeof s : s;
    };
    const store = new AnnotationStore(fs);
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })),
      /a\.txt\.annotations\.yaml is read-only, so your change was not saved: make the file writable/);
    assert.equal(await fs.text(SIDECAR), before);
  });

  it('a read failure says which file and what to check, and writes nothing', async () => {
    const fs = await seeded();
    fs.fault = (operation, location) => (operation === 'readFile' && location === SIDECAR ? errnoError('EIO', SIDECAR) : undefined);
    const store = new AnnotationStore(fs);
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })),
      /cannot read a\.txt\.annotations\.yaml: .*EIO.*check that the file is readable/);
    fs.fault = () => undefined;
    assert.match((await fs.text(SIDECAR))!, /verdict: mostly-false/);
  });
});

describe('robustness: concurrency', () => {
  it('the sidecar changed on disk between read and write (git checkout mid-edit): both changes are kept', async () => {
    const fs = await seeded();
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    // Someone (git checkout, a hand edit) adds a tag and a comment while our edit is being saved.
    let changed = false;
    fs.before = async (operation) => {
      if (!changed && operation === 'writeFile') {
        changed = true;
        const onDisk = (await fs.text(SIDECAR))!;
        await fs.put(SIDECAR, onDisk.replace('    tags: []', '    # tagged on the other branch\n    tags: [budget]'));
      }
    };
    // The write that sees the change is the temporary file's: the store must notice before the rename.
    const state = await store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false', note: 'checked again' }));
    const yaml = (await fs.text(SIDECAR))!;
    const onDisk = parseSidecar(yaml, SIDECAR).sidecar!;
    assert.equal(onDisk.claims[0].verdict, 'false', 'the in-memory edit was lost');
    assert.equal(onDisk.claims[0].note, 'checked again');
    assert.deepEqual(onDisk.claims[0].tags, ['budget'], 'the change on disk was lost');
    assert.match(yaml, /# tagged on the other branch/);
    assert.deepEqual(state.sidecar, onDisk);
  });

  it('the sidecar changed on disk into something unreadable mid-edit: refused, the new file kept as is', async () => {
    const fs = await seeded();
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    const conflicted = `<<<<<<< HEAD\n${handWrittenSidecar('a.txt')}=======\nversion: 1\n>>>>>>> other\n`;
    await fs.put(SIDECAR, conflicted);
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })),
      /changed on disk and now has errors \(line 1: unresolved merge conflict at line 1.*your change was not saved/);
    assert.equal(await fs.text(SIDECAR), conflicted);
  });

  it('the sidecar deleted on disk mid-edit of a claim: the edit fails with a message, nothing is invented', async () => {
    const fs = await seeded();
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    await fs.memory.delete(SIDECAR);
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })),
      /claim "c-bridge" is not in the sidecar any more .*reload and try again/);
    assert.equal(await fs.text(SIDECAR), undefined);
  });

  it('50 concurrent updates of one store all land', async function () {
    this.timeout(30_000);
    const { text, spans } = manySentences(50);
    const fs = new FaultyFileSystem();
    await fs.put(DOC, text);
    const store = new AnnotationStore(fs);
    const results = await Promise.allSettled(spans.map(([s, e]) => store.update(DOC, (d) => void addClaimFromSpan(d, text, s, e), { documentText: text })));
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    const onDisk = parseSidecar((await fs.text(SIDECAR))!, SIDECAR).sidecar!;
    assert.equal(onDisk.claims.length, 50);
    assert.deepEqual(onDisk.claims.map((c) => c.anchor.start), spans.map(([s]) => s), 'claims ordered by position, none lost');
    assert.deepEqual(fs.memory.list(), [DOC, SIDECAR]);
  });

  it('two stores on one folder (two VS Code windows) taking turns on different claims: every edit lands', async function () {
    this.timeout(30_000);
    const { text, spans } = manySentences(10);
    const fs = new FaultyFileSystem();
    await fs.put(DOC, text);
    const windowA = new AnnotationStore(fs);
    const windowB = new AnnotationStore(fs);
    await windowA.update(DOC, (d) => { for (const [s, e] of spans) addClaimFromSpan(d, text, s, e); }, { documentText: text });
    await windowB.load(DOC);
    const ids = (await windowA.load(DOC)).sidecar!.claims.map((c) => c.id);
    // Each window's cache is stale when it edits: the other window wrote since it last read.
    for (const [i, id] of ids.entries()) {
      await windowA.update(DOC, (d) => void updateClaim(d, id, { verdict: i % 2 ? 'true' : 'false' }));
      await windowB.update(DOC, (d) => void updateClaim(d, ids[ids.length - 1 - i], { note: `note ${i} from window B` }));
    }
    const onDisk = parseSidecar((await fs.text(SIDECAR))!, SIDECAR).sidecar!;
    assert.equal(onDisk.claims.length, 10);
    ids.forEach((id, i) => {
      const claim = onDisk.claims.find((c) => c.id === id)!;
      assert.equal(claim.verdict, i % 2 ? 'true' : 'false', `window A's verdict on ${id} was lost`);
      assert.equal(claim.note, `note ${ids.length - 1 - i} from window B`, `window B's note on ${id} was lost`);
    });
  });

  it('two stores on one folder (two VS Code windows) saving at the same moment: every edit lands', async function () {
    this.timeout(60_000);
    const { text, spans } = manySentences(10);
    const fs = new FaultyFileSystem();
    await fs.put(DOC, text);
    const windowA = new AnnotationStore(fs);
    const windowB = new AnnotationStore(fs);
    await windowA.update(DOC, (d) => { for (const [s, e] of spans) addClaimFromSpan(d, text, s, e); }, { documentText: text });
    await windowB.load(DOC);
    const ids = (await windowA.load(DOC)).sidecar!.claims.map((c) => c.id);
    // Both windows save at once, again and again: each one's check-then-rename interleaves with
    // the other's unless they exclude each other.
    await Promise.all(ids.map((id, i) => Promise.all([
      windowA.update(DOC, (d) => void updateClaim(d, id, { verdict: 'false' })),
      windowB.update(DOC, (d) => void updateClaim(d, ids[ids.length - 1 - i], { note: `note ${i} from window B` })),
    ])));
    const onDisk = parseSidecar((await fs.text(SIDECAR))!, SIDECAR).sidecar!;
    ids.forEach((id, i) => {
      const claim = onDisk.claims.find((c) => c.id === id)!;
      assert.equal(claim.verdict, 'false', `window A's verdict on ${id} was lost`);
      assert.equal(claim.note, `note ${ids.length - 1 - i} from window B`, `window B's note on ${id} was lost`);
    });
    assert.deepEqual(fs.memory.list(), [DOC, SIDECAR], 'no lock or temporary file left behind');
  });

  it('a save lock left by a crashed writer is taken over; a live one makes the save wait, then land', async function () {
    this.timeout(30_000);
    const fs = await seeded();
    const store = new AnnotationStore(fs);
    const id = (await store.load(DOC)).sidecar!.claims[0].id;
    await fs.put(`${SIDECAR}.lock`, JSON.stringify({ created: Date.now() - 3_600_000 }));
    await store.update(DOC, (d) => void updateClaim(d, id, { verdict: 'misleading' }));
    assert.match((await fs.text(SIDECAR))!, /verdict: misleading/);
    assert.equal(await fs.text(`${SIDECAR}.lock`), undefined, 'the stale lock is gone');

    await fs.put(`${SIDECAR}.lock`, JSON.stringify({ created: Date.now() }));
    const saving = store.update(DOC, (d) => void updateClaim(d, id, { verdict: 'false' }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.match((await fs.text(SIDECAR))!, /verdict: misleading/, 'nothing written while another writer holds the lock');
    await fs.memory.delete(`${SIDECAR}.lock`);
    await saving;
    assert.match((await fs.text(SIDECAR))!, /verdict: "false"/);
  });

  it('a crash between the temporary file and the rename: the sidecar stays readable, the stale temp file is ignored', async () => {
    const fs = await seeded();
    const before = (await fs.text(SIDECAR))!;
    // What a crash leaves: a half-written temporary file beside the untouched sidecar.
    await fs.put(`${SIDECAR}.tmp-deadbeef`, 'version: 1\ndocument:\n  name: a.t');
    const store = new AnnotationStore(fs);
    const state = await store.load(DOC);
    assert.equal(state.writable, true);
    assert.equal(state.yamlText, before);
    const saved = await store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' }));
    assert.equal(saved.sidecar?.claims[0].verdict, 'true');
    assert.match((await fs.text(SIDECAR))!, /verdict: "true"/);
    assert.equal(fs.memory.list().filter((l) => l.includes('.tmp-') && l !== `${SIDECAR}.tmp-deadbeef`).length, 0, 'a new temp file was left');
  });

  it('on disk: a crash leftover temp file is not a sidecar to claimlens check, and the real file is checked', async () => {
    const folder = tempFolder('crash');
    try {
      writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
      writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), handWrittenSidecar('a.txt'));
      writeFileSync(join(folder.dir, 'a.txt.annotations.yaml.tmp-0123abcd'), 'version: 1\ndocum');
      const store = new AnnotationStore(new NodeFileSystem());
      await store.update(join(folder.dir, 'a.txt'), (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' }));
      const files = readdirSync(folder.dir).sort();
      assert.deepEqual(files, ['a.txt', 'a.txt.annotations.yaml', 'a.txt.annotations.yaml.tmp-0123abcd']);
      assert.match(readFileSync(join(folder.dir, 'a.txt.annotations.yaml'), 'utf8'), /verdict: "true"/);
    } finally {
      folder.remove();
    }
  });
});

describe('robustness: read-only sidecars on disk', () => {
  it('a sidecar in a folder that cannot be written (the path of the temp file is blocked): refused, the file unchanged', async () => {
    // Tests run as root, where chmod does not stop writes; a directory standing where the store
    // must write makes a write fail for root too.
    const folder = tempFolder('readonly');
    try {
      writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
      const sidecar = join(folder.dir, 'a.txt.annotations.yaml');
      writeFileSync(sidecar, handWrittenSidecar('a.txt'));
      chmodSync(sidecar, 0o444);
      const before = readFileSync(sidecar, 'utf8');
      const fs = new NodeFileSystem();
      const writeFile = fs.writeFile.bind(fs);
      // A file system mounted read-only: writes fail with EROFS.
      fs.writeFile = async (location: string, data: Uint8Array) => {
        if (location.startsWith(folder.dir)) throw errnoError('EROFS', location);
        return writeFile(location, data);
      };
      const store = new AnnotationStore(fs);
      await assert.rejects(store.update(join(folder.dir, 'a.txt'), (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' })),
        /could not save a\.txt\.annotations\.yaml: .*EROFS.*The previous file is unchanged/);
      assert.equal(readFileSync(sidecar, 'utf8'), before);
      assert.deepEqual(readdirSync(folder.dir).sort(), ['a.txt', 'a.txt.annotations.yaml']);
      // A directory where the sidecar should be: the store says so instead of crashing.
      mkdirSync(join(folder.dir, 'b.txt.annotations.yaml'));
      writeFileSync(join(folder.dir, 'b.txt'), ARTICLE);
      const other = new AnnotationStore(new NodeFileSystem());
      await assert.rejects(other.update(join(folder.dir, 'b.txt'), (d) => void addClaimFromSpan(d, ARTICLE, 0, 7), { documentText: ARTICLE }),
        (e: unknown) => e instanceof AnnotationStoreError && /b\.txt\.annotations\.yaml/.test(e.message) && !/\n\s+at /.test(e.message));
      assert.ok(existsSync(join(folder.dir, 'b.txt.annotations.yaml')));
    } finally {
      folder.remove();
    }
  });
});

describe('robustness: a sidecar that really is read-only on disk', () => {
  let folder: ReturnType<typeof tempFolder>;
  let sidecar: string;
  let release: () => void;
  beforeEach(() => {
    folder = tempFolder('immutable');
    writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
    sidecar = join(folder.dir, 'a.txt.annotations.yaml');
    writeFileSync(sidecar, handWrittenSidecar('a.txt'));
    const start = ARTICLE.indexOf(CLAIM_TEXT);
    writeFileSync(join(folder.dir, 'a.ann'), `T1\tSource ${ARTICLE.indexOf('Jane Roe')} ${ARTICLE.indexOf('Jane Roe') + 8}\tJane Roe\nT2\tCue ${ARTICLE.indexOf('said')} ${ARTICLE.indexOf('said') + 4}\tsaid\nT3\tContent ${start} ${start + CLAIM_TEXT.length}\t${CLAIM_TEXT}\nE1\tAttribution:T2 Source:T1 Content:T3\n`);
    chmodSync(sidecar, 0o444);
    if (process.getuid?.() === 0) {
      // chmod does not stop root: the immutable attribute does (ext4, overlayfs and tmpfs support it).
      execFileSync('chattr', ['+i', sidecar]);
      release = () => execFileSync('chattr', ['-i', sidecar]);
    } else {
      chmodSync(folder.dir, 0o555);
      release = () => chmodSync(folder.dir, 0o755);
    }
  });
  afterEach(() => {
    release();
    folder.remove();
  });

  it('the store refuses with a clear message and the file is unchanged', async () => {
    const before = readFileSync(sidecar, 'utf8');
    const store = new AnnotationStore(new NodeFileSystem());
    await assert.rejects(store.update(join(folder.dir, 'a.txt'), (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' })),
      (e: unknown) => e instanceof AnnotationStoreError && /could not save a\.txt\.annotations\.yaml: .*(EPERM|EACCES).*The previous file is unchanged; .*check write permissions/.test(e.message));
    assert.equal(readFileSync(sidecar, 'utf8'), before);
    assert.deepEqual(readdirSync(folder.dir).sort(), ['a.ann', 'a.txt', 'a.txt.annotations.yaml'], 'a temporary file was left behind');
  });

  it('claimlens import --force onto it: one line saying what to do, the file unchanged', async () => {
    const before = readFileSync(sidecar, 'utf8');
    const run = await cli(['import', '--format', 'brat', '--force', 'a.ann'], folder.dir);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /^claimlens: a\.txt\.annotations\.yaml: cannot write \((EPERM|EACCES)\); nothing was changed: check that the file and its folder are writable/);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    assert.equal(readFileSync(sidecar, 'utf8'), before);
  });
});
