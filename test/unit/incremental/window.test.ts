import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { selectWindow } from '../../../src/core/incremental/window';
import { article, PARAGRAPHS } from './fixture';

describe('incremental: the window analysed around a focus', () => {
  const text = article();
  const starts = PARAGRAPHS.map((p) => text.indexOf(p));

  it('widens a focus inside a paragraph to the whole paragraph', () => {
    const inside = starts[2] + 30;
    const w = selectWindow(text, inside, inside + 5, { minLength: 0, maxLength: 10_000 });
    assert.equal(text.slice(w.start, w.end), PARAGRAPHS[2]);
  });

  it('grows by whole paragraphs until it is long enough', () => {
    const w = selectWindow(text, starts[3] + 10, starts[3] + 10, { minLength: PARAGRAPHS[3].length + 100, maxLength: 10_000 });
    assert.ok(w.end - w.start >= PARAGRAPHS[3].length + 100);
    // Starts and ends on paragraph boundaries, with paragraph 3 inside.
    assert.ok(w.start === 0 || text.slice(w.start - 2, w.start) === '\n\n', `starts mid-paragraph: ${JSON.stringify(text.slice(w.start, w.start + 20))}`);
    assert.ok(w.end === text.length || text.slice(w.end, w.end + 2) === '\n\n' || text.slice(w.end) === '\n');
    assert.ok(w.start <= starts[3] && w.end >= starts[3] + PARAGRAPHS[3].length);
  });

  it('takes the whole text when it is short', () => {
    const w = selectWindow(text, 5, 6, { minLength: 100_000, maxLength: 100_000 });
    assert.deepEqual(w, { start: 0, end: text.length });
  });

  it('treats lines as the next best boundary in text without blank lines', () => {
    const lines = article(PARAGRAPHS, '\n');
    const at = lines.indexOf(PARAGRAPHS[4]) + 10;
    const w = selectWindow(lines, at, at, { minLength: 0, maxLength: PARAGRAPHS[4].length + 10 });
    assert.equal(lines.slice(w.start, w.end), PARAGRAPHS[4]);
  });

  it('cuts one very long line between sentences', () => {
    const long = PARAGRAPHS.join(' ').repeat(20);
    const at = Math.floor(long.length / 2);
    const w = selectWindow(long, at, at + 10, { minLength: 0, maxLength: 600 });
    assert.ok(w.end - w.start <= 600 && w.start <= at && w.end >= at + 10);
    assert.match(long.slice(w.start - 2, w.start), /[.!?,"] $/);
    assert.match(long.slice(w.end - 1, w.end), /[.!?"]/);
  });

  it('keeps the beginning of a focus larger than the window', () => {
    const w = selectWindow(text, 0, text.length, { minLength: 0, maxLength: 300 });
    assert.equal(w.start, 0);
    assert.ok(w.end <= 300);
  });

  it('never splits an emoji and always holds the focus it can', () => {
    const unit = fc.constantFrom('a', ' ', '.', '\n', '\n\n', '😀', 'said ', '“Yes.” ');
    fc.assert(fc.property(fc.array(unit, { minLength: 1, maxLength: 200 }).map((u) => u.join('')), fc.nat(), fc.nat(20), fc.integer({ min: 1, max: 400 }), fc.nat(400),
      (s, at, width, maxLength, minLength) => {
        const from = at % (s.length + 1);
        const to = Math.min(s.length, from + width);
        const w = selectWindow(s, from, to, { minLength, maxLength });
        assert.ok(0 <= w.start && w.start <= w.end && w.end <= s.length);
        assert.ok(w.end - w.start <= maxLength + 1, 'too long');
        for (const edge of [w.start, w.end]) {
          const before = s.charCodeAt(edge - 1);
          assert.ok(!(edge > 0 && edge < s.length && before >= 0xd800 && before <= 0xdbff), 'splits a surrogate pair');
        }
        if (to - from + 2 <= maxLength) assert.ok(w.start <= from && w.end >= to - 1, `focus ${from}-${to} not in ${w.start}-${w.end}`);
      }), { numRuns: 500 });
  });
});
