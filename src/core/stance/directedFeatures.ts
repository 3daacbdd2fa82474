/**
 * Turns "a sentence with two entities" into the sparse features of the
 * directed-sentiment classifier. Shared by the classifier (directed.ts) and
 * its training script (test/eval/trainStance.ts) so that both see exactly the
 * same features.
 *
 * Features are written in terms of the entity that comes FIRST in the
 * sentence (A) and the one that comes SECOND (B), not in terms of p and q:
 * word order is what carries direction ("A praised B" vs "A was praised by
 * B"), and the caller maps A/B back onto p/q.
 */
import { NEGATIVE_CUES, NEGATORS, PASSIVE_AUXILIARIES, POSITIVE_CUES, REPORTING_VERBS } from './lexicon';

/** Where the two entities sit in the sentence (UTF-16 offsets, end exclusive). */
export interface EntityPair {
  sentence: string;
  p: [number, number];
  q: [number, number];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Reads a sentence in which the two entities are marked with [brackets]
 * (the corpus format) or, when there are no brackets, finds `p` and `q` in it.
 * Returns null when the entities cannot be located.
 *
 * Bracket marks may cut a word ("[Los Angele]s"): the entity span is widened
 * to the end of the word so that the stray letters do not become a token.
 */
export function locateEntities(sentence: string, p: string, q: string): EntityPair | null {
  const marked = [...sentence.matchAll(/\[([^\[\]]*)\]/g)];
  if (marked.length >= 2) {
    // Remove the brackets, keeping track of where the two marked spans land.
    let plain = '';
    let last = 0;
    const spans: Array<[number, number, string]> = [];
    for (const m of marked) {
      plain += sentence.slice(last, m.index);
      const start = plain.length;
      plain += m[1];
      spans.push([start, plain.length, m[1]]);
      last = m.index! + m[0].length;
    }
    plain += sentence.slice(last);
    const norm = (s: string) => s.trim().toLowerCase();
    let pi = spans.findIndex((s) => norm(s[2]) === norm(p));
    let qi = spans.findIndex((s, i) => i !== pi && norm(s[2]) === norm(q));
    if (pi < 0 || qi < 0) {
      // Labels that do not match the marks: trust the order p, q.
      pi = 0;
      qi = 1;
    }
    return { sentence: plain, p: widen(plain, spans[pi][0], spans[pi][1]), q: widen(plain, spans[qi][0], spans[qi][1]) };
  }
  const pSpan = findEntity(sentence, p, null);
  if (!pSpan) return null;
  const qSpan = findEntity(sentence, q, pSpan);
  if (!qSpan) return null;
  return { sentence, p: pSpan, q: qSpan };
}

function widen(text: string, start: number, end: number): [number, number] {
  while (end < text.length && end > start && WORD_CHAR.test(text[end]) && WORD_CHAR.test(text[end - 1])) end++;
  return [start, end];
}

/** Case-insensitive search at word boundaries, avoiding `avoid`; falls back to the entity's last word. */
export function findEntity(sentence: string, name: string, avoid: [number, number] | null): [number, number] | null {
  const wanted = name.trim();
  if (!wanted) return null;
  const candidates = [wanted];
  const words = wanted.split(/\s+/);
  if (words.length > 1) candidates.push(words[words.length - 1]);
  const lower = sentence.toLowerCase();
  for (const candidate of candidates) {
    const needle = candidate.toLowerCase();
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at < 0) break;
      from = at + 1;
      const before = at > 0 ? sentence[at - 1] : ' ';
      if (WORD_CHAR.test(before) && WORD_CHAR.test(sentence[at])) continue;
      const span = widen(sentence, at, at + needle.length);
      if (avoid && span[0] < avoid[1] && avoid[0] < span[1]) continue;
      return span;
    }
  }
  return null;
}

/** Lowercase, light suffix stripping: enough to meet "praised", "praises", "praise" on one stem. */
const stemCache = new Map<string, string>();

export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const result = stemUncached(word);
  // Bounded: news vocabulary is large, memory is not.
  if (stemCache.size > 50_000) stemCache.clear();
  stemCache.set(word, result);
  return result;
}

function stemUncached(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'");
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ied')) w = w.slice(0, -3) + 'i';
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && !w.endsWith('ses')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ses')) w = w.slice(0, -1);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;

export function tokenize(text: string): string[] {
  return (text.match(TOKEN) ?? []).map((t) => t.toLowerCase());
}

const positive = new Set(POSITIVE_CUES);
const negative = new Set(NEGATIVE_CUES);
const negators = new Set(NEGATORS);
const reporting = new Set(REPORTING_VERBS);
const auxiliaries = new Set(PASSIVE_AUXILIARIES);

/** Lexicon polarity of one token (by its stem, or the stem of it and the next token). */
export function cuePolarity(tokens: string[], i: number): 1 | -1 | 0 {
  const s = stem(tokens[i]);
  const two = i + 1 < tokens.length ? `${s} ${tokens[i + 1]}` : '';
  if (positive.has(s) || positive.has(two)) return 1;
  if (negative.has(s) || negative.has(two)) return -1;
  return 0;
}

function isNegator(token: string): boolean {
  return negators.has(token) || negators.has(stem(token)) || token.endsWith("n't") || token.endsWith('n’t');
}

function negatedAt(tokens: string[], i: number): boolean {
  for (let k = Math.max(0, i - 3); k < i; k++) if (isNegator(tokens[k])) return true;
  return false;
}

function distanceBucket(n: number): string {
  if (n <= 1) return '0-1';
  if (n <= 3) return '2-3';
  if (n <= 6) return '4-6';
  if (n <= 10) return '7-10';
  if (n <= 20) return '11-20';
  return '21+';
}

/**
 * Sparse binary features of one entity pair. The pair is re-ordered so that A
 * is the entity that comes first; `swapped` says whether A is q.
 */
export function pairFeatures(pair: EntityPair): { features: string[]; swapped: boolean } {
  const active = activeVoice(pair);
  if (active) {
    // "A was criticised by B" is read as "B criticised A": B becomes the first entity.
    const result = pairFeatures(active);
    return { features: [...result.features, 'passive_rewritten'], swapped: result.swapped };
  }
  const swapped = pair.q[0] < pair.p[0];
  const [a, b] = swapped ? [pair.q, pair.p] : [pair.p, pair.q];
  const s = pair.sentence;
  const left = tokenize(s.slice(0, a[0]));
  const between = tokenize(s.slice(a[1], Math.max(a[1], b[0])));
  const right = tokenize(s.slice(Math.max(b[1], a[1])));
  const aTokens = tokenize(s.slice(a[0], a[1]));
  const bTokens = tokenize(s.slice(b[0], b[1]));
  const f = new Set<string>();
  f.add('bias');
  f.add(`dist=${distanceBucket(between.length)}`);

  const bs = between.map(stem);
  for (let i = 0; i < bs.length; i++) {
    f.add(`b:${bs[i]}`);
    if (i + 1 < bs.length) f.add(`bb:${bs[i]}_${bs[i + 1]}`);
  }
  if (bs.length) {
    f.add(`bfirst:${bs[0]}`);
    f.add(`blast:${bs[bs.length - 1]}`);
    if (bs.length <= 4) f.add(`bshort:${bs.join('_')}`);
  } else f.add('b:EMPTY');

  const ls = left.map(stem);
  for (let i = Math.max(0, ls.length - 4); i < ls.length; i++) f.add(`l:${ls[i]}`);
  if (ls.length) f.add(`l1:${ls[ls.length - 1]}`);
  else f.add('l:START');
  const rs = right.map(stem);
  for (let i = 0; i < Math.min(5, rs.length); i++) f.add(`r:${rs[i]}`);
  if (rs.length) f.add(`r1:${rs[0]}`);
  else f.add('r:END');
  if (rs.length > 1) f.add(`rr:${rs[0]}_${rs[1]}`);
  // Possessives: "A's decision", "the A’s".
  if (between[0] === "'" || between[0] === '’' || /^['’]s$/.test(between[0] ?? '')) f.add('a:poss');
  if (right[0] === "'" || right[0] === '’' || /^['’]s$/.test(right[0] ?? '')) f.add('b:poss');
  for (const t of aTokens) f.add(`ea:${t}`);
  for (const t of bTokens) f.add(`eb:${t}`);

  // Lexicon cues by region, with negation and passive voice.
  const regions: Array<[string, string[]]> = [['L', left], ['B', between], ['R', right]];
  for (const [name, toks] of regions) {
    for (let i = 0; i < toks.length; i++) {
      const pol = cuePolarity(toks, i);
      if (pol !== 0) {
        const sign = pol > 0 ? 'pos' : 'neg';
        const neg = negatedAt(toks, i) ? ':not' : '';
        f.add(`cue:${name}:${sign}${neg}`);
        if (name === 'B') {
          const passive = i > 0 && auxiliaries.has(toks[i - 1]) && toks.slice(i + 1, i + 4).includes('by');
          const passiveToB = toks.slice(i + 1).includes('by') && i + 1 < toks.length && toks[toks.length - 1] === 'by';
          if (passive || passiveToB) f.add(`cue:B:${sign}:passive`);
          // How close the cue is to each entity: "A praised B" vs a cue deep inside a clause.
          if (i <= 2) f.add(`cue:B:${sign}:nearA`);
          if (toks.length - i <= 3) f.add(`cue:B:${sign}:nearB`);
        }
        if (name === 'L' && toks.length - i <= 4) f.add(`cue:L:${sign}:nearA`);
        if (name === 'R' && i <= 3) f.add(`cue:R:${sign}:nearB`);
      }
      if (reporting.has(toks[i]) || reporting.has(stem(toks[i]))) f.add(`report:${name}`);
      if (isNegator(toks[i])) f.add(`negator:${name}`);
    }
  }
  // Reported speech, "A said (that) B is a liar": the judgement after B is A's opinion of B.
  const reportedBetween = between.some((t) => reporting.has(t) || reporting.has(stem(t)));
  if (reportedBetween) {
    let judged = 0;
    for (let i = 0; i < Math.min(right.length, 8) && judged === 0; i++) {
      if (['.', ';', '?', '!'].includes(right[i])) break;
      judged = cuePolarity(right, i) * (negatedAt(right, i) ? -1 : 1);
    }
    if (judged !== 0) f.add(`reported:A${judged > 0 ? '+' : '-'}B`);
  }
  if (between.includes('by')) f.add('b:has_by');
  if (between.some((t) => t === '“' || t === '"' || t === '”')) f.add('b:quote');
  if (between.includes(',')) f.add('b:comma');
  return { features: [...f], swapped };
}

const PASSIVE_BETWEEN = /^\s*(?:['’]s\s+)?(?:(?:has|have|had)\s+)?(?:was|were|is|are|been|being|be|got|gets|get)\s+(?:(?:\p{L}+ly|also|again|repeatedly|publicly|not)\s+)*(\p{L}+(?:ed|en|t))\s+by\s*$/iu;

/**
 * When the words between the entities are a passive verb ("was sharply
 * criticised by"), the same pair rewritten in the active voice ("B criticised
 * A"); else null. The rewrite keeps p and q, so the caller's mapping is unchanged.
 */
export function activeVoice(pair: EntityPair): EntityPair | null {
  const swapped = pair.q[0] < pair.p[0];
  const [a, b] = swapped ? [pair.q, pair.p] : [pair.p, pair.q];
  if (b[0] < a[1]) return null;
  const s = pair.sentence;
  const m = s.slice(a[1], b[0]).match(PASSIVE_BETWEEN);
  if (!m) return null;
  const aText = s.slice(a[0], a[1]);
  const bText = s.slice(b[0], b[1]);
  const head = s.slice(0, a[0]);
  const rewritten = `${head}${bText} ${m[1]} ${aText}${s.slice(b[1])}`;
  const newB: [number, number] = [head.length, head.length + bText.length];
  const newAStart = newB[1] + 1 + m[1].length + 1;
  const newA: [number, number] = [newAStart, newAStart + aText.length];
  // The entity that was first (A) is now second.
  return swapped ? { sentence: rewritten, q: newA, p: newB } : { sentence: rewritten, p: newA, q: newB };
}
