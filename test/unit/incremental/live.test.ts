import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyzeDocument } from '../../../src/core/analyze';
import { extractAttributions } from '../../../src/core/extract/extractor';
import type { DocumentExtraction } from '../../../src/core/extract/types';
import { mapExtraction, mapExtractionReporting, spliceWindow } from '../../../src/core/incremental/extraction';
import { applyEdit, completeExtraction, coverFocus, emptyExtraction, offsetsOf, rebase, type IncrementalOptions } from '../../../src/core/incremental/live';
import type { CodePointEdit, TextChange } from '../../../src/core/incremental/edits';
import { OffsetMap } from '../../../src/core/text';
import { article, PARAGRAPHS } from './fixture';

const SMALL: IncrementalOptions = {
  viewport: { minLength: 0, maxLength: 400 },
  edit: { minLength: 0, maxLength: 400 },
  maxRebaseLength: 2_000,
  maxEditLength: 10_000,
};

/** Every offset of the extraction fits `text`: claims' words are the text between their offsets, speakers referred to exist. */
function assertConsistent(text: string, extraction: DocumentExtraction): void {
  const map = new OffsetMap(text);
  const speakers = new Set(extraction.speakers.map((s) => s.id));
  assert.equal(speakers.size, extraction.speakers.length, 'duplicate speaker ids');
  assert.equal(new Set(extraction.claims.map((c) => c.id)).size, extraction.claims.length, 'duplicate claim ids');
  for (const c of extraction.claims) {
    assert.equal(map.slice(c.start, c.end), c.text, `claim ${c.id} is not at its offsets`);
    if (c.speaker !== null) assert.ok(speakers.has(c.speaker), `claim ${c.id}: unknown speaker ${c.speaker}`);
    for (const span of [c.source, c.cue]) if (span) assert.ok(span[0] < span[1] && span[1] <= map.codePointLength);
  }
  for (const s of extraction.speakers) for (const [a, b] of s.mentions) assert.ok(0 <= a && a < b && b <= map.codePointLength, `mention of ${s.id} out of the text`);
  const claimIds = new Set(extraction.claims.map((c) => c.id));
  for (const st of extraction.stances) assert.ok(st.claims.every((id) => claimIds.has(id)) && speakers.has(st.speaker));
}

const claimTexts = (e: DocumentExtraction): string[] => e.claims.map((c) => c.text);
const edit = (text: string, at: number, remove: number, insert: string): { change: TextChange; text: string } => ({
  change: { rangeOffset: at, rangeLength: remove, text: insert },
  text: text.slice(0, at) + insert + text.slice(at + remove),
});

/**
 * An edit at code-point positions drawn by a property (wrapped into the text), given in UTF-16 as
 * an editor would give it.
 */
const editAtCodePoints = (text: string, at: number, remove: number, insert: string): { change: TextChange; text: string } => {
  const offsets = new OffsetMap(text);
  const start = at % (offsets.codePointLength + 1);
  const end = Math.min(offsets.codePointLength, start + remove);
  const start16 = offsets.toUtf16(start);
  return edit(text, start16, offsets.toUtf16(end) - start16, insert);
};

describe('incremental: an extraction through edits', () => {
  const text = article();
  const full = analyzeDocument(text);

  it('moves what follows an edit and keeps its words', () => {
    const at = text.indexOf('Local shop owners');
    const { change, text: after } = edit(text, at, 0, 'In other news, ');
    const applied = offsetsOf(text).apply([change])!;
    const mapped = mapExtraction(full, applied.edits);
    assert.deepEqual(claimTexts(mapped), claimTexts(full));
    assertConsistent(after, mapped);
  });

  it('drops a claim whose words were edited, and nothing else', () => {
    const at = text.indexOf('twenty minutes');
    const applied = offsetsOf(text).apply([{ rangeOffset: at, rangeLength: 'twenty'.length, text: 'thirty' }])!;
    const mapped = mapExtraction(full, applied.edits);
    assert.deepEqual(claimTexts(mapped), claimTexts(full).filter((t) => !t.includes('twenty minutes')));
  });

  it('drops a claim whose cue was edited', () => {
    const at = text.indexOf('told reporters');
    const applied = offsetsOf(text).apply([{ rangeOffset: at, rangeLength: 4, text: 'wrote to' }])!;
    assert.ok(!mapExtraction(full, applied.edits).claims.some((c) => c.text.includes('fewer delays')));
  });
});

describe('incremental: a window spliced into a document extraction', () => {
  const text = article();
  const full = analyzeDocument(text);

  it('gives a speaker named in the window the id the document knows them by', () => {
    // The last paragraph alone only says "Okafor": the document knows her as Maria Okafor.
    const start = text.indexOf(PARAGRAPHS[5]);
    const without = { ...full, claims: full.claims.filter((c) => c.start < start), speakers: full.speakers.map((s) => ({ ...s, mentions: s.mentions.filter(([a]) => a < start) })) };
    const spliced = spliceWindow(without, start, extractAttributions(PARAGRAPHS[5]));
    const claim = spliced.claims.find((c) => c.text.includes('fewer delays'));
    assert.equal(claim?.speaker, 'maria-okafor');
    assert.equal(spliced.speakers.filter((s) => s.name.includes('Okafor')).length, 1);
    assertConsistent(text, spliced);
  });

  it('adds nothing twice: what the document already has wins', () => {
    const start = text.indexOf(PARAGRAPHS[1]);
    const spliced = spliceWindow(full, start, extractAttributions(PARAGRAPHS[1]));
    assert.deepEqual(claimTexts(spliced), claimTexts(full));
    assert.deepEqual(spliced.speakers.map((s) => s.mentions), full.speakers.map((s) => s.mentions));
  });

  it('adds a speaker the document did not know, under an unused id', () => {
    const base: DocumentExtraction = { speakers: [{ id: 'tom-brennan', name: 'Tom Kelly', kind: 'person', role: null, aliases: [], mentions: [[0, 3]] }], claims: [], stances: [] };
    const start = text.indexOf(PARAGRAPHS[2]);
    const spliced = spliceWindow(base, start, extractAttributions(PARAGRAPHS[2]));
    const brennan = spliced.speakers.find((s) => s.name === 'Tom Brennan');
    assert.ok(brennan && brennan.id !== 'tom-brennan');
    assert.equal(spliced.claims.find((c) => c.text.includes('Sunday'))?.speaker, brennan.id);
  });
});

describe('incremental: live extraction of an open document', () => {
  // An emoji at the top: every offset after it differs between code points and UTF-16.
  const text = '🚢 ' + article();
  const full = analyzeDocument(text);

  it('analyses the paragraphs on screen first, at their places in the document', () => {
    const from = text.indexOf(PARAGRAPHS[2]);
    const live = coverFocus(emptyExtraction(text), text, [[from, from + 20]], extractAttributions, SMALL)!.live;
    assert.equal(live.complete, false);
    assert.ok(live.extraction.claims.some((c) => c.text.includes('Sunday crossings')));
    assert.ok(!live.extraction.claims.some((c) => c.text.includes('fewer delays')), 'analysed far beyond the screen');
    assertConsistent(text, live.extraction);
    // The same claim, at the same offsets, as the whole-document analysis finds.
    const provisional = live.extraction.claims.find((c) => c.text.includes('Sunday'))!;
    const final = full.claims.find((c) => c.text.includes('Sunday'))!;
    assert.deepEqual([provisional.start, provisional.end], [final.start, final.end]);
    // Scrolled down: the newly visible part is added; the part already analysed is not analysed again.
    const to = text.indexOf(PARAGRAPHS[5]);
    const update = coverFocus(live, text, [[to, to + 5]], extractAttributions, SMALL)!;
    const scrolled = update.live;
    // What changed lies in the regions reported.
    const fewer = scrolled.extraction.claims.find((c) => c.text.includes('fewer delays'))!;
    assert.ok(update.regions.some(([s, e]) => s <= fewer.start && fewer.end <= e));
    assert.ok(scrolled.extraction.claims.some((c) => c.text.includes('fewer delays')));
    assert.ok(scrolled.extraction.claims.some((c) => c.text.includes('Sunday')));
    assert.equal(coverFocus(scrolled, text, [[to, to + 5]], extractAttributions, SMALL), undefined);
    assertConsistent(text, scrolled.extraction);
  });

  it('after typing a new quote, shows it at once and keeps the rest', () => {
    const live = completeExtraction(text, full);
    const at = text.indexOf('The council will review');
    const typed = '"The ferry is late again," said Ana Silva, a nurse. ';
    const { change, text: after } = edit(text, at, 0, typed);
    const result = applyEdit(live, [change], after, extractAttributions, SMALL)!;
    assert.equal(result.live.complete, false);
    const added = result.live.extraction.claims.find((c) => c.text.includes('late again'))!;
    assert.ok(result.regions.some(([s, e]) => s <= added.start && added.end <= e), 'the new claim is outside the regions reported');
    assert.ok(result.live.extraction.claims.some((c) => c.text === '"The ferry is late again,"'));
    for (const t of claimTexts(full)) assert.ok(claimTexts(result.live.extraction).includes(t), `lost ${t}`);
    assertConsistent(after, result.live.extraction);
    // The claims the whole-document analysis of the new text finds around the edit are there.
    const again = analyzeDocument(after);
    const near = again.claims.filter((c) => c.text.includes('ferry is late'));
    assert.deepEqual(near.map((c) => [c.start, c.end]), result.live.extraction.claims.filter((c) => c.text.includes('ferry is late')).map((c) => [c.start, c.end]));
  });

  it('after deleting a quote, drops it at once', () => {
    const live = completeExtraction(text, full);
    const quote = PARAGRAPHS[5];
    const at = text.indexOf(quote);
    const { change, text: after } = edit(text, at, quote.length, '');
    const result = applyEdit(live, [change], after, extractAttributions, SMALL)!;
    assert.ok(!result.live.extraction.claims.some((c) => c.text.includes('fewer delays')));
    assertConsistent(after, result.live.extraction);
  });

  it('refuses changes made against another text, and changes too large to patch', () => {
    const live = completeExtraction(text, full);
    assert.equal(applyEdit(live, [{ rangeOffset: 0, rangeLength: 0, text: 'x' }], text + 'xy', extractAttributions, SMALL), undefined);
    assert.equal(applyEdit(live, [{ rangeOffset: text.length + 5, rangeLength: 0, text: 'x' }], text + 'x', extractAttributions, SMALL), undefined);
    assert.equal(applyEdit(live, [{ rangeOffset: 0, rangeLength: text.length, text: 'A new text.' }], 'A new text.', extractAttributions, { ...SMALL, maxEditLength: 100 }), undefined);
  });

  it('brings a late whole-document analysis up to the current text', () => {
    const old = completeExtraction(text, full);
    let current = text;
    const edits: CodePointEdit[] = [];
    for (const [needle, insert] of [['Local shop', 'Meanwhile, '], ['The council', '"It is a mess," said Ana Silva. ']] as const) {
      const { change, text: after } = edit(current, current.indexOf(needle), 0, insert);
      edits.push(...offsetsOf(current).apply([change])!.edits);
      current = after;
    }
    const rebased = rebase(old, edits, current, offsetsOf(current), extractAttributions, SMALL)!;
    assert.ok(rebased.extraction.claims.some((c) => c.text === '"It is a mess,"'));
    assert.ok(rebased.extraction.stances === old.extraction.stances || rebased.extraction.stances.length <= old.extraction.stances.length);
    assertConsistent(current, rebased.extraction);
    // Edits everywhere: too much to patch, wait for the next whole analysis.
    assert.equal(rebase(old, edits, current, offsetsOf(current), extractAttributions, { ...SMALL, maxRebaseLength: 10 }), undefined);
  });

  it('adds up a burst of edits without building in between: the same claims, and the regions it gives match', () => {
    const pieces = fc.constantFrom(' ', '\n\n', 'said Maria Okafor. ', '"We will see," ', '😀', 'the council', '.', '"', 'Brennan said ');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(30), pieces), { minLength: 2, maxLength: 6 }), fc.nat(), fc.nat(400), (steps, x, width) => {
      let lazy = completeExtraction(text, full);
      let eager = completeExtraction(text, full);
      let currentText = text;
      for (const [at, remove, insert] of steps) {
        const { change, text: after } = editAtCodePoints(currentText, at, remove, insert);
        const before = lazy.itemsIn([[0, Infinity]]);
        const update = applyEdit(lazy, [change], after, extractAttributions, SMALL)!;
        // What changed, beyond moving with the text, is inside the regions the update gives.
        const moved = mapExtractionReporting(before, update.edits).extraction;
        const now = update.live.itemsIn([[0, Infinity]]);
        const items = (x: DocumentExtraction) => new Set([
          ...x.claims.map((c) => `claim ${c.start} ${c.end} ${c.cue?.join(':')} ${c.speaker}`),
          ...x.speakers.flatMap((sp) => sp.mentions.map(([m0, m1]) => `mention ${m0} ${m1} ${sp.id}`)),
        ]);
        const inRegion = (p: number) => update.regions.some(([rs, re]) => rs <= p && p <= re);
        const was = items(moved);
        const is = items(now);
        for (const item of [...is].filter((i) => !was.has(i))) assert.ok(inRegion(Number(item.split(' ')[1])), `added outside the regions: ${item}`);
        for (const item of [...was].filter((i) => !is.has(i))) assert.ok(inRegion(Number(item.split(' ')[1])), `removed outside the regions: ${item}`);
        lazy = update.live;
        eager = applyEdit(eager, [change], after, extractAttributions, SMALL)!.live;
        void eager.extraction;
        currentText = after;
      }
      // A few regions first, without building: the same items the built extraction has there.
      const length = new OffsetMap(currentText).codePointLength;
      const lo = x % (length + 1);
      const ranges: Array<[number, number]> = [[lo, Math.min(length, lo + width)]];
      const key = (c: { id: string; start: number; end: number; speaker: string | null }) => `${c.id} ${c.start} ${c.end} ${c.speaker}`;
      const partial = lazy.itemsIn(ranges);
      assert.equal(lazy.built, false, 'the burst built the extraction');
      const built = lazy.extraction;
      const inside = (at: number) => ranges.some(([a, b]) => a <= at && at <= b);
      assert.deepEqual(partial.claims.filter((c) => inside(c.start)).map(key).sort(), built.claims.filter((c) => inside(c.start)).map(key).sort());
      assert.deepEqual(
        partial.speakers.flatMap((sp) => sp.mentions.map((m) => `${sp.id} ${m.join(':')}`)).sort(),
        built.speakers.flatMap((sp) => sp.mentions.filter((m) => inside(m[0])).map((m) => `${sp.id} ${m.join(':')}`)).sort());
      assertConsistent(currentText, built);
      assert.deepEqual(built.claims.map((c) => `${c.start}:${c.end}`), eager.extraction.claims.map((c) => `${c.start}:${c.end}`));
      const mentions = (x: DocumentExtraction) => x.speakers.flatMap((sp) => sp.mentions.map((m) => m.join(':'))).sort();
      assert.deepEqual(mentions(built), mentions(eager.extraction));
    }), { numRuns: 50 });
  });

  it('stays consistent with the text through any sequence of edits', () => {
    const pieces = fc.constantFrom(' ', '\n\n', 'said Maria Okafor. ', '"We will see," ', '😀', 'the council', '.', '"', 'Brennan said ');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(40), pieces), { minLength: 1, maxLength: 6 }), (steps) => {
      let live = completeExtraction(text, full);
      let currentText = text;
      for (const [at, remove, insert] of steps) {
        const { change, text: after } = editAtCodePoints(currentText, at, remove, insert);
        const result = applyEdit(live, [change], after, extractAttributions, SMALL);
        assert.ok(result, 'a valid change was refused');
        assert.equal(result.live.offsets.codePointLength, new OffsetMap(after).codePointLength);
        assertConsistent(after, result.live.extraction);
        // Outside the regions reported, nothing changed but the offsets: what shows the
        // extraction may update those regions alone.
        const { extraction: carried, dropped } = mapExtractionReporting(live.extraction, result.edits);
        const inRegion = (at: number) => result.regions.some(([rs, re]) => rs <= at && at <= re);
        for (const [ds, de] of dropped) assert.ok(result.regions.some(([rs, re]) => rs <= ds && de <= re), 'a dropped item outside the regions');
        const items = (e: DocumentExtraction) => new Set([
          ...e.claims.map((c) => `claim ${c.start} ${c.end} ${c.cue?.join(':')} ${c.speaker}`),
          ...e.speakers.flatMap((sp) => sp.mentions.map(([a, b]) => `mention ${a} ${b} ${sp.id}`)),
        ]);
        const before = items(carried);
        const now = items(result.live.extraction);
        for (const item of [...now].filter((x) => !before.has(x))) assert.ok(inRegion(Number(item.split(' ')[1])), `added outside the regions: ${item}`);
        for (const item of [...before].filter((x) => !now.has(x))) assert.ok(inRegion(Number(item.split(' ')[1])), `removed outside the regions: ${item}`);
        live = result.live;
        currentText = after;
      }
    }), { numRuns: 60 });
  });
});
