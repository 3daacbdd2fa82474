/**
 * Anchoring annotations to text that changes.
 *
 * An {@link Anchor} holds both W3C Web Annotation selectors: the quote with
 * its context (TextQuoteSelector) and the code-point offsets
 * (TextPositionSelector). Resolving one against the current text tries, in
 * order of confidence:
 *
 * 1. `exact`   — the quote is still at the stored offsets;
 * 2. `moved`   — the quote occurs elsewhere, and its context (or it being the
 *                only occurrence of a long enough quote) says which occurrence;
 * 3. `fuzzy`   — the quote was edited: an approximate match (Myers' bit-parallel
 *                algorithm, `approx-string-match`, the approach Hypothesis uses)
 *                within an error budget, confirmed by the surrounding context;
 * 4. `orphaned`— none of the above is convincing.
 *
 * A candidate must start and end on word boundaries where the annotated span
 * did ("he" is not found again inside "the").
 *
 * Every step prefers orphaning over a doubtful match: an annotation shown at
 * the wrong sentence is worse than one reported as lost, because the
 * fact-checker trusts the highlight. Each step refuses candidates that are
 * not clearly better than the runner-up.
 *
 * Offsets in and out are code points; the work is done on UTF-16 strings and
 * converted at the boundary with {@link OffsetMap}.
 */
import search from 'approx-string-match';
import type { Anchor, Claim, Sidecar } from '../sidecar/model';
import { OffsetMap } from '../text';

export type AnchorStatus = 'exact' | 'moved' | 'fuzzy' | 'orphaned';

export interface AnchorResolution {
  status: AnchorStatus;
  /** Code-point offsets of the span in the current text (absent when orphaned). */
  start?: number;
  end?: number;
  /** Confidence in 0..1 (1 for exact). */
  score?: number;
}

/** Context kept on each side of the quote, in code points. */
export const CONTEXT_LENGTH = 32;

/** The anchor for the span [start, end) (code points) of `text`. */
export function createAnchor(text: string, start: number, end: number, map: OffsetMap = new OffsetMap(text)): Anchor {
  const s = Math.max(0, Math.min(start, map.codePointLength));
  const e = Math.max(s, Math.min(end, map.codePointLength));
  return {
    exact: map.slice(s, e),
    prefix: map.slice(Math.max(0, s - CONTEXT_LENGTH), s),
    suffix: map.slice(e, Math.min(map.codePointLength, e + CONTEXT_LENGTH)),
    start: s,
    end: e,
  };
}

export interface ResolveOptions {
  /** Reuse one OffsetMap when resolving many anchors against the same text. */
  map?: OffsetMap;
  /**
   * Bound on the text searched approximately, in UTF-16 units on each side of
   * the expected position; the whole text is searched when it is shorter than
   * twice this. Keeps a 20 MB document from costing seconds per orphan.
   */
  fuzzyWindow?: number;
}

const MAX_OCCURRENCES = 2000;
const DEFAULT_FUZZY_WINDOW = 64 * 1024;
const MAX_FUZZY_CANDIDATES = 500;
/** Quotes shorter than this recur (names, pronouns): they need a context that agrees strongly. */
const MIN_UNIQUE_QUOTE = 24;
/** A quote this long that occurs once is the same sentence, whatever happened around it. */
const SELF_IDENTIFYING_QUOTE = 64;
/** Weight of context beyond a line break, relative to context in the quote's paragraph. */
const FAR_CONTEXT_WEIGHT = 0.25;

export function resolveAnchor(text: string, anchor: Anchor, options: ResolveOptions = {}): AnchorResolution {
  const exact = anchor.exact;
  if (!exact) return { status: 'orphaned' };
  const map = options.map ?? new OffsetMap(text);
  const expected = map.toUtf16(anchor.start);
  const prefix = anchor.prefix ?? '';
  const suffix = anchor.suffix ?? '';
  const toResult = (status: AnchorStatus, from: number, to: number, score: number): AnchorResolution => ({
    status, start: map.toCodePoint(from), end: map.toCodePoint(to), score: round(score),
  });

  // 1 and 2: exact occurrences of the quote, judged by their context.
  const occurrences = findAll(text, exact);
  // Past the cap (a phrase repeated thousands of times) the stored position may
  // not be among those found, yet it is the one that decides `exact`.
  if (occurrences.length >= MAX_OCCURRENCES && text.startsWith(exact, expected) && !occurrences.includes(expected)) occurrences.push(expected);
  const scored: Occurrence[] = occurrences.length
    ? occurrences.map((at) => ({
      at,
      context: contextSimilarity(text, at, at + exact.length, prefix, suffix),
      distance: Math.abs(at - expected),
      // "he" inside "the" is not the pronoun that was annotated: such an
      // occurrence is never chosen, but it still makes the others doubtful.
      eligible: sameBoundaries(text, at, at + exact.length, anchor),
    }))
    : [];
  if (scored.length) {
    const stored = scored.find((c) => c.eligible && c.at === expected && map.toCodePoint(c.at + exact.length) === anchor.end);
    const best = pickOccurrence(scored, exact.length);
    if (stored) {
      // Still in place — unless its context disagrees and another occurrence's
      // context is clearly better (a repeated phrase shifted onto the old offsets).
      const rival = scored.reduce<Occurrence | undefined>((r, c) => (c !== stored && (!r || c.context > r.context) ? c : r), undefined);
      if (!rival || rival.context < stored.context + 0.05) {
        return toResult('exact', stored.at, stored.at + exact.length, 1);
      }
    }
    if (best) return toResult('moved', best.at, best.at + exact.length, 0.5 + 0.5 * best.context);
    if (scored.length > 1) return { status: 'orphaned' };
  }

  // 3: approximate match of the quote, confirmed by the context. Verbatim
  // occurrences were judged above: the fuzzy step must not readmit them on
  // laxer terms.
  const fuzzy = fuzzyMatch(text, exact, prefix, suffix, expected, options.fuzzyWindow ?? DEFAULT_FUZZY_WINDOW, new Set(occurrences));
  if (fuzzy) return toResult('fuzzy', fuzzy.start, fuzzy.end, fuzzy.score);
  return { status: 'orphaned' };
}

/** Resolutions for every claim of a sidecar, by claim id. */
export function reanchorSidecar(text: string, sidecar: Sidecar, options: ResolveOptions = {}): Map<string, AnchorResolution> {
  const map = options.map ?? new OffsetMap(text);
  const out = new Map<string, AnchorResolution>();
  for (const claim of sidecar.claims) out.set(claim.id, resolveAnchor(text, claim.anchor, { ...options, map }));
  return out;
}

/** The anchor a claim should carry after a resolution (fresh offsets and context), or the old one when orphaned. */
export function updatedAnchor(text: string, claim: Claim, resolution: AnchorResolution, map?: OffsetMap): Anchor {
  if (resolution.status === 'orphaned' || resolution.start === undefined || resolution.end === undefined) return claim.anchor;
  return createAnchor(text, resolution.start, resolution.end, map);
}

// ---------------------------------------------------------------------------

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function findAll(text: string, needle: string): number[] {
  const out: number[] = [];
  let at = text.indexOf(needle);
  while (at >= 0 && out.length < MAX_OCCURRENCES) {
    out.push(at);
    at = text.indexOf(needle, at + 1);
  }
  return out;
}

interface Occurrence {
  at: number;
  context: number;
  distance: number;
  eligible: boolean;
}

/**
 * The occurrence the anchor most plausibly refers to, or undefined when none
 * is clearly it. Context decides.
 */
function pickOccurrence(scored: Occurrence[], quoteLength: number): Occurrence | undefined {
  // Short quotes ("she", "Obama") recur everywhere: only a context that clearly
  // agrees identifies the occurrence.
  const minContext = quoteLength >= MIN_UNIQUE_QUOTE ? 0.45 : 0.6;
  if (scored.length === 1) {
    const only = scored[0];
    if (!only.eligible) return undefined;
    // A unique long quote is the same sentence; a unique short one may be a
    // different mention, so its context must agree.
    return quoteLength >= SELF_IDENTIFYING_QUOTE || only.context >= minContext ? only : undefined;
  }
  const byContext = [...scored].sort((a, b) => b.context - a.context || a.distance - b.distance);
  const [first, second] = byContext;
  if (!first.eligible || first.context < minContext) return undefined;
  if (first.context - second.context >= 0.2) return first;
  // Contexts alike: the quote was repeated with its surroundings (a pull quote,
  // a pasted paragraph). Distance to the stored offset does not settle it —
  // text inserted above moves the original away and can put the copy right
  // where the original was — so the anchor is orphaned rather than guessed.
  // (Measured: choosing the nearer one doubled the wrong anchors in the
  // benchmark's repeated-paragraph stress row for a 0.03-point gain elsewhere.)
  return undefined;
}

/**
 * How well the text around [start, end) agrees with the stored context, 0..1.
 * Context in the quote's own paragraph counts fully; context beyond a line
 * break counts a quarter, because paragraphs get moved, inserted and deleted
 * independently of the quote. An empty side (start or end of the document)
 * agrees when the text also ends there.
 */
function contextSimilarity(text: string, start: number, end: number, prefix: string, suffix: string): number {
  let total = 0;
  let weight = 0;
  const add = (stored: string, actual: string, w: number) => {
    if (!stored.length) return;
    total += similarity(stored, actual) * stored.length * w;
    weight += stored.length * w;
  };
  // The line break next to the quote belongs to the near part: "the quote
  // starts (or ends) a paragraph" is itself strong evidence.
  const cutP = Math.max(0, prefix.lastIndexOf('\n')); // prefix = far + near
  const nearP = prefix.slice(cutP);
  add(nearP, text.slice(Math.max(0, start - nearP.length), start), 1);
  add(prefix.slice(0, cutP), text.slice(Math.max(0, start - prefix.length), Math.max(0, start - nearP.length)), FAR_CONTEXT_WEIGHT);
  const cutS = suffix.indexOf('\n'); // suffix = near + far
  const nearS = cutS < 0 ? suffix : suffix.slice(0, cutS + 1);
  add(nearS, text.slice(end, end + nearS.length), 1);
  add(suffix.slice(nearS.length), text.slice(end + nearS.length, end + suffix.length), FAR_CONTEXT_WEIGHT);
  const edgeWeight = 4;
  if (!prefix.length) {
    total += (start === 0 ? 1 : 0.5) * edgeWeight;
    weight += edgeWeight;
  }
  if (!suffix.length) {
    total += (end === text.length ? 1 : 0.5) * edgeWeight;
    weight += edgeWeight;
  }
  return weight ? total / weight : 0;
}

/** 1 - edit distance / length of the longer string. */
function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - levenshtein(a, b) / longest;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

interface FuzzyCandidate {
  start: number;
  end: number;
  score: number;
}

/**
 * An approximate occurrence of the quote, accepted only when the quote is
 * close (at most a quarter of it edited), the context agrees, and no other
 * candidate comes close to it.
 */
function fuzzyMatch(text: string, exact: string, prefix: string, suffix: string, expected: number, window: number, verbatim: ReadonlySet<number>): FuzzyCandidate | undefined {
  // Very short quotes have too many near-matches to tell apart.
  if (exact.length < 8) return undefined;
  const maxErrors = Math.min(Math.floor(exact.length / 4), 256);
  let offset = 0;
  let haystack = text;
  if (text.length > 2 * window) {
    offset = Math.max(0, Math.min(expected - window, text.length - 2 * window));
    haystack = text.slice(offset, offset + 2 * window);
  }
  const matches = search(haystack, exact, maxErrors);
  if (!matches.length) return undefined;
  const candidates: FuzzyCandidate[] = [];
  // Every lowest-error end position is a candidate; the context picks the
  // boundaries (the one whose suffix lines up wins among overlapping ones).
  for (const m of matches.slice(0, MAX_FUZZY_CANDIDATES)) {
    const [start, end] = refineBounds(text, exact, prefix, suffix, m.start + offset, m.end + offset, maxErrors);
    // A match much shorter or longer than the quote is not the quote.
    if (end <= start || Math.abs(end - start - exact.length) > exact.length / 4) continue;
    if (verbatim.has(start) && end - start === exact.length) continue;
    const quote = 1 - Math.max(m.errors, levenshtein(exact, text.slice(start, end))) / exact.length;
    const context = contextSimilarity(text, start, end, prefix, suffix);
    // The quote matters most; context confirms it is the same place.
    const score = (quote * 3 + context * 2) / 5;
    if (quote < 0.75 || context < 0.5) continue;
    candidates.push({ start, end, score });
  }
  if (!candidates.length) return undefined;
  candidates.sort((a, b) => b.score - a.score || Math.abs(a.start - expected) - Math.abs(b.start - expected));
  const best = candidates[0];
  if (best.score < 0.75) return undefined;
  // A different place that scores almost as well makes the match doubtful.
  const rival = candidates.find((c) => !overlaps(c, best));
  if (rival && best.score - rival.score < 0.1) return undefined;
  return best;
}

/**
 * The matcher reports the cheapest alignment, which can stop short of the
 * real boundary ("…since early" for "…since June.”" edited to "…since early
 * June.”"). Moves each boundary to where the quote still aligns well and the
 * stored context lines up: every context character that agrees (up to 8)
 * outweighs most of an edit.
 */
function refineBounds(text: string, exact: string, prefix: string, suffix: string, start: number, end: number, maxErrors: number): [number, number] {
  if (exact.length > 2000) return [start, end];
  const nearSuffix = suffix.slice(0, 8);
  const nearPrefix = prefix.slice(-8);
  // End: distance of the quote to text[start, j) for every j, in one DP row.
  const windowEnd = Math.min(text.length, start + exact.length + maxErrors);
  const endRow = prefixDistances(exact, text.slice(start, windowEnd));
  let bestEnd = end;
  let bestCost = Infinity;
  for (let j = Math.max(1, exact.length - maxErrors); j < endRow.length; j++) {
    const e = start + j;
    const cost = endRow[j] - 0.75 * commonPrefixLength(nearSuffix, text.slice(e, e + nearSuffix.length));
    if (cost < bestCost || (cost === bestCost && Math.abs(e - end) < Math.abs(bestEnd - end))) {
      bestCost = cost;
      bestEnd = e;
    }
  }
  // Start: the same on reversed strings, anchored at the chosen end.
  const windowStart = Math.max(0, bestEnd - exact.length - maxErrors);
  const reversed = (x: string) => x.split('').reverse().join('');
  const startRow = prefixDistances(reversed(exact), reversed(text.slice(windowStart, bestEnd)));
  let bestStart = start;
  bestCost = Infinity;
  for (let j = Math.max(1, exact.length - maxErrors); j < startRow.length; j++) {
    const s = bestEnd - j;
    const cost = startRow[j] - 0.75 * commonSuffixLength(nearPrefix, text.slice(Math.max(0, s - nearPrefix.length), s));
    if (cost < bestCost || (cost === bestCost && Math.abs(s - start) < Math.abs(bestStart - start))) {
      bestCost = cost;
      bestStart = s;
    }
  }
  // Never split a surrogate pair.
  if (isLowSurrogate(text.charCodeAt(bestStart))) bestStart--;
  if (isLowSurrogate(text.charCodeAt(bestEnd))) bestEnd++;
  return [bestStart, bestEnd];
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && WORD_CHAR.test(ch);
}

/**
 * Whether [start, end) starts and ends on word boundaries where the annotated
 * span did: a span that began at a word's start must not come back in the
 * middle of another word.
 */
function sameBoundaries(text: string, start: number, end: number, anchor: Pick<Anchor, 'exact' | 'prefix' | 'suffix'>): boolean {
  const first = anchor.exact[0];
  const last = anchor.exact[anchor.exact.length - 1];
  const wasCutBefore = isWordChar(anchor.prefix[anchor.prefix.length - 1]) && isWordChar(first);
  const wasCutAfter = isWordChar(anchor.suffix[0]) && isWordChar(last);
  const isCutBefore = isWordChar(text[start - 1]) && isWordChar(text[start]);
  const isCutAfter = isWordChar(text[end]) && isWordChar(text[end - 1]);
  return wasCutBefore === isCutBefore && wasCutAfter === isCutAfter;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** row[j] = edit distance between `a` and the first j characters of `b`. */
function prefixDistances(a: string, b: string): number[] {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = new Array<number>(b.length + 1);
    next[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
    }
    row = next;
  }
  return row;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonSuffixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

function overlaps(a: FuzzyCandidate, b: FuzzyCandidate): boolean {
  return a.start < b.end && b.start < a.end;
}
