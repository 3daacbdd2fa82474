import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FileStat, MemoryFileSystem } from '../../../src/core/fs';
import type { Claim, Sidecar } from '../../../src/core/sidecar/model';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import {
  entryIdentity, entryMatches, entryPlain, modelIdentity, partShape, type PlainMap, renderedSame, type SectionName, serializeSidecar, shapeEqual, toPlain,
} from '../../../src/core/sidecar/serialize';
import { utf8Length } from '../../../src/core/sidecar/data';
import { AnnotationStore, AnnotationStoreError } from '../../../src/core/sidecar/store';
import { decodeText, encodeText } from '../../../src/core/text';

// The store saves a change to a file that is the serializer's own text entry by entry:
// only changed entries are rendered and parsed, unchanged ones are copied from the old
// file. That must write exactly what the whole-file path writes (serializeSidecar on the
// previous text, then parseSidecar on the result), refuse exactly what it refuses, and
// never be taken when the file on disk is not what the store last read or wrote.

const DOC = '/desk/story.txt';
const SIDECAR = `${DOC}.annotations.yaml`;

const odd = fc.constantFrom('yes', 'null', '- a', '#', ': ', 'a: b', 'true', '1', '~', '', ' lead', 'trail ', 'é😀“”', 'a\nb', 'a\n\nb\n', 'x\r\ny', 'tab\there', 'end\n', '|+', 'k: |+', '  - ', '"q"', "'s'", '[', '{x}', '\ud800', '__proto__');
const textArb = fc.oneof(odd, fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', '-', '\n', '\t', 'é', '😀', '|', '+', '"', '[', ']', '&', '*'), maxLength: 16 }));
/** Mostly verdicts of the scale; now and then one that is off the scale (a warning) or not a verdict key (an error). */
const verdictArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('unverified', 'true', 'false', 'mixed') },
  { weight: 1, arbitrary: fc.constantFrom('yes', 'null', 'Not A Verdict', 'made-up-verdict') },
);
const claimArb = fc.record({
  id: fc.stringMatching(/^c[a-z0-9]{0,5}$/),
  exact: textArb.filter((t) => t.length > 0),
  start: fc.nat(400),
  verdict: verdictArb,
  note: fc.option(textArb, { nil: undefined }),
  tags: fc.array(textArb.filter((t) => t.trim().length > 0), { maxLength: 2 }),
  speaker: fc.constantFrom('sp', 'sq', null),
});
type ClaimInput = typeof claimArb extends fc.Arbitrary<infer T> ? T : never;

function claimOf(c: ClaimInput): Claim {
  return {
    id: c.id, speaker: c.speaker, kind: 'direct', status: 'accepted', verdict: c.verdict,
    anchor: { exact: c.exact, prefix: 'before ', suffix: ' after', start: c.start, end: c.start + [...c.exact].length },
    ...(c.note !== undefined ? { note: c.note } : {}),
    sources: [], tags: c.tags,
  };
}

function sidecarOf(claims: ClaimInput[]): Sidecar {
  return {
    version: 1, document: { name: 'story.txt', sha256: '' },
    speakers: [
      { id: 'sp', name: 'Sam P', kind: 'person', aliases: [] },
      { id: 'sq', name: 'Sue Q', kind: 'organization', aliases: ['the board'] },
    ],
    claims: claims.map(claimOf),
    stances: [{ speaker: 'sp', target: 'sq', polarity: 'oppose', claims: [] }],
  };
}

/** One change a person or a command makes; some make the file invalid on purpose. */
const editArb = fc.oneof(
  fc.record({ kind: fc.constant('verdict' as const), which: fc.nat(), verdict: verdictArb }),
  fc.record({ kind: fc.constant('note' as const), which: fc.nat(), note: textArb }),
  fc.record({ kind: fc.constant('move' as const), which: fc.nat(), start: fc.nat(400) }),
  fc.record({ kind: fc.constant('speaker' as const), which: fc.nat(), speaker: fc.constantFrom('sp', 'sq', 'nobody', null) }),
  fc.record({ kind: fc.constant('add' as const), claim: claimArb }),
  fc.record({ kind: fc.constant('remove' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('alias' as const), alias: textArb }),
  fc.record({ kind: fc.constant('stance' as const), polarity: fc.constantFrom('support', 'oppose', 'sideways') }),
  fc.record({ kind: fc.constant('sha' as const), sha: fc.constantFrom('', 'a'.repeat(64), 'not-a-hash') }),
  fc.record({ kind: fc.constant('nothing' as const) }),
);
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

function apply(edit: Edit, d: Sidecar): void {
  const pick = (which: number) => d.claims[which % d.claims.length];
  switch (edit.kind) {
    case 'verdict': if (d.claims.length) pick(edit.which).verdict = edit.verdict; break;
    case 'note': if (d.claims.length) pick(edit.which).note = edit.note; break;
    case 'move': if (d.claims.length) {
      const c = pick(edit.which);
      c.anchor.end = edit.start + (c.anchor.end - c.anchor.start);
      c.anchor.start = edit.start;
    } break;
    case 'speaker': if (d.claims.length) pick(edit.which).speaker = edit.speaker; break;
    case 'add': d.claims.push(claimOf(edit.claim)); break; // may repeat an id: invalid
    case 'remove': if (d.claims.length) d.claims.splice(edit.which % d.claims.length, 1); break;
    case 'alias': d.speakers[1].aliases.push(edit.alias); break;
    case 'stance': d.stances[0].polarity = edit.polarity as 'support'; break;
    case 'sha': d.document.sha256 = edit.sha; break;
    case 'nothing': break;
  }
}

async function fileText(fs: MemoryFileSystem): Promise<string> {
  return decodeText(await fs.readFile(SIDECAR)).text;
}

/** A store on a file the serializer wrote. */
async function storeOn(sidecar: Sidecar, fs = new MemoryFileSystem()): Promise<{ fs: MemoryFileSystem; store: AnnotationStore }> {
  await fs.writeFile(SIDECAR, encodeText(serializeSidecar(sidecar)));
  const store = new AnnotationStore(fs);
  await store.load(DOC);
  return { fs, store };
}

function manyClaims(n: number): Sidecar {
  return sidecarOf(Array.from({ length: n }, (_x, i) => ({
    id: `c${i.toString(36).padStart(4, '0')}`, exact: `Claim number ${i} was said here.`, start: i * 40, verdict: 'unverified',
    note: i % 3 === 0 ? `Checked ${i}.` : undefined, tags: i % 4 === 0 ? ['budget'] : [], speaker: i % 2 ? 'sp' : 'sq',
  })));
}

describe('entry-wise save', () => {
  it('writes, refuses and keeps exactly what the whole-file path does, edit after edit', async function () {
    this.timeout(120_000); // hundreds of YAML renderings and parses on a shared machine
    let entryWise = 0;
    await fc.assert(fc.asyncProperty(fc.uniqueArray(claimArb, { selector: (c) => c.id, maxLength: 6 }), fc.array(editArb, { minLength: 1, maxLength: 4 }), async (claims, edits) => {
      const { fs, store } = await storeOn(sidecarOf(claims));
      for (const edit of edits) {
        const before = store.get(DOC)!;
        const previous = await fileText(fs);
        if (!before.writable) {
          // A file with errors (the generated one may have a bad verdict) is never rewritten.
          await assert.rejects(store.update(DOC, (d) => apply(edit, d)), (e: unknown) => e instanceof AnnotationStoreError && e.code === 'unwritable');
          assert.equal(await fileText(fs), previous);
          continue;
        }
        // The whole-file path, on its own copy of the same draft.
        const draft = structuredClone(before.sidecar!);
        apply(edit, draft);
        const expected = serializeSidecar(draft, previous);
        const check = parseSidecar(expected, SIDECAR);
        const ok = check.sidecar !== undefined && check.writable;
        const counts = { ...store.saveCounts };
        try {
          const state = await store.update(DOC, (d) => apply(edit, d));
          assert.ok(ok || expected === previous, `saved a change the whole-file check refuses: ${JSON.stringify(check.diagnostics)}`);
          assert.equal(await fileText(fs), expected);
          if (expected !== previous) {
            assert.equal(state.yamlText, expected);
            assert.deepEqual(state.sidecar, check.sidecar);
            assert.deepEqual(state.diagnostics, check.diagnostics);
          }
        } catch (error) {
          assert.ok(error instanceof AnnotationStoreError, String(error));
          assert.equal(error.code, 'invalid-change');
          assert.ok(!ok, `refused a change the whole-file path writes: ${error.message}`);
          assert.equal(await fileText(fs), previous, 'a refused change touched the file');
        }
        entryWise += store.saveCounts.entryWise - counts.entryWise;
      }
    }), { numRuns: 150 });
    assert.ok(entryWise > 50, `only ${entryWise} saves went entry-wise`);
  });

  it('saves one changed verdict in a file of 300 claims entry-wise, writing what the serializer writes', async () => {
    const { fs, store } = await storeOn(manyClaims(300));
    const previous = await fileText(fs);
    const state = await store.update(DOC, (d) => { d.claims[150].verdict = 'false'; });
    assert.deepEqual(store.saveCounts, { entryWise: 1, whole: 0 });
    const draft = parseSidecar(previous, SIDECAR).sidecar!;
    draft.claims[150].verdict = 'false';
    assert.equal(await fileText(fs), serializeSidecar(draft, previous));
    assert.equal(state.sidecar?.claims[150].verdict, 'false');
    // And the next save goes entry-wise again, from the snapshot of what was just written.
    await store.update(DOC, (d) => { d.claims[0].verdict = 'mixed'; });
    assert.deepEqual(store.saveCounts, { entryWise: 2, whole: 0 });
    assert.equal(parseSidecar(await fileText(fs), SIDECAR).sidecar?.claims[0].verdict, 'mixed');
  });

  it('keeps writing the serializer\'s text over hundreds of saves in one session', async function () {
    this.timeout(60_000);
    // Every save changes entries not changed before, so the text ends up made of hundreds of
    // pieces (the store joins the new text from the old one's pieces) and is copied whole again.
    const { fs, store } = await storeOn(manyClaims(300));
    const verdicts = ['true', 'false', 'mixed', 'unverified', 'misleading'];
    for (let i = 0; i < 300; i++) {
      const state = await store.update(DOC, (d) => {
        d.claims[(i * 7) % 300].verdict = verdicts[i % verdicts.length];
        d.claims[(i * 11) % 300].rationale = `round ${i}`;
      });
      if (i % 60 === 59) {
        const text = await fileText(fs);
        assert.equal(state.yamlText, text);
        assert.equal(text, serializeSidecar(parseSidecar(text, SIDECAR).sidecar!));
      }
    }
    assert.equal(store.saveCounts.whole, 0);
    assert.equal(store.saveCounts.entryWise, 300);
  });

  it('does not change the model of an earlier state (entries the new state shares are left alone)', async () => {
    const { store } = await storeOn(manyClaims(20));
    const first = await store.update(DOC, (d) => { d.claims[3].verdict = 'true'; });
    const copy = structuredClone(first.sidecar);
    const second = await store.update(DOC, (d) => { d.claims[3].verdict = 'false'; d.claims[4].note = 'again'; });
    assert.deepEqual(first.sidecar, copy);
    assert.equal(second.sidecar?.claims[3].verdict, 'false');
    assert.equal(second.sidecar?.claims[5], first.sidecar?.claims[5], 'unchanged entries are shared, not copied');
  });

  it('writes nothing for a change that changes nothing', async () => {
    const { fs, store } = await storeOn(manyClaims(30));
    const before = await fs.stat(SIDECAR);
    const state = store.get(DOC);
    const after = await store.update(DOC, (d) => { d.claims[2].verdict = 'unverified'; });
    assert.deepEqual(await fs.stat(SIDECAR), before);
    assert.equal(after, state);
    assert.deepEqual(store.saveCounts, { entryWise: 0, whole: 0 });
  });

  it('refuses an edit that would make the file invalid without touching it: bad verdict, repeated id', async () => {
    const { fs, store } = await storeOn(manyClaims(30));
    const original = await fileText(fs);
    const edits: Array<(d: Sidecar) => void> = [
      (d) => { d.claims[7].verdict = 'Mostly True'; },
      (d) => { d.claims.push(structuredClone(d.claims[9])); },
      (d) => { d.claims[8].anchor.start = -3; },
    ];
    for (const edit of edits) {
      await assert.rejects(store.update(DOC, edit), (e: unknown) => e instanceof AnnotationStoreError && e.code === 'invalid-change');
      assert.equal(await fileText(fs), original);
    }
  });

  it('saves a dangling speaker reference with its finding, as the whole-file path does', async () => {
    const { fs, store } = await storeOn(manyClaims(30));
    const state = await store.update(DOC, (d) => { d.claims[11].speaker = 'someone-else'; });
    assert.deepEqual(state.diagnostics.map((d) => [d.code, d.line]), parseSidecar(await fileText(fs), SIDECAR).diagnostics.map((d) => [d.code, d.line]));
    assert.equal(state.diagnostics[0]?.code, 'unknown-speaker');
  });

  it('refuses a save whose unclosed brackets pass the nesting limit, as the whole-file check does', async () => {
    const { fs, store } = await storeOn(manyClaims(260));
    const original = await fileText(fs);
    await assert.rejects(store.update(DOC, (d) => { for (const c of d.claims) c.note = 'see [1'; }), (e: unknown) => e instanceof AnnotationStoreError && e.code === 'invalid-change');
    assert.equal(await fileText(fs), original);
    // Under the limit the same notes are fine, and the next save of one entry goes entry-wise.
    await store.update(DOC, (d) => { for (const c of d.claims.slice(0, 200)) c.note = 'see [1'; });
    const counts = { ...store.saveCounts };
    await store.update(DOC, (d) => { d.claims[250].note = 'see [2'; });
    assert.equal(store.saveCounts.entryWise, counts.entryWise + 1);
    await assert.rejects(store.update(DOC, (d) => { for (const c of d.claims.slice(200)) c.note = 'see [3'; }), /would make the file invalid/);
  });
});

describe('entry-wise save: the file on disk', () => {
  it('merges a change someone else saved (another window) instead of writing over it', async () => {
    const { fs, store } = await storeOn(manyClaims(40));
    const other = parseSidecar(await fileText(fs), SIDECAR).sidecar!;
    other.claims[30].verdict = 'false';
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(other)));
    await store.update(DOC, (d) => { d.claims[10].verdict = 'true'; });
    const merged = parseSidecar(await fileText(fs), SIDECAR).sidecar!;
    assert.equal(merged.claims[30].verdict, 'false', 'the other window\'s change was lost');
    assert.equal(merged.claims[10].verdict, 'true');
  });

  it('keeps a comment written by hand: such a file is saved through the whole-file path', async () => {
    const { fs, store } = await storeOn(manyClaims(40));
    const edited = (await fileText(fs)).replace('claims:\n', '# reviewed by the desk\nclaims:\n');
    await fs.writeFile(SIDECAR, encodeText(edited));
    await store.update(DOC, (d) => { d.claims[10].verdict = 'true'; });
    assert.deepEqual(store.saveCounts, { entryWise: 0, whole: 1 });
    assert.match(await fileText(fs), /# reviewed by the desk\nclaims:\n/);
  });

  it('notices a change on disk of the same size within the same clock tick (it compares bytes, not times)', async () => {
    /** A file system whose clock never moves: every file has the same time. */
    class FrozenClock extends MemoryFileSystem {
      override async stat(location: string): Promise<FileStat | undefined> {
        const s = await super.stat(location);
        return s && { ...s, mtime: 1_700_000_000_000 };
      }
    }
    const { fs, store } = await storeOn(manyClaims(40), new FrozenClock());
    await store.update(DOC, (d) => { d.claims[1].verdict = 'false'; });
    const onDisk = await fileText(fs);
    const statBefore = await fs.stat(SIDECAR);
    // Someone swaps a verdict for one as long: same size, same time.
    const other = parseSidecar(onDisk, SIDECAR).sidecar!;
    other.claims[21].verdict = 'fabricated';
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(other)));
    assert.deepEqual(await fs.stat(SIDECAR), statBefore);
    assert.equal((await store.reload(DOC)).sidecar?.claims[21].verdict, 'fabricated');
    await fs.writeFile(SIDECAR, encodeText(onDisk));
    await store.reload(DOC);
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(other)));
    await store.update(DOC, (d) => { d.claims[2].verdict = 'true'; });
    const merged = parseSidecar(await fileText(fs), SIDECAR).sidecar!;
    assert.equal(merged.claims[21].verdict, 'fabricated', 'the change on disk was lost');
    assert.equal(merged.claims[2].verdict, 'true');
    assert.equal(merged.claims[1].verdict, 'false');
  });

  it('notices a change made while the temporary file is written, before the rename', async () => {
    class Interfering extends MemoryFileSystem {
      armed = false;
      override async writeFile(location: string, data: Uint8Array): Promise<void> {
        await super.writeFile(location, data);
        if (this.armed && location.includes('.tmp-')) {
          this.armed = false;
          const other = parseSidecar(decodeText(await this.readFile(SIDECAR)).text, SIDECAR).sidecar!;
          other.claims[25].note = 'edited in the other window';
          await super.writeFile(SIDECAR, encodeText(serializeSidecar(other)));
        }
      }
    }
    const fs = new Interfering();
    const { store } = await storeOn(manyClaims(40), fs);
    fs.armed = true;
    await store.update(DOC, (d) => { d.claims[5].verdict = 'false'; });
    const merged = parseSidecar(await fileText(fs), SIDECAR).sidecar!;
    assert.equal(merged.claims[25].note, 'edited in the other window');
    assert.equal(merged.claims[5].verdict, 'false');
  });

  it('saves a file laid out otherwise (an extra blank line) through the whole-file path, as the serializer would', async () => {
    const { fs, store } = await storeOn(manyClaims(40));
    const spaced = (await fileText(fs)).replace('\n\n  - id: c000k', '\n\n\n  - id: c000k');
    assert.notEqual(spaced, await fileText(fs));
    await fs.writeFile(SIDECAR, encodeText(spaced));
    await store.reload(DOC);
    await store.update(DOC, (d) => { d.claims[3].verdict = 'true'; });
    assert.deepEqual(store.saveCounts, { entryWise: 0, whole: 1 });
    const draft = parseSidecar(spaced, SIDECAR).sidecar!;
    draft.claims[3].verdict = 'true';
    assert.equal(await fileText(fs), serializeSidecar(draft, spaced));
  });

  it('never writes over a file that became unparsable on disk after an entry-wise save', async () => {
    const { fs, store } = await storeOn(manyClaims(40));
    await store.update(DOC, (d) => { d.claims[1].verdict = 'false'; });
    const broken = (await fileText(fs)).replace('claims:\n', 'claims:\n  - [unclosed\n');
    await fs.writeFile(SIDECAR, encodeText(broken));
    await assert.rejects(store.update(DOC, (d) => { d.claims[2].verdict = 'true'; }), (e: unknown) => e instanceof AnnotationStoreError && e.code === 'conflict');
    assert.equal(await fileText(fs), broken);
  });

  it('reloading the file the store just wrote gives the same state; a changed file is read anew', async () => {
    const { fs, store } = await storeOn(manyClaims(40));
    const written = await store.update(DOC, (d) => { d.claims[1].verdict = 'false'; });
    const reloaded = await store.reload(DOC);
    assert.equal(reloaded.sidecar, written.sidecar);
    assert.equal(reloaded.yamlText, written.yamlText);
    const other = parseSidecar(await fileText(fs), SIDECAR).sidecar!;
    other.claims[1].verdict = 'true';
    await fs.writeFile(SIDECAR, encodeText(serializeSidecar(other)));
    assert.equal((await store.reload(DOC)).sidecar?.claims[1].verdict, 'true');
  });

  it('saves a file that starts with a byte-order mark entry-wise, without the mark, as the serializer does', async () => {
    const fs = new MemoryFileSystem();
    const text = serializeSidecar(manyClaims(20));
    await fs.writeFile(SIDECAR, new Uint8Array([0xef, 0xbb, 0xbf, ...encodeText(text)]));
    const store = new AnnotationStore(fs);
    await store.load(DOC);
    await store.update(DOC, (d) => { d.claims[4].verdict = 'true'; });
    const draft = parseSidecar(text, SIDECAR).sidecar!;
    draft.claims[4].verdict = 'true';
    const bytes = await fs.readFile(SIDECAR);
    assert.notEqual(bytes[0], 0xef);
    assert.equal(decodeText(bytes).text, serializeSidecar(draft, text));
    assert.deepEqual(store.saveCounts, { entryWise: 1, whole: 0 });
  });
});

describe('UTF-8 lengths', () => {
  it('utf8Length counts what TextEncoder writes, lone surrogates included', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\udc00', '\n', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff'), fc.string({ maxLength: 3 }));
    fc.assert(fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
      const text = units.join('');
      assert.equal(utf8Length(text), encodeText(text).length);
    }), { numRuns: 2000 });
  });
});

describe('entry comparison', () => {
  // Model entries as commands may leave them: fields missing, empty, or of the wrong kind.
  const scalar = fc.oneof(textArb, fc.constantFrom(undefined, '', null, 0, 7, true));
  const modelArb = {
    claims: fc.record({
      id: scalar, speaker: scalar, kind: scalar, status: scalar, verdict: scalar,
      anchor: fc.record({ exact: scalar, prefix: scalar, suffix: scalar, start: scalar, end: scalar }, { requiredKeys: [] }),
      rationale: scalar, note: scalar, author: scalar, updated: scalar,
      sources: fc.array(fc.record({ url: scalar, title: scalar }, { requiredKeys: [] }), { maxLength: 2 }),
      tags: fc.oneof(fc.array(scalar, { maxLength: 2 }), fc.constant(undefined)),
    }, { requiredKeys: ['anchor', 'sources'] }),
    speakers: fc.record({ id: scalar, name: scalar, kind: scalar, role: scalar, note: scalar, aliases: fc.oneof(fc.array(scalar, { maxLength: 2 }), fc.constant(undefined)) }, { requiredKeys: [] }),
    stances: fc.record({
      speaker: scalar, target: scalar, polarity: scalar, summary: scalar, author: scalar, updated: scalar,
      claims: fc.oneof(fc.array(scalar, { maxLength: 2 }), fc.constant(undefined)),
    }, { requiredKeys: [] }),
  };

  for (const section of ['claims', 'speakers', 'stances'] as const) {
    it(`entryMatches answers for ${section} what renderedSame answers of the entry's plain form`, () => {
      // The plain form compared against: of another entry, or of the same entry with one field changed.
      const pairArb = fc.oneof(
        fc.tuple(modelArb[section], modelArb[section]),
        fc.tuple(modelArb[section], fc.constantFrom('id', 'note', 'verdict', 'speaker', 'name', 'claims', 'tags', 'aliases'), scalar).map(([entry, key, value]) => [entry, { ...entry, [key]: value }] as const),
        modelArb[section].map((entry) => [entry, structuredClone(entry)] as const),
      );
      fc.assert(fc.property(pairArb, ([entry, other]) => {
        const plain = entryPlain(section, other as never);
        const expected = renderedSame(section, plain, entryPlain(section, entry as never));
        assert.equal(entryMatches(section, entry as never, plain), expected);
        assert.equal(modelIdentity(section, entry as never), entryIdentity(section, entryPlain(section, entry as never)));
      }), { numRuns: 1000 });
    });
  }

  it('renderedSame agrees with the general shape comparison', () => {
    const plainArb = fc.tuple(fc.uniqueArray(claimArb, { selector: (c) => c.id, minLength: 1, maxLength: 3 }), fc.array(editArb, { maxLength: 2 }));
    fc.assert(fc.property(plainArb, plainArb, ([a, editsA], [b, editsB]) => {
      const left = sidecarOf(a);
      const right = sidecarOf(b);
      editsA.forEach((e) => apply(e, left));
      editsB.forEach((e) => apply(e, right));
      const pa = toPlain(left);
      const pb = toPlain(right);
      const same = toPlain(structuredClone(left));
      for (const part of ['speakers', 'claims', 'stances'] as SectionName[]) {
        const xs = (pa[part] ?? []) as PlainMap[];
        const ys = (pb[part] ?? []) as PlainMap[];
        const zs = (same[part] ?? []) as PlainMap[];
        xs.forEach((x, i) => {
          if (ys[i]) assert.equal(renderedSame(part, x, ys[i]), shapeEqual(partShape(part), x, ys[i]));
          assert.ok(renderedSame(part, x, zs[i]));
        });
      }
      const header = (p: PlainMap) => ({ version: p.version, document: p.document });
      assert.equal(renderedSame('header', header(pa), header(pb)), shapeEqual(partShape('header'), header(pa), header(pb)));
    }), { numRuns: 300 });
  });
});
