import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { extractAttributions, extractOrThrow } from '../../../src/core/extract/extractor';

const cpSlice = (text: string, s: number, e: number): string => Array.from(text).slice(s, e).join('');

describe('extractAttributions', () => {
  it('joins claims to their resolved speakers', () => {
    const text = 'German Chancellor Olaf Scholz said on Tuesday that the aid would continue.\n' +
      '"We will stand by Ukraine," Scholz said.';
    const { speakers, claims } = extractAttributions(text);
    const scholz = speakers.find((s) => s.id === 'olaf-scholz');
    assert.ok(scholz);
    assert.equal(scholz.role, 'German Chancellor');
    assert.deepEqual(scholz.aliases, ['Scholz']);
    assert.ok(claims.length >= 2);
    for (const c of claims) assert.equal(c.speaker, 'olaf-scholz');
    const direct = claims.find((c) => c.text.includes('stand by Ukraine'));
    assert.equal(direct?.kind, 'direct');
  });

  it('counts offsets in code points, and each claim text equals its slice', () => {
    const text = '😀 🇫🇷 Emmanuel Macron said that the 😀 summit was useful.';
    const { speakers, claims } = extractAttributions(text);
    assert.ok(claims.length >= 1);
    for (const c of claims) {
      assert.equal(c.text, cpSlice(text, c.start, c.end));
      if (c.source) assert.equal(cpSlice(text, c.source[0], c.source[1]), 'Emmanuel Macron');
    }
    const macron = speakers.find((s) => s.id === 'emmanuel-macron');
    assert.ok(macron);
    assert.deepEqual(macron.mentions.map(([s, e]) => cpSlice(text, s, e)), ['Emmanuel Macron']);
  });

  it('lists people who are mentioned but not quoted, with sorted mentions', () => {
    const text = 'Angela Merkel met Joe Biden. Merkel said that the talks were frank.';
    const { speakers, claims } = extractAttributions(text);
    assert.deepEqual(speakers.map((s) => s.id).sort(), ['angela-merkel', 'joe-biden']);
    assert.equal(claims[0].speaker, 'angela-merkel');
    for (const s of speakers) {
      const sorted = [...s.mentions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(s.mentions, sorted);
    }
  });

  it('gives a claim the same id when unrelated text elsewhere changes', () => {
    const base = 'Giorgia Meloni said that Italy would not send troops.';
    const a = extractAttributions(base).claims[0];
    const b = extractAttributions('A storm hit the coast on Monday.\n\n' + base + '\nMarkets fell.').claims[0];
    assert.ok(a && b);
    assert.match(a.id, /^c-[0-9a-f]{8}$/);
    assert.equal(a.id, b.id);
    assert.notEqual(b.start, a.start);
  });

  it('gives identical claims by the same source distinct ids', () => {
    const text = 'Olaf Scholz said that prices were rising.\nOlaf Scholz said that prices were rising.';
    const ids = extractAttributions(text).claims.map((c) => c.id);
    assert.equal(ids.length, 2);
    assert.equal(new Set(ids).size, 2);
    assert.equal(ids[1], `${ids[0]}-2`);
  });

  it('returns nothing for empty or attribution-free text', () => {
    assert.deepEqual(extractAttributions(''), { speakers: [], claims: [] });
    assert.deepEqual(extractAttributions('The river rose overnight.').claims, []);
  });

  it('never throws, and keeps every offset inside the text (random input)', () => {
    const alphabet = fc.constantFrom(...'abc XYZ said Mr. Mrs. “”"\'’,.\n—😀é'.split(''), 'said', ' he ', ' She ', 'Macron', 'President', ' officials', 'two diplomats');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')), (text) => {
      const n = Array.from(text).length;
      const { speakers, claims } = extractOrThrow(text);
      for (const c of claims) {
        assert.ok(c.start >= 0 && c.start < c.end && c.end <= n);
        assert.equal(c.text, cpSlice(text, c.start, c.end));
        for (const sp of [c.source, c.cue]) if (sp) assert.ok(sp[0] >= 0 && sp[0] < sp[1] && sp[1] <= n);
        if (c.speaker !== null) assert.ok(speakers.some((s) => s.id === c.speaker));
      }
      for (const s of speakers) for (const [a, b] of s.mentions) assert.ok(a >= 0 && a < b && b <= n);
      assert.equal(new Set(speakers.map((s) => s.id)).size, speakers.length);
    }), { numRuns: 300 });
  });
});
