import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAnchor, reanchorSidecar, resolveAnchor } from '../../../src/core/anchor/anchor';
import type { Sidecar } from '../../../src/core/sidecar/model';
import { OffsetMap } from '../../../src/core/text';

const TEXT =
  'The harbour authority said on Tuesday that “cargo volumes rose by a fifth last year.”\n' +
  'Dock workers disputed the figure, saying “half the cranes stood idle since June.”\n' +
  'An economist at the port said the numbers were “not comparable with earlier years.”\n';

/** Code-point offsets of a quote in a text. */
function cp(text: string, quote: string, from = 0): [number, number] {
  const at = text.indexOf(quote, from);
  assert.ok(at >= 0, quote);
  const map = new OffsetMap(text);
  return [map.toCodePoint(at), map.toCodePoint(at + quote.length)];
}

describe('createAnchor', () => {
  it('stores the quote, 32 code points of context and code-point offsets', () => {
    const [s, e] = cp(TEXT, '“half the cranes stood idle since June.”');
    const a = createAnchor(TEXT, s, e);
    assert.equal(a.exact, '“half the cranes stood idle since June.”');
    assert.equal(a.prefix, 'workers disputed the figure, saying '.slice(-32));
    assert.equal([...a.prefix].length, 32);
    assert.equal(a.suffix, '\nAn economist at the port said t');
    assert.equal([...a.suffix].length, 32);
    assert.deepEqual([a.start, a.end], [s, e]);
  });

  it('counts astral characters, emoji and combining marks as code points', () => {
    const text = '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧 e\u0301cole: the minister said “rates will fall.”';
    const quote = '“rates will fall.”';
    const at = text.indexOf(quote);
    const start = [...text.slice(0, at)].length;
    const a = createAnchor(text, start, start + [...quote].length);
    assert.equal(a.exact, quote);
    assert.equal(a.start, start);
    assert.notEqual(a.start, at, 'code points differ from UTF-16 units here');
    assert.ok(!/[\uD800-\uDBFF]$/.test(a.prefix) && !/^[\uDC00-\uDFFF]/.test(a.prefix), 'no split surrogate pair');
    assert.deepEqual(resolveAnchor(text, a), { status: 'exact', start: a.start, end: a.end, score: 1 });
  });

  it('clamps offsets beyond the text', () => {
    const a = createAnchor('short', 2, 99);
    assert.deepEqual([a.exact, a.start, a.end, a.suffix], ['ort', 2, 5, '']);
  });
});

describe('resolveAnchor', () => {
  const [s, e] = cp(TEXT, '“half the cranes stood idle since June.”');
  const anchor = createAnchor(TEXT, s, e);

  it('is exact on the unchanged text', () => {
    assert.deepEqual(resolveAnchor(TEXT, anchor), { status: 'exact', start: s, end: e, score: 1 });
  });

  it('follows the quote when text is inserted above it', () => {
    const edited = 'Updated at 10:00 with the union’s reply. 🚢\n' + TEXT;
    const r = resolveAnchor(edited, anchor);
    const [ns, ne] = cp(edited, anchor.exact);
    assert.deepEqual([r.status, r.start, r.end], ['moved', ns, ne]);
  });

  it('follows the quote when its paragraph is moved', () => {
    const lines = TEXT.split('\n');
    const edited = [lines[2], lines[0], lines[1], ''].join('\n');
    const r = resolveAnchor(edited, anchor);
    const [ns, ne] = cp(edited, anchor.exact);
    assert.deepEqual([r.status, r.start, r.end], ['moved', ns, ne]);
  });

  it('works on CRLF text and keeps offsets in code points after emoji', () => {
    const crlf = '🙂🙂 ' + TEXT.replace(/\n/g, '\r\n');
    const [cs, ce] = cp(crlf, anchor.exact);
    const a = createAnchor(crlf, cs, ce);
    assert.equal(a.suffix.slice(0, 2), '\r\n');
    const edited = crlf.replace('The harbour', 'The 🏗️ harbour');
    const r = resolveAnchor(edited, a);
    assert.deepEqual([r.status, r.start, r.end], ['moved', ...cp(edited, a.exact)]);
  });

  it('finds an edited quote approximately, using its context', () => {
    const edited = TEXT.replace('stood idle since June', 'stood idle since early June');
    const r = resolveAnchor(edited, anchor);
    assert.equal(r.status, 'fuzzy');
    const [ts, te] = cp(edited, '“half the cranes stood idle since early June.”');
    assert.deepEqual([r.start, r.end], [ts, te]);
    assert.ok(r.score! > 0.75 && r.score! < 1);
  });

  it('orphans a quote that was deleted rather than guessing', () => {
    const edited = TEXT.replace(/Dock workers.*\n/, '');
    assert.deepEqual(resolveAnchor(edited, anchor), { status: 'orphaned' });
  });

  it('orphans a quote rewritten beyond recognition', () => {
    const edited = TEXT.replace('“half the cranes stood idle since June.”', '“most equipment was working normally.”');
    assert.equal(resolveAnchor(edited, anchor).status, 'orphaned');
  });

  it('picks the occurrence whose context matches among repeated words', () => {
    const text = 'Minister Rao said taxes. Later, Minister Rao denied it. Finally Minister Rao left.';
    const [rs, re] = cp(text, 'Rao', text.indexOf('denied') - 5);
    const a = createAnchor(text, rs, re);
    const edited = 'Breaking: ' + text;
    const r = resolveAnchor(edited, a);
    assert.deepEqual([r.status, r.start, r.end], ['moved', rs + 10, re + 10]);
  });

  it('orphans a short quote when its context is gone and it appears elsewhere', () => {
    const text = 'He said yes. The council met at noon and he left.';
    const [hs, he] = cp(text, 'He');
    const a = createAnchor(text, hs, he);
    const edited = 'The council met at noon and he left.';
    assert.equal(resolveAnchor(edited, a).status, 'orphaned');
  });

  it('does not find a whole word again inside another word', () => {
    const text = 'Asked about taxes, he said nothing. Then the talks ended.';
    const [hs, he] = cp(text, 'he said');
    const a = createAnchor(text, hs, hs + 2);
    const edited = 'Asked about taxes, she said nothing. Then the talks ended.';
    const r = resolveAnchor(edited, a);
    assert.equal(r.status, 'orphaned', JSON.stringify(r));
    assert.equal(he - hs, 7);
  });

  it('orphans a quote repeated with identical surroundings rather than picking one', () => {
    const para = 'The port said “cargo rose” in its report.\n';
    const text = 'Intro line.\n' + para + 'Closing line.\n';
    const [qs, qe] = cp(text, '“cargo rose”');
    const a = createAnchor(text, qs, qe);
    // The same paragraph pasted again, and the first line changed so no copy sits at the old offsets.
    const edited = 'New intro.\n' + para + para + 'Closing line.\n';
    assert.equal(resolveAnchor(edited, a).status, 'orphaned');
  });

  it('orphans an anchor with empty quote', () => {
    assert.equal(resolveAnchor(TEXT, { exact: '', prefix: '', suffix: '', start: 0, end: 0 }).status, 'orphaned');
  });

  it('handles anchors whose offsets lie beyond the end of the text', () => {
    const a = { ...anchor, start: 10_000, end: 10_040 };
    const r = resolveAnchor(TEXT, a);
    assert.deepEqual([r.status, r.start, r.end], ['moved', s, e]);
  });
});

describe('reanchorSidecar', () => {
  it('resolves every claim by id', () => {
    const claim = (id: string, quote: string) => {
      const [qs, qe] = cp(TEXT, quote);
      return { id, anchor: createAnchor(TEXT, qs, qe), speaker: null, kind: 'direct' as const, status: 'accepted' as const, verdict: 'unverified', sources: [], tags: [] };
    };
    const sidecar: Sidecar = {
      version: 1, document: { name: 'x', sha256: '' }, speakers: [], stances: [],
      claims: [claim('a', '“cargo volumes rose by a fifth last year.”'), claim('b', '“not comparable with earlier years.”')],
    };
    const edited = TEXT.replace(/An economist.*\n/, '');
    const r = reanchorSidecar(edited, sidecar);
    assert.equal(r.get('a')?.status, 'exact');
    assert.equal(r.get('b')?.status, 'orphaned');
  });
});

describe('anchoring properties', () => {
  const unit = fc.constantFrom('a', 'b', 'c', ' ', '\n', '\r\n', 'é', 'e\u0301', '😀', '👩‍👧', '𝔘', '“', '”', '.', 'the ', 'said ');
  const textArb = fc.array(unit, { minLength: 1, maxLength: 120 }).map((units) => units.join(''));

  it('an anchor on unchanged text always resolves exactly to itself', function () {
    this.timeout(30_000);
    fc.assert(fc.property(textArb, fc.nat(), fc.nat(), (text, x, y) => {
      const n = new OffsetMap(text).codePointLength;
      const start = x % n;
      const end = start + 1 + (y % (n - start));
      const a = createAnchor(text, start, end);
      assert.deepEqual(resolveAnchor(text, a), { status: 'exact', start, end, score: 1 });
    }), { numRuns: 300 });
  });

  it('after edits that keep the quote, it is never resolved to a wrong place', function () {
    this.timeout(30_000);
    const words = fc.array(fc.constantFrom('the ', 'said ', 'port ', 'cargo ', '😀 ', 'rose ', '\n', 'é '), { maxLength: 12 }).map((w) => w.join(''));
    fc.assert(fc.property(words, words, words, words, fc.constantFrom('“cargo rose by a fifth”', 'the port', 'said', '😀'), (before, after, insertBefore, insertAfter, quote) => {
      const text = before + quote + after;
      const map = new OffsetMap(text);
      const start = map.toCodePoint(before.length);
      const end = start + [...quote].length;
      const a = createAnchor(text, start, end, map);
      const edited = insertBefore + before + quote + after + insertAfter;
      // An edit that creates another copy of the quote with the same surroundings is ambiguous by nature.
      const count = (t: string) => t.split(quote).length;
      fc.pre(count(edited) === count(text));
      const truth = [...insertBefore + before].length;
      const r = resolveAnchor(edited, a);
      if (r.status !== 'orphaned') assert.deepEqual([r.start, r.end], [truth, truth + [...quote].length], JSON.stringify({ edited, r }));
    }), { numRuns: 400 });
  });
});
