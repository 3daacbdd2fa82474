import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { changedRegions, mapSpan, mapSpanThrough, mergeSpans, stretchSpan, uncoveredParts, type TextChange } from '../../../src/core/incremental/edits';
import { CodePointOffsets } from '../../../src/core/incremental/offsets';
import { OffsetMap } from '../../../src/core/text';

/** An editor's change applied to a string, as the editor applies it. */
const apply = (text: string, c: TextChange): string => text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);

describe('incremental: editor changes as code-point edits', () => {
  it('turns a typed word into an insertion', () => {
    const result = CodePointOffsets.of('The minister said no.')!.apply([{ rangeOffset: 4, rangeLength: 0, text: 'former ' }]);
    assert.deepEqual(result?.edits, [{ start: 4, end: 4, inserted: 7 }]);
    assert.equal(result?.offsets.utf16Length, 'The former minister said no.'.length);
  });

  it('counts code points, not UTF-16 units, after an emoji', () => {
    // '🇫🇷' is two astral characters (4 UTF-16 units, 2 code points).
    const text = '🇫🇷 Paris: the summit opened.';
    const at16 = text.indexOf('summit');
    const change = { rangeOffset: at16, rangeLength: 'summit'.length, text: 'talks 😀' };
    const result = CodePointOffsets.of(text)!.apply([change]);
    assert.ok(result);
    assert.deepEqual(result.edits, [{ start: at16 - 2, end: at16 - 2 + 6, inserted: 7 }]);
    const after = new OffsetMap(apply(text, change));
    for (let cp = 0; cp <= after.codePointLength; cp++) assert.equal(result.offsets.toUtf16(cp), after.toUtf16(cp));
  });

  it('applies several changes of one event one after the other', () => {
    // Multi-cursor typing: VS Code reports the later change first.
    const changes: TextChange[] = [
      { rangeOffset: 10, rangeLength: 0, text: '!' },
      { rangeOffset: 3, rangeLength: 0, text: '!' },
    ];
    const result = CodePointOffsets.of('abc defghi jkl')!.apply(changes);
    assert.deepEqual(result?.edits, [{ start: 10, end: 10, inserted: 1 }, { start: 3, end: 3, inserted: 1 }]);
    assert.equal(result?.offsets.utf16Length, 'abc! defghi! jkl'.length);
  });

  it('refuses a change that does not fit the text', () => {
    const offsets = CodePointOffsets.of('short')!;
    assert.equal(offsets.apply([{ rangeOffset: 3, rangeLength: 10, text: '' }]), undefined);
    assert.equal(offsets.apply([{ rangeOffset: -1, rangeLength: 0, text: 'x' }]), undefined);
  });

  it('refuses a change that splits an emoji in two, or brings a lone surrogate', () => {
    const offsets = CodePointOffsets.of('a😀b')!;
    assert.equal(offsets.apply([{ rangeOffset: 2, rangeLength: 0, text: 'x' }]), undefined);
    assert.equal(offsets.apply([{ rangeOffset: 1, rangeLength: 0, text: '\uD83D' }]), undefined);
    assert.equal(CodePointOffsets.of('x\uDC00'), undefined);
  });

  it('converts offsets as OffsetMap does, through any changes', () => {
    const unit = fc.constantFrom('a', ' ', '\n', 'é', '😀', '🇫🇷', '“');
    const textArb = fc.array(unit, { maxLength: 30 }).map((u) => u.join(''));
    fc.assert(fc.property(textArb, fc.array(fc.tuple(fc.nat(), fc.nat(), textArb), { maxLength: 4 }), (text, raw) => {
      let current = text;
      const changes: TextChange[] = [];
      for (const [a, b, inserted] of raw) {
        const map = new OffsetMap(current);
        const [lo, hi] = [a % (map.codePointLength + 1), b % (map.codePointLength + 1)].sort((x, y) => x - y);
        const change = { rangeOffset: map.toUtf16(lo!), rangeLength: map.toUtf16(hi!) - map.toUtf16(lo!), text: inserted };
        changes.push(change);
        current = apply(current, change);
      }
      const result = CodePointOffsets.of(text)!.apply(changes)!;
      const expected = new OffsetMap(current);
      assert.equal(result.offsets.codePointLength, expected.codePointLength);
      for (let u = 0; u <= current.length; u++) assert.equal(result.offsets.toCodePoint(u), expected.toCodePoint(u));
      for (let cp = 0; cp <= expected.codePointLength; cp++) assert.equal(result.offsets.toUtf16(cp), expected.toUtf16(cp));
    }), { numRuns: 300 });
  });
});

describe('incremental: spans through edits', () => {
  const insertAt5 = { start: 5, end: 5, inserted: 3 };
  const replace5to8 = { start: 5, end: 8, inserted: 1 };

  it('keeps spans before the edit and moves spans after it', () => {
    assert.deepEqual(mapSpan(0, 5, insertAt5), [0, 5]);
    assert.deepEqual(mapSpan(5, 9, insertAt5), [8, 12]);
    assert.deepEqual(mapSpan(8, 10, replace5to8), [6, 8]);
  });

  it('drops spans the edit touches', () => {
    assert.equal(mapSpan(3, 7, insertAt5), undefined);
    assert.equal(mapSpan(7, 9, replace5to8), undefined);
    assert.equal(mapSpan(4, 6, replace5to8), undefined);
  });

  it('follows several edits', () => {
    assert.deepEqual(mapSpanThrough(10, 12, [insertAt5, replace5to8]), [11, 13]);
    assert.equal(mapSpanThrough(10, 12, [insertAt5, { start: 13, end: 14, inserted: 0 }]), undefined);
    assert.deepEqual(mapSpanThrough(10, 12, [insertAt5, { start: 12, end: 13, inserted: 0 }]), [12, 14]);
  });

  it('stretches regions over an edit they meet', () => {
    assert.deepEqual(stretchSpan(0, 5, insertAt5), [0, 8]);
    assert.deepEqual(stretchSpan(6, 7, replace5to8), [5, 6]);
    assert.deepEqual(stretchSpan(0, 3, insertAt5), [0, 3]);
    assert.deepEqual(stretchSpan(9, 10, replace5to8), [7, 8]);
  });

  it('lists the changed regions of the final text', () => {
    // Type "abc" at 5, then delete 2 characters at 20.
    assert.deepEqual(changedRegions([insertAt5, { start: 20, end: 22, inserted: 0 }]), [[5, 8], [20, 20]]);
    // Type at 5, then again right after what was typed: one region.
    assert.deepEqual(changedRegions([insertAt5, { start: 8, end: 8, inserted: 2 }]), [[5, 10]]);
    // An edit before an earlier one moves it.
    assert.deepEqual(changedRegions([{ start: 30, end: 30, inserted: 1 }, { start: 0, end: 4, inserted: 0 }]), [[0, 0], [26, 27]]);
  });

  it('merges spans and finds what they leave uncovered', () => {
    assert.deepEqual(mergeSpans([[5, 8], [0, 2], [2, 3], [7, 9]]), [[0, 3], [5, 9]]);
    assert.deepEqual(uncoveredParts(0, 10, [[2, 4], [6, 7]]), [[0, 2], [4, 6], [7, 10]]);
    assert.deepEqual(uncoveredParts(3, 5, [[0, 10]]), []);
  });
});

describe('incremental: properties', () => {
  const unit = fc.constantFrom('a', 'b', ' ', '\n', 'é', '😀', '“', '”', '.', 'said ', '🇫🇷');
  const textArb = fc.array(unit, { minLength: 1, maxLength: 60 }).map((u) => u.join(''));

  /** A change at code-point positions, expressed in UTF-16 as an editor would. */
  const changeFor = (text: string, a: number, b: number, inserted: string): TextChange => {
    const map = new OffsetMap(text);
    const s = Math.min(a, b) % (map.codePointLength + 1);
    const e = Math.max(a, b) % (map.codePointLength + 1);
    const [lo, hi] = [Math.min(s, e), Math.max(s, e)];
    return { rangeOffset: map.toUtf16(lo), rangeLength: map.toUtf16(hi) - map.toUtf16(lo), text: inserted };
  };

  it('a span the edits do not touch has the same text afterwards', () => {
    fc.assert(fc.property(textArb, fc.array(fc.tuple(fc.nat(), fc.nat(), textArb.map((t) => [...t].slice(0, 6).join(''))), { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(), (text, raw, x, y) => {
      let current = text;
      const changes: TextChange[] = [];
      for (const [a, b, inserted] of raw) {
        const change = changeFor(current, a, b, inserted);
        changes.push(change);
        current = apply(current, change);
      }
      const result = CodePointOffsets.of(text)!.apply(changes);
      assert.ok(result);
      const before = new OffsetMap(text);
      const after = new OffsetMap(current);
      const s = x % (before.codePointLength + 1);
      const e = Math.min(before.codePointLength, s + 1 + (y % 8));
      if (e <= s) return;
      const mapped = mapSpanThrough(s, e, result.edits);
      if (mapped) assert.equal(after.slice(mapped[0], mapped[1]), before.slice(s, e));
      // The changed regions lie within the new text.
      for (const [rs, re] of changedRegions(result.edits)) assert.ok(0 <= rs && rs <= re && re <= after.codePointLength);
    }), { numRuns: 400 });
  });
});
