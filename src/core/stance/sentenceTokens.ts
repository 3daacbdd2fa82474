/**
 * Hand-written scanners for the two regular expressions the stance layer runs
 * over every sentence it looks at.
 *
 * `scanTokens`: the tokeniser of the directed classifier,
 * `[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]` (flags gu, see `tokenize` in
 * directedFeatures.ts): a run of letters and digits with apostrophe-joined
 * letter runs ("don't", "O’Neill"), or any other single code point that is
 * not white space. `capitalisedRuns`: the candidate names of namedEntities.
 *
 * Running the expressions costs a match object and a string per token and
 * steps slowly over Unicode properties; these scanners find exactly the same
 * spans in one pass over the character codes, answering the property
 * questions from a table filled on first use by the same property escapes.
 */

const LETTER = 1;
const NUMBER = 2;
const SPACE = 4;
const UPPER = 8;
const KNOWN = 16;

/** Classes of the Basic Multilingual Plane, filled lazily (0 = not yet asked). */
const bmpClasses = new Uint8Array(0x10000);
const astralClasses = new Map<number, number>();

const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = /^\s$/u;
const IS_UPPER = /^\p{Lu}$/u;

function classify(codePoint: number): number {
  const c = String.fromCodePoint(codePoint);
  return KNOWN | (IS_LETTER.test(c) ? LETTER : 0) | (IS_NUMBER.test(c) ? NUMBER : 0) | (IS_SPACE.test(c) ? SPACE : 0) |
    (IS_UPPER.test(c) ? UPPER : 0);
}

for (let c = 0; c < 128; c++) bmpClasses[c] = classify(c);

function classOf(codePoint: number): number {
  if (codePoint < 0x10000) {
    const known = bmpClasses[codePoint];
    if (known !== 0) return known;
    return (bmpClasses[codePoint] = classify(codePoint));
  }
  let known = astralClasses.get(codePoint);
  if (known === undefined) {
    // Bounded: a text may use any number of distinct astral characters.
    if (astralClasses.size > 10_000) astralClasses.clear();
    astralClasses.set(codePoint, (known = classify(codePoint)));
  }
  return known;
}

/** The white space of the regular-expression class \s (all of it is in the Basic Multilingual Plane). */
export function isWhiteSpace(codeUnit: number): boolean {
  return (classOf(codeUnit) & SPACE) !== 0;
}

/** \p{L} */
function isLetter(codePoint: number): boolean {
  return (classOf(codePoint) & LETTER) !== 0;
}

/** \p{Lu} */
function isUpperCaseLetter(codePoint: number): boolean {
  return (classOf(codePoint) & UPPER) !== 0;
}

/** The code point at `i` as the u flag reads it: a surrogate pair is one, a lone surrogate is itself. */
function codePointAt(s: string, i: number): number {
  // charCodeAt unless a high surrogate starts here: the engine inlines it, not codePointAt.
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff ? s.codePointAt(i)! : c;
}

/** UTF-16 length of a code point. */
function width(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

/**
 * Appends the start and end (UTF-16 offsets) of each token of `s`, in order:
 * exactly the matches of the tokeniser's expression run over `s`. With
 * `hyphens`, a hyphen joins letter runs as the apostrophes do ("al-Assad",
 * "long-range"): the matches of `[\p{L}\p{N}]+(?:['’-][\p{L}]+)*|[^\s\p{L}\p{N}]`,
 * the tokeniser of the speaker-stance rules.
 */
export function scanTokens(s: string, starts: number[], ends: number[], hyphens = false): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    let cp = codePointAt(s, i);
    const cls = classOf(cp);
    if (cls & SPACE) {
      i += width(cp);
      continue;
    }
    const start = i;
    i += width(cp);
    if (cls & (LETTER | NUMBER)) {
      while (i < n) {
        cp = codePointAt(s, i);
        if (!(classOf(cp) & (LETTER | NUMBER))) break;
        i += width(cp);
      }
      // Apostrophe-joined letter runs: "don't", "O’Neill" (letters only after the mark).
      while (i + 1 < n) {
        const mark = s.charCodeAt(i);
        if (mark !== 39 && mark !== 0x2019 && !(hyphens && mark === 45)) break;
        cp = codePointAt(s, i + 1);
        if (!(classOf(cp) & LETTER)) break;
        i += 1 + width(cp);
        while (i < n) {
          cp = codePointAt(s, i);
          if (!(classOf(cp) & LETTER)) break;
          i += width(cp);
        }
      }
    }
    starts.push(start);
    ends.push(i);
  }
}

/**
 * The spans matched (flags gu) by \p{Lu}[\p{L}.'’-]*(?:\s+(?:of\s+|de\s+|al-)?\p{Lu}[\p{L}.'’-]*)* —
 * capitalised words joined by white space, "of", "de" or "al-" — found by one scan of the character
 * codes, which steps over the lower-case bulk of a sentence far faster than the expression does.
 */
export function capitalisedRuns(s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const cp = codePointAt(s, i);
    if (!isUpperCaseLetter(cp)) {
      i += width(cp);
      continue;
    }
    const start = i;
    let end = nameWordEnd(s, i);
    for (;;) {
      let j = end;
      while (j < n && isWhiteSpace(s.charCodeAt(j))) j++;
      if (j === end) break;
      // The connectors "of " and "de " (white space after them), "al-".
      if ((s.startsWith('of', j) || s.startsWith('de', j)) && j + 2 < n && isWhiteSpace(s.charCodeAt(j + 2))) {
        j += 2;
        while (j < n && isWhiteSpace(s.charCodeAt(j))) j++;
      } else if (s.startsWith('al-', j)) j += 3;
      if (j >= n || !isUpperCaseLetter(codePointAt(s, j))) break;
      end = nameWordEnd(s, j);
    }
    out.push([start, end]);
    i = end;
  }
  return out;
}

/** The end of \p{Lu}[\p{L}.'’-]* starting at `i` (an upper-case letter). */
function nameWordEnd(s: string, i: number): number {
  i += width(codePointAt(s, i));
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 46 || c === 39 || c === 0x2019 || c === 45) {
      i++;
      continue;
    }
    const cp = codePointAt(s, i);
    if (!isLetter(cp)) break;
    i += width(cp);
  }
  return i;
}
