import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../src/core/fs';
import type { ExtractedClaim, ExtractedSpeaker } from '../../../src/core/extract/types';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import {
  acceptSuggestion, addClaimFromSpan, AnnotationStore, AnnotationStoreError, mergeSpeakers, rejectSuggestion, setStance, SidecarEditError, updateClaim, upsertSpeaker,
} from '../../../src/core/sidecar/store';
import { decodeText, encodeText, sha256Hex } from '../../../src/core/text';
import { DOCUMENT_TEXT, sampleSidecar } from './fixtures';

const DOC = '/news/bridge.txt';
const SIDECAR = DOC + '.annotations.yaml';

async function readText(fs: MemoryFileSystem, location: string): Promise<string> {
  return decodeText(await fs.readFile(location)).text;
}

/** A file system whose writes or renames fail, like a full disk or a read-only folder. */
class FailingFileSystem extends MemoryFileSystem {
  failWrite = false;
  failRename = false;
  override async writeFile(location: string, data: Uint8Array): Promise<void> {
    if (this.failWrite && location.includes('.tmp-')) {
      await super.writeFile(location, data.slice(0, 3)); // a partial temp file, as a full disk leaves
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    return super.writeFile(location, data);
  }
  override async rename(from: string, to: string): Promise<void> {
    if (this.failRename) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    return super.rename(from, to);
  }
}

function stamped(store: AnnotationStore) {
  return store.stamp();
}

describe('AnnotationStore', () => {
  it('creates the sidecar on the first change, with the document name and hash', async () => {
    const fs = new MemoryFileSystem();
    const store = new AnnotationStore(fs, { author: () => 'jd' });
    const state0 = await store.load(DOC);
    assert.equal(state0.exists, false);
    const at = DOCUMENT_TEXT.indexOf('“optimistic at best.”');
    const state = await store.update(DOC, (d) => {
      addClaimFromSpan(d, DOCUMENT_TEXT, at, at + '“optimistic at best.”'.length, { verdict: 'mixed' }, stamped(store));
    }, { documentText: DOCUMENT_TEXT });
    assert.deepEqual(fs.list(), [SIDECAR]);
    const text = await readText(fs, SIDECAR);
    assert.equal(text, state.yamlText);
    const sidecar = parseSidecar(text, SIDECAR).sidecar!;
    assert.equal(sidecar.document.name, 'bridge.txt');
    assert.equal(sidecar.document.sha256, await sha256Hex(DOCUMENT_TEXT));
    assert.equal(sidecar.claims[0].anchor.exact, '“optimistic at best.”');
    assert.match(sidecar.claims[0].id, /^c-[0-9a-f]{8}$/);
    assert.equal(sidecar.claims[0].author, 'jd');
    assert.match(sidecar.claims[0].updated!, /^\d{4}-\d{2}-\d{2}T/);
  });

  it('fires onDidChange on load, update and reload, and stops after dispose', async () => {
    const fs = new MemoryFileSystem();
    const store = new AnnotationStore(fs);
    const seen: string[] = [];
    const sub = store.onDidChange((loc) => seen.push(loc));
    await store.load(DOC);
    await store.update(DOC, (d) => void upsertSpeaker(d, { name: 'Ana Ruiz' }));
    await store.reload(DOC);
    sub.dispose();
    await store.reload(DOC);
    assert.deepEqual(seen, [DOC, DOC, DOC]);
  });

  it('keeps hand comments and changes only the edited claim', async () => {
    const fs = new MemoryFileSystem();
    const original = serializeSidecar(sampleSidecar()).replace('claims:\n', '# desk notes: check the permits\nclaims:\n');
    await fs.writeFile(SIDECAR, encodeText(original));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    await store.update(DOC, (d) => void updateClaim(d, 'c-foundations', { verdict: 'mostly-true' }, { now: '2025-04-01' }));
    const text = await readText(fs, SIDECAR);
    assert.ok(text.includes('# desk notes: check the permits\nclaims:'));
    const removed = original.split('\n').filter((l) => !text.split('\n').includes(l));
    assert.deepEqual(removed, ['    verdict: "true"']);
    assert.match(text, /verdict: mostly-true\n/);
    assert.match(text, /updated: 2025-04-01\n/);
  });

  it('writes atomically: a failed write leaves the previous file and no temp file, and says what to do', async () => {
    const fs = new FailingFileSystem();
    const original = serializeSidecar(sampleSidecar());
    await fs.writeFile(SIDECAR, encodeText(original));
    const store = new AnnotationStore(fs);
    fs.failWrite = true;
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })), (e: unknown) => {
      assert.ok(e instanceof AnnotationStoreError);
      assert.match(e.message, /could not save bridge\.txt\.annotations\.yaml: no space left on device \(ENOSPC\)\. The previous file is unchanged; free disk space/);
      return true;
    });
    assert.deepEqual(fs.list(), [SIDECAR]);
    assert.equal(await readText(fs, SIDECAR), original);
    fs.failWrite = false;
    fs.failRename = true;
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })), /permission denied/);
    assert.deepEqual(fs.list(), [SIDECAR]);
    assert.equal(await readText(fs, SIDECAR), original);
  });

  it('merges a change made on disk since it was read (another window, git checkout)', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sampleSidecar())));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    // Someone else sets another claim's verdict and adds a comment.
    const other = parseSidecar(await readText(fs, SIDECAR), SIDECAR).sidecar!;
    other.claims.find((c) => c.id === 'c-optimistic')!.verdict = 'false';
    await fs.writeFile(SIDECAR, encodeText('# edited elsewhere\n' + serializeSidecar(other)));
    await store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' }));
    const merged = parseSidecar(await readText(fs, SIDECAR), SIDECAR).sidecar!;
    assert.equal(merged.claims.find((c) => c.id === 'c-optimistic')!.verdict, 'false');
    assert.equal(merged.claims.find((c) => c.id === 'c-bridge')!.verdict, 'true');
    assert.ok((await readText(fs, SIDECAR)).startsWith('# edited elsewhere\n'));
  });

  it('refuses to overwrite a file that no longer parses, and keeps it byte for byte', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sampleSidecar())));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    const broken = '<<<<<<< HEAD\nversion: 1\n=======\nversion: 1\n>>>>>>> other\n';
    await fs.writeFile(SIDECAR, encodeText(broken));
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' })), (e: unknown) => {
      assert.ok(e instanceof AnnotationStoreError);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, /changed on disk and now has errors \(line 1: unresolved merge conflict at line 1.*your change was not saved/);
      return true;
    });
    assert.equal(await readText(fs, SIDECAR), broken);
  });

  it('never rewrites a sidecar with errors, even one it loaded that way', async () => {
    const fs = new MemoryFileSystem();
    const bad = serializeSidecar(sampleSidecar()).replace('id: c-foundations', 'id: c-bridge');
    await fs.writeFile(SIDECAR, encodeText(bad));
    const store = new AnnotationStore(fs);
    const state = await store.load(DOC);
    assert.equal(state.writable, false);
    await assert.rejects(store.update(DOC, (d) => void upsertSpeaker(d, { name: 'Someone' })), /has errors .*used twice/);
    assert.equal(await readText(fs, SIDECAR), bad);
  });

  it('refuses a sidecar that is not UTF-8 without touching it', async () => {
    const fs = new MemoryFileSystem();
    const bytes = new Uint8Array([0x76, 0x65, 0x72, 0xff, 0xfe, 0x0a]);
    await fs.writeFile(SIDECAR, bytes);
    const store = new AnnotationStore(fs);
    const state = await store.load(DOC);
    assert.equal(state.diagnostics[0].code, 'encoding');
    await assert.rejects(store.update(DOC, () => undefined), /not valid UTF-8/);
    assert.deepEqual(await fs.readFile(SIDECAR), bytes);
  });

  it('does not replace a sidecar the file system reports as read-only', async () => {
    class ReadOnlyFileSystem extends MemoryFileSystem {
      override async stat(location: string) {
        const st = await super.stat(location);
        return st && location === SIDECAR ? { ...st, readonly: true } : st;
      }
    }
    const fs = new ReadOnlyFileSystem();
    const original = serializeSidecar(sampleSidecar());
    await fs.writeFile(SIDECAR, encodeText(original));
    const store = new AnnotationStore(fs);
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'false' })), /is read-only, so your change was not saved: make the file writable/);
    assert.equal(await readText(fs, SIDECAR), original);
    assert.deepEqual(fs.list(), [SIDECAR]);
  });

  it('reads the previous file intact after a crash between temp file and rename', async () => {
    const fs = new MemoryFileSystem();
    const original = serializeSidecar(sampleSidecar());
    await fs.writeFile(SIDECAR, encodeText(original));
    await fs.writeFile(SIDECAR + '.tmp-dead0001', encodeText(original.slice(0, 40))); // a half-written temp file left behind
    const store = new AnnotationStore(fs);
    const state = await store.load(DOC);
    assert.equal(state.sidecar?.claims.length, 3);
    assert.deepEqual(state.diagnostics, []);
  });

  it('serialises concurrent updates so that none is lost', async () => {
    const fs = new MemoryFileSystem();
    const store = new AnnotationStore(fs);
    const names = ['Ana Ruiz', 'Ben Okafor', 'Chloé Martin', 'Dev Patel', 'Eva Lind'];
    await Promise.all(names.map((name) => store.update(DOC, (d) => void upsertSpeaker(d, { name }))));
    const sidecar = parseSidecar(await readText(fs, SIDECAR), SIDECAR).sidecar!;
    assert.deepEqual(sidecar.speakers.map((s) => s.name).sort(), names);
  });

  it('reports an edit of a claim removed elsewhere clearly, writing nothing', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sampleSidecar())));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    const other = sampleSidecar();
    other.claims = other.claims.filter((c) => c.id !== 'c-bridge');
    other.stances = [];
    const onDisk = serializeSidecar(other);
    await fs.writeFile(SIDECAR, encodeText(onDisk));
    await assert.rejects(store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'true' })), (e: unknown) => e instanceof SidecarEditError && /not in the sidecar any more/.test(e.message));
    assert.equal(await readText(fs, SIDECAR), onDisk);
  });

  it('gives anchor resolutions against the current document text', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sampleSidecar())));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    const edited = 'Update: the council meets again on Friday.\n' + DOCUMENT_TEXT.replace(/A city engineer.*\n/, '');
    const entry = store.get(DOC, edited)!;
    assert.equal(entry.resolutions?.get('c-bridge')?.status, 'moved');
    assert.equal(entry.resolutions?.get('c-optimistic')?.status, 'orphaned');
    const { updated, orphaned } = await store.reanchor(DOC, edited);
    assert.deepEqual([updated, orphaned], [2, 1]);
    const after = store.get(DOC, edited)!;
    assert.equal(after.resolutions?.get('c-bridge')?.status, 'exact');
    const text = await readText(fs, SIDECAR);
    assert.ok(text.includes('“optimistic at best.”'), 'the orphan is kept untouched');
  });

  it('does not write when a change changes nothing', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sampleSidecar())));
    const before = await fs.stat(SIDECAR);
    const store = new AnnotationStore(fs);
    await store.update(DOC, (d) => void updateClaim(d, 'c-bridge', { verdict: 'misleading' }));
    assert.deepEqual(await fs.stat(SIDECAR), before);
  });
});

describe('sidecar edits', () => {
  it('accepts and rejects suggestions, matching speakers by name and alias', () => {
    const d = sampleSidecar();
    const text = DOCUMENT_TEXT;
    const quote = 'the schedule was “optimistic at best.”';
    const start = text.indexOf(quote);
    const suggestion: ExtractedClaim = { id: 'x1', start, end: start + quote.length, text: quote, speaker: 's1', source: null, cue: null, kind: 'mixed' };
    const speakers: ExtractedSpeaker[] = [{ id: 's1', name: 'the mayor', kind: 'person', role: null, aliases: [], mentions: [] }];
    const accepted = acceptSuggestion(d, text, suggestion, speakers);
    assert.equal(accepted.speaker, 'mayor-lakeside');
    assert.equal(accepted.status, 'accepted');
    assert.equal(d.speakers.length, 3);
    const rejected = rejectSuggestion(d, text, suggestion, speakers);
    assert.equal(rejected.id, accepted.id, 'the same suggestion keeps its id');
    assert.equal(rejected.status, 'rejected');
    assert.throws(() => acceptSuggestion(d, text.replace('schedule', 'timetable'), suggestion, speakers), /document changed since this suggestion/);
  });

  it('adds new speakers with slug ids and merges duplicates', () => {
    const d = sampleSidecar();
    const s = upsertSpeaker(d, { name: 'Chloé Dubois-Martin', kind: 'person', role: 'Engineer' });
    assert.equal(s.id, 'chloe-dubois-martin');
    assert.equal(upsertSpeaker(d, { name: 'ANA RUIZ', aliases: ['Councillor Ruiz'] }).id, 'ana-ruiz');
    assert.deepEqual(d.speakers.find((x) => x.id === 'ana-ruiz')!.aliases, ['Councillor Ruiz', 'ANA RUIZ']);
    mergeSpeakers(d, 'ana-ruiz', 'city-engineer');
    assert.equal(d.claims.find((c) => c.id === 'c-optimistic')!.speaker, 'ana-ruiz');
    assert.ok(!d.speakers.some((x) => x.id === 'city-engineer'));
  });

  it('sets stances only with known speakers and claims', () => {
    const d = sampleSidecar();
    setStance(d, { speaker: 'mayor-lakeside', target: 'bridge-project', polarity: 'support', claims: ['c-bridge'] }, { now: '2025-04-02' });
    assert.equal(d.stances.length, 2);
    setStance(d, { speaker: 'mayor-lakeside', target: 'bridge-project', polarity: 'mixed' });
    assert.equal(d.stances.length, 2);
    assert.throws(() => setStance(d, { speaker: 'nobody', target: 'x', polarity: 'oppose' }), /unknown speaker "nobody"/);
    assert.throws(() => setStance(d, { speaker: 'ana-ruiz', target: 'x', polarity: 'oppose', claims: ['c-missing'] }), /unknown claim "c-missing"/);
  });

  it('refuses spans outside the document or only white space', () => {
    const d = sampleSidecar();
    assert.throws(() => addClaimFromSpan(d, 'short text', 3, 99), /cannot annotate characters 3–99/);
    assert.throws(() => addClaimFromSpan(d, 'a    b', 1, 4), /only white space/);
  });

  it('never gives two claims the same id', () => {
    const d = sampleSidecar();
    const a = addClaimFromSpan(d, DOCUMENT_TEXT, 4, 9);
    const b = addClaimFromSpan(d, DOCUMENT_TEXT, 4, 9);
    assert.notEqual(a.id, b.id);
  });
});
