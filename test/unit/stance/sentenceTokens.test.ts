/**
 * The hand-written scanners of sentenceTokens.ts must find exactly the spans
 * of the regular expressions they stand for, on any text.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { capitalisedRuns, scanTokens } from '../../../src/core/stance/sentenceTokens';

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
const HYPHENATED_TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
const CAPITALISED_RUN = /\p{Lu}[\p{L}.'’-]*(?:\s+(?:of\s+|de\s+|al-)?\p{Lu}[\p{L}.'’-]*)*/gu;

function regexSpans(re: RegExp, s: string): Array<[number, number]> {
  return [...s.matchAll(re)].map((m) => [m.index!, m.index! + m[0].length]);
}

function scannedTokens(s: string, hyphens = false): Array<[number, number]> {
  const starts: number[] = [];
  const ends: number[] = [];
  scanTokens(s, starts, ends, hyphens);
  return starts.map((start, k) => [start, ends[k]]);
}

/** Pieces that exercise every branch: apostrophes, connectors, digits, accents, astral letters and symbols, lone surrogates, odd spaces. */
const piece = fc.constantFrom(
  'a', 'Z', 'é', 'É', '9', '٣', ' ', '  ', '\n', '\t', '\u00a0', '\u2009', '\u3000', '\ufeff', "'", '’', '-', '.', ',', '“', '”',
  "don't", 'O’Neill', "rock'n2", 'Trump’s', "it''s", 'of ', 'de ', 'al-', 'al-Assad', ' of Ukraine', 'Bank of England',
  'Mr. Ruiz', 'U.S.-brokered', '𝐀', '𝐚', '😀', '\ud800', '\udc00', 'ǅ', 'İ', 'ß',
);
const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

describe('sentenceTokens: scanners equal to the stance layer’s regular expressions', () => {
  it('scanTokens finds the tokens of the classifier’s tokeniser', () => {
    for (const s of ['Ana Ruiz praised Tom Bell’s plan, didn’t she?', 'Critics 2day: ab’c9 Ruiz’s 😀 allies — Bell & co.', '']) {
      assert.deepEqual(scannedTokens(s), regexSpans(TOKEN, s), s);
    }
    fc.assert(fc.property(text, (s) => assert.deepEqual(scannedTokens(s), regexSpans(TOKEN, s))), { numRuns: 2000 });
  });

  it('scanTokens with hyphens finds the tokens of the speaker-stance tokeniser', () => {
    for (const s of ['A long-range missile, al-Assad’s ex-ally, 2-to-1 - odd-', 'well-known -x a--b']) {
      assert.deepEqual(scannedTokens(s, true), regexSpans(HYPHENATED_TOKEN, s), s);
    }
    fc.assert(fc.property(text, (s) => assert.deepEqual(scannedTokens(s, true), regexSpans(HYPHENATED_TOKEN, s))), { numRuns: 2000 });
  });

  it('capitalisedRuns finds the candidate names, connectors included', () => {
    for (const s of ['The Bank of England and Bashar al-Assad met Ana de Souza in Kyiv.', 'of Ukraine of  ', 'Macron of']) {
      assert.deepEqual(capitalisedRuns(s), regexSpans(CAPITALISED_RUN, s), s);
    }
    fc.assert(fc.property(text, (s) => assert.deepEqual(capitalisedRuns(s), regexSpans(CAPITALISED_RUN, s))), { numRuns: 2000 });
  });
});
