/** WordTable must answer exactly what its `describe` says of the lower-cased word, however the word is written. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WordTable } from '../../../src/core/stance/wordTable';

describe('WordTable: lower-cased words looked up in place', () => {
  it('gives describe(text.slice(s, e).toLowerCase()), described once per distinct word', () => {
    let described = 0;
    const table = new WordTable((lower) => ({ lower, n: described++ }));
    const text = 'Said SAID said Ümit ümit İstanbul Straße O’Neill ß 😀';
    const words = [...text.matchAll(/\S+/gu)];
    for (const m of words) assert.equal(table.get(text, m.index!, m.index! + m[0].length).lower, m[0].toLowerCase());
    assert.equal(table.get(text, 0, 4), table.get(text, 5, 9));
    assert.equal(table.getLower('said'), table.get(text, 10, 14));
    assert.equal(described, new Set(words.map((m) => m[0].toLowerCase())).size);
  });

  it('keeps each word\'s tag beside its info, through growth and past its limit', () => {
    const table = new WordTable((lower) => ({ lower }), 50, (info) => info.lower.length % 3);
    const text = Array.from({ length: 120 }, (_, k) => `Word${k} ümlaut${k % 7}`).join(' ');
    for (const m of text.matchAll(/\S+/gu)) {
      const entry = table.entry(text, m.index!, m.index! + m[0].length);
      assert.equal(table.info(entry).lower, m[0].toLowerCase());
      assert.equal(table.tag(entry), m[0].length % 3);
    }
  });

  it('keeps every word apart through growth and starts afresh past its limit', () => {
    const table = new WordTable((lower) => lower.toUpperCase(), 3000);
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿ’']{1,8}$/), { minLength: 1, maxLength: 400 }), (list) => {
      const text = list.join(' ');
      let at = 0;
      for (const w of list) {
        assert.equal(table.get(text, at, at + w.length), w.toLowerCase().toUpperCase());
        at += w.length + 1;
      }
    }), { numRuns: 200 });
  });
});
