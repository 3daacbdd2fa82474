/**
 * Finds attributions (who says what) in English news text with a fast
 * hand-written tokenizer, quote pairing that follows newsroom conventions, and
 * rules around cues found by a lexicon learned from PolNeAR's train split
 * (attributionLexicon.ts) and, for ambiguous words, a small context model
 * (attributionCues.ts). No NLP library: the whole pass is linear in the text.
 *
 * Conventions learned from the PolNeAR gold annotations:
 * - a direct quote's content includes its quote marks and the punctuation inside them;
 * - an indirect content includes a leading "that" but not the sentence's final period;
 * - a source is the mention as written, titles and appositions included
 *   ("A Twitter spokesman, Christopher Abboud,"), a bare pronoun or relative
 *   pronoun ("he", "who") when that is what the sentence has;
 * - a cue is the reporting word(s): "said", "according to", "told".
 */
import { CUE_WORDS } from './attributionLexicon';
import { cueProbability, type CueToken } from './attributionCues';

/** Cue word → learned precision; a Map so that words like "constructor" are never found on a prototype. */
const CUE_PRECISION_OF = new Map<string, number>(Object.entries(CUE_WORDS).map(([w, [, p]]) => [w, p]));
const cueP = (w: string): number => CUE_PRECISION_OF.get(w) ?? 0;

// Offsets are UTF-16 indices into `text` (the assembler converts to code points).
export interface AttributionSpan { start: number; end: number }
export interface Attribution {
  content: AttributionSpan;
  cue: AttributionSpan | null;
  source: AttributionSpan | null;
  kind: 'direct' | 'indirect' | 'mixed';
  /**
   * Set when a quote continues an earlier attribution without a new cue (newsroom convention: a
   * paragraph that opens a quote continues the previous speaker) — index into the returned array.
   * Such an attribution has `cue: null` and repeats the earlier attribution's `source` span.
   */
  continues?: number;
}

// ---------------------------------------------------------------- tokens

const enum K { Word, Punct, OpenQ, CloseQ, AmbQ }

interface Tok {
  s: number;
  e: number;
  /** Lower-cased text. */
  w: string;
  k: K;
  /** First character is an upper-case letter. */
  cap: boolean;
  /** A line break precedes this token (paragraph boundary in news text). */
  nl: boolean;
  /** Quote region containing this token (marks included), or -1. */
  q: number;
  /** Learned precision of the word as an attribution cue (0 when not a cue word). */
  p: number;
  /** Contextual probability that this word heads a cue (attributionCues.ts), 0 inside quotes. */
  m: number;
}

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  if (c === 0x2019 || c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2014 || c === 0x2013 || c === 0x2026 || c === 0xa0) return false;
  return c >= 0xc0 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0xd800 && c <= 0xdfff) && !(c >= 0x3000 && c <= 0x303f);
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  let nl = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) { nl = true; i++; continue; }
    if (c === 32 || c === 9 || c === 0xa0 || c === 12 || c === 0x2028 || c === 0x2029) { if (c === 0x2029) nl = true; i++; continue; }
    const s = i;
    let k = K.Punct;
    if (isWordChar(c)) {
      i++;
      for (;;) {
        while (i < n && isWordChar(text.charCodeAt(i))) i++;
        // Keep in-word apostrophes and hyphens: "don't", "Trump's", "al-Assad".
        const d = text.charCodeAt(i);
        if ((d === 39 || d === 0x2019 || d === 45) && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) { i++; continue; }
        break;
      }
      k = K.Word;
    } else if (c === 0x201c || c === 0x201e) { i++; k = K.OpenQ; }
    else if (c === 0x201d) { i++; k = K.CloseQ; }
    else if (c === 34) { i++; k = K.AmbQ; }
    else if (c === 96 && text.charCodeAt(i + 1) === 96) { i += 2; k = K.OpenQ; }
    else if (c === 39 && text.charCodeAt(i + 1) === 39) { i += 2; k = K.AmbQ; }
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) { i += 2; }
    else i++;
    const w = k === K.Word ? text.slice(s, i).toLowerCase() : text.slice(s, i);
    const f = text.charCodeAt(s);
    const cap = k === K.Word && ((f >= 65 && f <= 90) || (f > 127 && text[s].toLowerCase() !== text[s]));
    toks.push({ s, e: i, w, k, cap, nl, q: -1, p: k === K.Word ? cueP(w) : 0, m: 0 });
    nl = false;
  }
  return toks;
}

// ---------------------------------------------------------------- quotes

interface Quote { open: number; close: number; /** token index range, marks included */ }

/**
 * Pairs quote marks. A paragraph that ends inside a quote and is followed by a
 * paragraph opening with a quote mark continues the quote (newsroom convention
 * for multi-paragraph quotes); otherwise the quote ends with its paragraph.
 */
function pairQuotes(toks: Tok[]): Quote[] {
  const quotes: Quote[] = [];
  let open = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.nl && open >= 0) {
      const continues = t.k === K.OpenQ || t.k === K.AmbQ;
      if (continues) continue;
      quotes.push({ open, close: i - 1 });
      open = -1;
    }
    if (t.k === K.OpenQ) {
      if (open >= 0 && i - open > 1) quotes.push({ open, close: i - 1 });
      open = i;
    } else if (t.k === K.CloseQ) {
      if (open >= 0) { quotes.push({ open, close: i }); open = -1; }
    } else if (t.k === K.AmbQ) {
      // A straight mark opens when nothing is open, unless it is glued to the
      // previous word with a space after it (then it is a stray closing mark).
      if (open >= 0) { quotes.push({ open, close: i }); open = -1; }
      else open = i;
    }
  }
  if (open >= 0 && toks.length - 1 > open) quotes.push({ open, close: toks.length - 1 });
  for (let qi = 0; qi < quotes.length; qi++) for (let i = quotes[qi].open; i <= quotes[qi].close; i++) toks[i].q = qi;
  return quotes;
}

// ---------------------------------------------------------------- sentences

const ABBREV = new Set(['mr', 'mrs', 'ms', 'dr', 'sen', 'rep', 'gov', 'gen', 'lt', 'col', 'sgt', 'capt', 'st', 'jr', 'sr', 'prof', 'rev', 'vs', 'v', 'no', 'inc', 'co', 'corp', 'ltd', 'u.s', 'jan', 'feb', 'mar', 'apr', 'aug', 'sept', 'sep', 'oct', 'nov', 'dec', 'pres', 'gens', 'reps', 'sens', 'mt', 'ft', 'ave', 'e.g', 'i.e', 'p.m', 'a.m', 'calif', 'fla', 'ill', 'mass', 'n.y', 'wash', 'ariz', 'colo', 'conn', 'del', 'ga', 'ind', 'kan', 'ky', 'la', 'md', 'mich', 'minn', 'miss', 'mo', 'mont', 'neb', 'nev', 'okla', 'ore', 'pa', 'tenn', 'tex', 'va', 'vt', 'wis', 'wyo', 'gop']);

/** "“Why not?” Jane Doe asked." — a short "Name cue" right after a quote belongs to the quote's sentence. */
function reportingClauseFollows(toks: Tok[], i: number): boolean {
  for (let k = i; k < toks.length && k < i + 6; k++) {
    const t = toks[k];
    if (t.k !== K.Word && t.w !== '.') return false;
    if (t.k === K.Word && k > i && t.p >= 0.5 && !t.cap) {
      // Only a bare reporting clause: "… he said." / "… said Jane Doe." / "… she said on Monday.",
      // not a new statement ("Macron said Thursday that …").
      for (let m = k + 1; m < toks.length && m < k + 9; m++) {
        const x = toks[m];
        if (x.w === '.' || x.w === ',' || x.w === '!' || x.w === '?' || x.nl) return true;
        if (x.q >= 0 || x.w === 'that' || (x.k === K.Word && !x.cap && !ADJUNCT_START.has(x.w) && !DETERMINERS.has(x.w) && m === k + 1)) return false;
      }
      return false;
    }
    if (t.k === K.Word && !t.cap && !PRONOUNS.has(t.w) && k > i) return false;
    if (k === i && t.k === K.Word && !t.cap) return t.p >= 0.5;
  }
  return false;
}

/** Sentence boundaries as [first, last] token ranges; quote regions are never split. */
function sentences(toks: Tok[], quotes: Quote[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (i > start && t.nl && (t.q < 0 || quotes[t.q].open === i || toks[i - 1].q !== t.q)) {
      out.push([start, i - 1]);
      start = i;
      continue;
    }
    // End after . ! ? outside quotes, or after a closing mark that follows one.
    let endHere = false;
    if (t.q < 0 && t.k === K.Punct && (t.w === '.' || t.w === '!' || t.w === '?')) {
      const prev = toks[i - 1];
      endHere = !(t.w === '.' && prev && prev.k === K.Word && prev.e === t.s && (ABBREV.has(prev.w) || (prev.w.length === 1 && prev.cap)));
    } else if (t.q >= 0 && quotes[t.q].close === i && t.k !== K.Word && i > 0) {
      const p = toks[i - 1].w;
      endHere = (p === '.' || p === '!' || p === '?') && !reportingClauseFollows(toks, i + 1);
    }
    if (endHere) {
      const nx = toks[i + 1];
      if (!nx || nx.nl || nx.cap || nx.k === K.OpenQ || nx.k === K.AmbQ || (nx.k === K.Word && /^\d/.test(nx.w))) {
        out.push([start, i]);
        start = i + 1;
      }
    }
  }
  if (start < toks.length) out.push([start, toks.length - 1]);
  return out;
}

// ---------------------------------------------------------------- lexicons

/** Minimum learned precision for a cue word to be taken on its own. */
const CUE_PRECISION = 0.25;
/** Minimum probability from the context model (attributionCues.ts) for any other candidate word; tuned by 2-fold cross-validation on train. */
const CUE_MODEL_THRESHOLD = 0.4;

/** Verbs whose object is the addressee, not the content: "told reporters that …". */
const ADDRESSEE_VERBS = new Set(['told', 'tell', 'tells', 'telling', 'warned', 'warning', 'warns', 'assured', 'informed', 'reminded', 'asked', 'asking', 'urged', 'urging', 'promised', 'convinced', 'advised']);

/** Words skipped between a subject and its cue: "Trump has also said". */
const AUX = new Set(['has', 'have', 'had', 'also', 'later', 'previously', 'would', 'will', 'is', 'was', 'were', 'are', 'reportedly', 'then', 'once', 'repeatedly', 'publicly', 'privately', 'recently', 'again', 'quickly', 'simply', 'flatly', 'never', 'not', 'did', 'does', 'do', 'could', 'may', 'might', 'should', 'must', 'can', 'often', 'already', 'just', 'first', 'since', 'frequently', 'explicitly', 'openly', 'clearly', 'even', 'still', 'long', 'being', 'been', 'be', 'to', 'both', 'all', 'each', 'who', 'now']);

/** Words that end a subject noun phrase when scanning left from the cue. */
const LEFT_STOP = new Set(['that', 'and', 'but', 'or', 'because', 'when', 'while', 'if', 'as', 'since', 'after', 'before', 'although', 'though', 'where', 'so', 'than', 'whether', 'what', 'why', 'how', 'is', 'was', 'were', 'are', 'be', 'in', 'on', 'at', 'during', 'with', 'to', 'for', 'into', 'from', 'by', 'about', 'yesterday', 'today', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'week', 'night', 'morning', 'afternoon', 'evening', 'last', 'earlier', 'later', 'then', 'now', 'also', 'however', 'meanwhile', 'instead', 'yet', 'still', 'has', 'have', 'had', 'it', 'this', 'there', 'here', 'not', 'would', 'will', 'can', 'could', 'should', 'may', 'might', 'must', 'did', 'does', 'do']);

/** Cues whose grammatical subject PolNeAR does not annotate as the source: "X is expected to …", "X seems …". */
const SOURCELESS_CUES = new Set(['expected', 'expects', 'seem', 'seems', 'seemed', 'appear', 'appears', 'appeared']);

/** Relative pronouns that are the whole source when they directly precede the cue: "…, who said …". */
const RELATIVE = new Set(['who', 'which', 'whom']);

/** Line labels that are not speakers: "Related: …", "Update: …". */
const COLON_LABELS = new Set(['related', 'update', 'updated', 'watch', 'photos', 'photo', 'video', 'editor', 'note', 'correction', 'read', 'see', 'also', 'more', 'breaking', 'exclusive', 'live', 'via', 'listen', 'q', 'question', 'abstract', 'source', 'sources', 'image', 'credit', 'by', 'tags', 'share', 'subscribe', 'advertisement', 'posted', 'filed', 'topics', 'full', 'text', 'warning', 'caption']);

/** Words opening a fronted subordinate clause, never a subject. */
const SUBORDINATORS = new Set(['after', 'as', 'when', 'while', 'if', 'although', 'though', 'because', 'since', 'before', 'but', 'and', 'so', 'once', 'until', 'unless', 'whether', 'in', 'on', 'at', 'during', 'for', 'with', 'despite', 'following', 'amid', 'by', 'from', 'under', 'to']);

/** Prepositions that may sit inside a source phrase: "the head of the agency", "officials in Kyiv". */
const NP_PREPOSITIONS = new Set(['of', 'in', 'for', 'at', 'from', 'with', 'on', 'to', 'by']);

/** "that's", "it's", "there's": a pronoun fused with a verb is not a source mention. */
const CONTRACTIONS = /^(?:that|it|there|here|what|who|he|she|where|how)['’]s$/;

/** Particles of phrasal reporting verbs: "points out", "shot back", "went on". */
const PARTICLES = new Set(['out', 'back', 'up', 'on', 'in']);
const PREPOSITIONS = new Set(['after', 'before', 'on', 'in', 'at', 'during', 'for', 'to', 'with', 'from', 'since', 'until', 'while', 'into', 'by', 'over', 'under', 'through', 'around', 'outside', 'inside', 'near']);
const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'these', 'those', 'his', 'her', 'its', 'their', 'our', 'my', 'your', 'some', 'any', 'no', 'every', 'of', 'having', 'being', 'basically', 'only', 'just']);
const SUBJECT_PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we']);
const PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we', 'you', 'it']);
const OBJECT_PRONOUNS = new Set(['him', 'her', 'them', 'me', 'us', 'you', 'reporters', 'journalists', 'supporters', 'voters', 'listeners', 'viewers', 'lawmakers', 'colleagues', 'interviewers', 'audiences', 'crowds', 'it']);

/** Short adjuncts that may follow a cue before the content or sentence end: "said on Monday", "said in a statement". */
const ADJUNCT_START = new Set(['on', 'in', 'at', 'during', 'last', 'this', 'yesterday', 'today', 'earlier', 'later', 'late', 'recently', 'previously', 'again', 'also', 'repeatedly', 'publicly', 'privately', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'via', 'through', 'before', 'after', 'while', 'when', 'from', 'to', 'of', 'flatly', 'bluntly', 'simply', 'then', 'once', 'afterward', 'afterwards', 'tonight', 'here', 'there', 'this', 'recently', 'over', 'about', 'with', 'under']);

function isTerminal(t: Tok | undefined): boolean {
  return !!t && t.k === K.Punct && (t.w === '.' || t.w === '!' || t.w === '?');
}

// ---------------------------------------------------------------- phrase finders

const DAY_WORDS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'yesterday', 'today', 'tonight']);
const PERIOD_WORDS = new Set(['week', 'month', 'year', 'night', 'morning', 'afternoon', 'evening', 'weekend']);

/**
 * Where the words before a time adjunct ending at token `j` end ("on Tuesday",
 * "Wednesday night", "last week", "earlier this month"), or `j` itself when
 * there is none.
 */
function timeAdjunctBefore(toks: Tok[], j: number, lo: number): number {
  if (j < lo || toks[j].k !== K.Word) return j;
  let k = j;
  if (PERIOD_WORDS.has(toks[k].w) && k - 1 >= lo && (DAY_WORDS.has(toks[k - 1].w) || toks[k - 1].w === 'last' || toks[k - 1].w === 'this')) k -= 2;
  else if (DAY_WORDS.has(toks[k].w)) k -= 1;
  else return j;
  if (k >= lo && (toks[k].w === 'on' || toks[k].w === 'earlier' || toks[k].w === 'late' || toks[k].w === 'early')) k--;
  // The adjunct must sit after a word that can end a subject, not open the sentence.
  if (k < lo || toks[k].k !== K.Word || LEFT_STOP.has(toks[k].w) && !PRONOUNS.has(toks[k].w)) return j;
  return k;
}

/**
 * The subject noun phrase ending just before token `cue` (after skipping
 * auxiliaries and adverbs), within [lo, cue). Returns a token range or null.
 */
function subjectBefore(toks: Tok[], cue: number, lo: number): [number, number] | null {
  let j = cue - 1;
  for (;;) {
    while (j >= lo && toks[j].k === K.Word && AUX.has(toks[j].w)) {
      if (RELATIVE.has(toks[j].w)) return [j, j];
      j--;
    }
    // A time adjunct between subject and cue: "Jane Doe on Tuesday said", "the mayor last week urged".
    const skip = timeAdjunctBefore(toks, j, lo);
    if (skip === j) break;
    j = skip;
  }
  if (j < lo) return null;
  const last = toks[j];
  if (last.k === K.Word && RELATIVE.has(last.w)) return [j, j];
  if (last.k === K.Word && last.w === 'that' && j > lo && toks[j - 1].k === K.Word && !LEFT_STOP.has(toks[j - 1].w)) return [j, j];
  // Apposition closed by a comma: "Jack Dorsey, Twitter's chief executive, said".
  if (last.k === K.Punct && last.w === ',') {
    let k = j - 1, commas = 0;
    for (; k >= lo && k > j - 32; k--) {
      const t = toks[k];
      if (t.k === K.Punct && t.w === ',') { commas++; if (commas === 1) break; }
      if (t.k !== K.Word && t.w !== '.' && t.w !== '-' && t.w !== '&' && t.w !== '(' && t.w !== ')') return null;
    }
    if (commas !== 1 || k - 1 < lo) return null;
    // The phrase before the first comma must itself look like a name or a nominal head.
    const head = nounPhraseLeft(toks, k - 1, lo, 8);
    if (!head) return null;
    return [head[0], j];
  }
  return nounPhraseLeft(toks, j, lo, 12);
}

/** A noun phrase ending at token `end`, scanning left until a stop word or punctuation. */
function nounPhraseLeft(toks: Tok[], end: number, lo: number, max: number): [number, number] | null {
  const t = toks[end];
  if (t.k !== K.Word || (LEFT_STOP.has(t.w) && !PRONOUNS.has(t.w)) || DETERMINERS.has(t.w) || (!t.cap && t.p >= 0.3)) return null;
  if (PRONOUNS.has(t.w)) return [end, end];
  if (CONTRACTIONS.test(t.w)) return null;
  let j = end;
  while (j - 1 >= lo && end - (j - 1) < max) {
    const p = toks[j - 1];
    if (p.k === K.Word) {
      if (LEFT_STOP.has(p.w) || PRONOUNS.has(p.w) || RELATIVE.has(p.w)) {
        // "the head of the agency", "officials in Washington": a preposition between two
        // nominal words stays inside the phrase; other stop words end it.
        const before = j - 2 >= lo ? toks[j - 2] : undefined;
        const inner = NP_PREPOSITIONS.has(p.w) && before !== undefined && before.k === K.Word &&
          !LEFT_STOP.has(before.w) && !PRONOUNS.has(before.w) && !RELATIVE.has(before.w) && !(before.p >= 0.3 && !before.cap);
        // "Jane Doe and John Roe said", "Doe and her aides said": a coordinated subject after a name.
        const coordinated = p.w === 'and' && before !== undefined && before.k === K.Word && before.cap && before.q < 0 && !LEFT_STOP.has(before.w);
        if (!inner && !coordinated) break;
      }
      if (!p.cap && p.p >= 0.3) break;
      j--;
      continue;
    }
    if (p.k === K.Punct && p.w === ')' ) {
      // "Sen. Jane Doe (D-Ore.) said": a party-and-state tag inside the name.
      let k = j - 2;
      while (k >= lo && k > j - 8 && toks[k].w !== '(') k--;
      if (k > lo && toks[k].w === '(' && toks[k - 1].k === K.Word) { j = k - 1; continue; }
      break;
    }
    if (p.k === K.Punct && (p.w === '.' || p.w === '-' || p.w === '&') && j - 2 >= lo && toks[j - 2].k === K.Word && toks[j - 2].e === p.s) {
      // "Mr. Trump", "U.S. officials": an abbreviation's period inside the phrase.
      if (p.w === '.' && !(ABBREV.has(toks[j - 2].w) || (toks[j - 2].w.length <= 2))) break;
      j -= 2;
      continue;
    }
    break;
  }
  return [j, end];
}

/** A noun phrase starting at token `start` going right: "said Mr. Trump", "according to officials". */
function nounPhraseRight(toks: Tok[], start: number, hi: number, max: number): [number, number] | null {
  if (start > hi) return null;
  const first = toks[start];
  if (first.k !== K.Word || first.q >= 0) return null;
  if (first.w === 'that' || ADJUNCT_START.has(first.w) && !first.cap) return null;
  let j = start;
  while (j + 1 <= hi && j + 1 - start < max) {
    const nx = toks[j + 1];
    if (nx.q >= 0) break;
    if (nx.k === K.Word) {
      if (nx.w === 'that' || nx.w === 'who' || nx.w === 'in' || nx.w === 'on' || nx.w === 'at' || nx.w === 'during' || nx.w === 'when' || nx.w === 'while' || nx.w === 'as' || nx.w === 'after' || nx.w === 'before' || nx.w === 'because' || nx.w === 'and' && !toks[j].cap) break;
      if (nx.p > 0.5) break;
      j++;
      continue;
    }
    if (nx.k === K.Punct && (nx.w === '.' || nx.w === '-' || nx.w === '&') && toks[j].e === nx.s && j + 2 <= hi && toks[j + 2].k === K.Word && (ABBREV.has(toks[j].w) || toks[j].w.length <= 2)) { j++; continue; }
    if (nx.k === K.Punct && nx.w === '.' && toks[j].e === nx.s && (ABBREV.has(toks[j].w) || (toks[j].w.length === 1 && toks[j].cap))) { j++; continue; }
    if (nx.k === K.Punct && nx.w === '(' && toks[j].cap) {
      let k = j + 2;
      while (k <= hi && k < j + 8 && toks[k].w !== ')') k++;
      if (k <= hi && toks[k].w === ')') { j = k; continue; }
    }
    break;
  }
  return [start, j];
}

// ---------------------------------------------------------------- extraction

/**
 * The subject at the start of the sentence [lo, …) ending before `limit`:
 * the source of a participial cue ("Trump spoke for an hour, saying …").
 */
function sentenceSubject(toks: Tok[], lo: number, limit: number): [number, number] | null {
  let s = lo;
  while (s < limit && toks[s].k !== K.Word) s++;
  // Skip a fronted adjunct closed by a comma: "On Monday, Trump …"; a fronted
  // subordinate clause ("After the results came in, …") must end with one.
  let comma = -1;
  const maxFront = SUBORDINATORS.has(toks[s]?.w) ? 30 : 8;
  for (let k = s; k < limit && k < s + maxFront; k++) if (toks[k].w === ',') { comma = k; break; }
  if (comma >= 0) s = comma + 1;
  else if (SUBORDINATORS.has(toks[s]?.w)) return null;
  if (s >= limit) return null;
  const t = toks[s];
  if (t.k !== K.Word || t.q >= 0) return null;
  if (SUBJECT_PRONOUNS.has(t.w)) return [s, s];
  if (!t.cap && !DETERMINERS.has(t.w)) return null;
  let e = s;
  while (e + 1 < limit && e - s < 8) {
    const nx = toks[e + 1];
    if (nx.k === K.Word && (nx.cap || (DETERMINERS.has(toks[e].w) && !LEFT_STOP.has(nx.w)))) { e++; continue; }
    if (nx.k === K.Punct && nx.w === '.' && (ABBREV.has(toks[e].w) || toks[e].w.length === 1) && toks[e + 2]?.cap) { e++; continue; }
    break;
  }
  if (DETERMINERS.has(toks[e].w)) return null;
  return [s, e];
}

/** "“…,” he insisted" / "“…,” Jane Doe quipped": a name or pronoun then a past or present verb, after a quote. */
function looseCueAfterQuote(toks: Tok[], j: number, hi: number): { source: [number, number]; cue: number } | null {
  const t = toks[j];
  if (!t || j > hi || t.k !== K.Word || t.q >= 0) return null;
  let e = j;
  if (!SUBJECT_PRONOUNS.has(t.w)) {
    if (!t.cap) return null;
    while (e + 1 <= hi && e - j < 5) {
      const nx = toks[e + 1];
      if (nx.k === K.Word && nx.cap) { e++; continue; }
      if (nx.k === K.Punct && nx.w === '.' && ABBREV.has(toks[e].w)) { e++; continue; }
      break;
    }
  }
  const v = toks[e + 1];
  if (!v || e + 1 > hi || v.k !== K.Word || v.cap || v.q >= 0) return null;
  if (!(v.w.endsWith('ed') || (v.w.endsWith('s') && !v.w.endsWith('ss')) || v.p > 0)) return null;
  const after = toks[e + 2];
  if (after && e + 2 <= hi && after.k === K.Word && !ADJUNCT_START.has(after.w) && !PARTICLES.has(after.w) && v.p < 0.2) return null;
  if (after && PARTICLES.has(after.w) && e + 2 <= hi) return { source: [j, e], cue: e + 1 };
  return { source: [j, e], cue: e + 1 };
}

interface Draft {
  content: [number, number]; // token range
  cue: [number, number] | null;
  source: [number, number] | null;
  continuesDraft?: Draft;
}

/** The source after an inverted cue ("…, said Jane Doe, a lawyer for the city."), apposition included up to the sentence end. */
function invertedSource(toks: Tok[], c: number, hi: number): [number, number] | null {
  const np = nounPhraseRight(toks, c + 1, hi, 10);
  if (!np) return null;
  const next = toks[np[1] + 1];
  if (next && np[1] + 1 <= hi && (next.w === ',' || RELATIVE.has(next.w))) {
    const end = trimEnd(toks, np[1] + 1, hi);
    let clean = end - np[1] <= 25;
    for (let k = np[1] + 1; k <= end && clean; k++) if (toks[k].q >= 0 || (toks[k].k === K.Word && toks[k].w === 'that')) clean = false;
    if (clean && end >= np[1] + 1) return [np[0], end];
  }
  return np;
}

/** Token index after skipping an addressee ("reporters", "CNN", "the newspaper") and short adjuncts. */
function skipAfterCue(toks: Tok[], i: number, hi: number, cueWord: string): number {
  // Within a few tokens, a "that" marks the content start: "told CNN on Sunday that …".
  for (let k = i; k <= hi && k < i + 9; k++) {
    const t = toks[k];
    if (t.q >= 0 || (t.k === K.Punct && t.w !== '.' && t.w !== ',')) break;
    if (t.k === K.Word && t.w === 'that') return k;
  }
  let j = i;
  if (ADDRESSEE_VERBS.has(cueWord) && j <= hi && toks[j].k === K.Word) {
    if (OBJECT_PRONOUNS.has(toks[j].w)) j++;
    else if (toks[j].cap) { while (j <= hi && toks[j].k === K.Word && toks[j].cap) j++; }
    else if (toks[j].w === 'the' || toks[j].w === 'a' || toks[j].w === 'an') { j++; while (j <= hi && j < i + 4 && toks[j].k === K.Word && toks[j].w !== 'to' && toks[j].w !== 'that') j++; }
  }
  while (j <= hi && toks[j].k === K.Punct && (toks[j].w === ':' || toks[j].w === ',')) j++;
  return j;
}

/** Last token of the clause content ending at `hi`, excluding final punctuation outside quotes. */
function trimEnd(toks: Tok[], lo: number, hi: number): number {
  let h = hi;
  while (h >= lo && toks[h].q < 0 && toks[h].k !== K.Word) h--;
  return h;
}

const CLAUSE_BREAK_WORDS = new Set(['but', 'while', 'although', 'though', 'whereas']);

/**
 * Where reported content ends inside [lo, hi]: before ", but …", ", adding …",
 * a semicolon or a dash, which start a new clause of the narrator or a new cue.
 */
function clauseEnd(toks: Tok[], lo: number, hi: number): number {
  for (let k = lo + 1; k <= hi; k++) {
    const t = toks[k];
    if (t.q < 0 && t.k === K.Word && (t.w === 'and' || t.w === 'but' || t.w === 'while') && k + 1 <= hi) {
      // "… and tells the crowd …", "… while adding …": a second reporting verb starts a new statement;
      // ", and he railed …": so does a new clause about the speaker.
      const nx = toks[k + 1];
      if (nx.k === K.Word && !nx.cap && nx.p >= 0.3 && nx.w !== 'that') return trimEnd(toks, lo, k - 1);
      if (toks[k - 1].w === ',' && nx.k === K.Word && SUBJECT_PRONOUNS.has(nx.w) && nx.w !== 'i' && nx.w !== 'we') return trimEnd(toks, lo, k - 2);
    }
    if (t.q >= 0 || t.k !== K.Punct) continue;
    if (t.w === ';') return trimEnd(toks, lo, k - 1);
    if (t.w === ',' && k + 1 <= hi) {
      const nx = toks[k + 1];
      if (nx.k === K.Word && (CLAUSE_BREAK_WORDS.has(nx.w) || (nx.w.endsWith('ing') && nx.p >= 0.3))) return trimEnd(toks, lo, k - 1);
    }
  }
  return hi;
}

function trimStart(toks: Tok[], lo: number, hi: number): number {
  let l = lo;
  while (l <= hi && toks[l].q < 0 && toks[l].k !== K.Word) l++;
  // Discourse connectives are not part of the reported content.
  while (l <= hi && toks[l].k === K.Word && (toks[l].w === 'but' || toks[l].w === 'and' || toks[l].w === 'so' || toks[l].w === 'yet')) l++;
  return l;
}

function wordsIn(toks: Tok[], lo: number, hi: number): number {
  let n = 0;
  for (let i = lo; i <= hi; i++) if (toks[i].k === K.Word) n++;
  return n;
}

export function findAttributions(text: string): Attribution[] {
  try {
    return findAttributionsOrThrow(text);
  } catch {
    // Extraction is advisory: a bug on some odd input must never break the caller.
    return [];
  }
}

/** findAttributions without the safety net, so that tests see internal errors. */
export function findAttributionsOrThrow(text: string): Attribution[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const toks = tokenize(text);
  const quotes = pairQuotes(toks);
  const sents = sentences(toks, quotes);
  {
    // Contextual cue probabilities, outside quotes only (a quote is the content, never the cue).
    for (const [lo, hi] of sents) {
      let quoteInSentence = false;
      for (let i = lo; i <= hi; i++) if (toks[i].q >= 0) { quoteInSentence = true; break; }
      for (let i = lo; i <= hi; i++) {
        const t = toks[i];
        // A frequent cue word is taken on its own (below), so only the ambiguous ones need the model.
        if (t.k === K.Word && t.q < 0 && t.p < CUE_PRECISION) t.m = cueProbability(toks, i, lo, hi, quoteInSentence);
      }
    }
  }
  const drafts: Draft[] = [];
  const usedCue = new Uint8Array(toks.length);

  for (const [lo, hi] of sents) {
    const before = drafts.length;
    // Cue candidates outside quotes.
    const cues: number[] = [];
    for (let i = lo; i <= hi; i++) {
      const t = toks[i];
      if (t.q >= 0 || t.k !== K.Word) continue;
      if (t.w === 'according' && i + 1 <= hi && toks[i + 1].w === 'to') { cues.push(i); continue; }
      // A frequent cue word is taken on its own; an ambiguous one ("wants", "show", "backed") when the
      // context model says this use reports a statement or a belief.
      if (t.p >= CUE_PRECISION || t.m >= CUE_MODEL_THRESHOLD) cues.push(i);
    }
    // Quote-driven attributions first: quotes whose cue sits right next to them.
    const sentQuotes: number[] = [];
    for (let i = lo; i <= hi; i++) if (toks[i].q >= 0 && quotes[toks[i].q].open === i) sentQuotes.push(toks[i].q);

    // "Poll: Senate races are tight" / "JANE DOE: We will win." — a line opening with a name and a colon.
    if (toks[lo].nl && toks[lo].k === K.Word && toks[lo].cap && !COLON_LABELS.has(toks[lo].w)) {
      let k = lo;
      while (k <= hi && k < lo + 6 && toks[k].k === K.Word && toks[k].q < 0 && (toks[k].cap || k > lo && (toks[k].w === 'and' || toks[k].w === 'of'))) k++;
      if (k <= hi && k > lo && toks[k].w === ':' && k + 1 <= hi) {
        let end = hi;
        // A transcript turn runs to the end of its paragraph.
        while (end + 1 < toks.length && !toks[end + 1].nl) end++;
        const e0 = trimEnd(toks, k + 1, end);
        if (wordsIn(toks, k + 1, e0) >= 2) {
          usedCue[k] = 1;
          drafts.push({ content: [k + 1, e0], cue: [k, k], source: [lo, k - 1] });
          continue;
        }
      }
    }
    const lastSourceInSentence = (): [number, number] | null => {
      for (let k = drafts.length - 1; k >= before; k--) if (drafts[k].source) return drafts[k].source;
      return null;
    };
    for (const qi of sentQuotes) {
      const qu = quotes[qi];
      // “…,” X said / “…,” said X
      let j = qu.close + 1;
      while (j <= hi && toks[j].k === K.Punct && (toks[j].w === ',' || toks[j].w === '—' || toks[j].w === '-' || toks[j].w === '–')) j++;
      let found: Draft | null = null;
      if (j <= hi && toks[j].q < 0) {
        // cue first: "said Mr. Smith"
        const c = cues.find((x) => x >= j && x <= j + 1 && !usedCue[x]);
        const commaAfterQuote = toks[qu.close - 1]?.w === ',' || toks[qu.close + 1]?.w === ',';
        if (c !== undefined && toks[c].w !== 'according' && commaAfterQuote && !toks[c].w.endsWith('ing')) {
          const np = invertedSource(toks, c, hi);
          // "…,” he said" is caught below; here only inverted order.
          if (np && c === j) { found = { content: [qu.open, qu.close], cue: [c, c], source: np }; }
        }
        if (!found) {
          for (const c2 of cues) {
            if (c2 <= j || c2 > j + 14 || usedCue[c2] || toks[c2].w === 'according') continue;
            const subj = subjectBefore(toks, c2, j);
            if (subj && subj[0] === j) { found = { content: [qu.open, qu.close], cue: [c2, c2], source: subj }; }
            break;
          }
        }
        if (!found && (toks[qu.close - 1]?.w === ',' || toks[qu.close + 1]?.w === ',')) {
          const loose = looseCueAfterQuote(toks, j, hi);
          if (loose) found = { content: [qu.open, qu.close], cue: [loose.cue, loose.cue], source: loose.source };
        }
      }
      if (!found) {
        // X said: “…”  /  X told reporters, “…”
        let b = qu.open - 1;
        while (b >= lo && toks[b].k === K.Punct && (toks[b].w === ',' || toks[b].w === ':' || toks[b].w === '—' || toks[b].w === '-')) b--;
        for (let c = b; c >= lo && c >= b - 4; c--) {
          if (toks[c].q >= 0) break;
          if (!cues.includes(c) || usedCue[c]) continue;
          const participle = toks[c - 1]?.w === ',' && toks[c].w.endsWith('ing');
          const subj = participle ? lastSourceInSentence() ?? sentenceSubject(toks, lo, c) : subjectBefore(toks, c, lo);
          // "…, said Jane Doe: “…”": an inverted name between cue and quote.
          const src = subj ?? (toks[c + 1]?.cap && toks[c].p >= 0.5 ? nounPhraseRight(toks, c + 1, b, 8) : null);
          if (!subj && !src) continue;
          // Content continues to the sentence end when the quote is followed by more of the clause.
          found = { content: [qu.open, qu.close], cue: [c, c], source: subj ?? src };
          break;
        }
      }
      if (!found && toks[qu.open - 1]?.w === ':' && qu.open - 2 >= lo && toks[qu.open - 1].q < 0) {
        // "Senator Jane Doe: “…”" — a colon as the cue after a bare name.
        const np = nounPhraseLeft(toks, qu.open - 2, lo, 8);
        if (np && np[0] === trimStart(toks, lo, np[1])) found = { content: [qu.open, qu.close], cue: [qu.open - 1, qu.open - 1], source: np };
      }
      if (found) {
        // "“A,” he said, “B.”": the second part belongs to the same statement.
        const c = found.cue![0];
        if (c > qu.close) {
          let k = Math.max(c, found.source![1]) + 1;
          while (k <= hi && toks[k].k === K.Punct && toks[k].q < 0) k++;
          if (k <= hi && toks[k].q >= 0 && quotes[toks[k].q].open === k) {
            found.content = [qu.open, quotes[toks[k].q].close];
          } else if (k <= hi && toks[k].k === K.Word) {
            // "“A,” he said, adding that …" is a separate cue; a plain clause continues the statement.
            const end = trimEnd(toks, k, hi);
            if (found.source![0] < c && !toks[k].cap && !cues.some((x) => x >= k && x <= end) && wordsIn(toks, k, end) >= 3 && toks[k - 1].w === ',') found.content = [qu.open, clauseEnd(toks, k, end)];
          }
        } else {
          // "X said the plan was “a disaster” for …": quote inside a longer clause.
          const end = trimEnd(toks, qu.close, hi);
          if (end > qu.close && wordsIn(toks, qu.close + 1, end) >= 1 && toks[qu.close + 1]?.w !== '.' ) found.content = [qu.open, end];
        }
        usedCue[found.cue![0]] = 1;
        drafts.push(found);
      }
    }

    // Indirect speech around remaining cues.
    // Strongest cues first, so that "said" claims its clause before a weaker cue inside it.
    const byStrength = cues.length > 1 ? [...cues].sort((a, b) => toks[b].p - toks[a].p || a - b) : cues;
    for (const c of byStrength) {
      if (usedCue[c]) continue;
      // A cue inside a found statement or inside a source's relative clause ("a diplomat who asked …") is not a new statement.
      if (drafts.slice(before).some((d) => (c >= d.content[0] && c <= d.content[1]) || (d.source !== null && c >= d.source[0] && c <= d.source[1]))) continue;
      const t = toks[c];
      if (t.w === 'according') {
        const np = nounPhraseRight(toks, c + 2, hi, 14);
        if (!np) continue;
        let npEnd = np[1];
        // Content: the rest of the sentence on the other side of the comma.
        let content: [number, number] | null = null;
        const npAtEnd = trimEnd(toks, np[1], hi) === np[1] && c - 1 > lo + 1;
        if ((c - 1 >= lo && toks[c - 1].w === ',') || npAtEnd) {
          const s0 = trimStart(toks, lo, c - 1);
          const e0 = trimEnd(toks, s0, c - 1);
          if (e0 >= s0) content = [s0, e0];
        } else {
          let k = npEnd + 1;
          while (k <= hi && toks[k].q < 0 && toks[k].w !== ',') k++;
          npEnd = k - 1;
          const s0 = trimStart(toks, k, hi);
          const e0 = trimEnd(toks, s0, hi);
          if (e0 >= s0) content = [s0, e0];
        }
        if (content && wordsIn(toks, content[0], content[1]) >= 2) {
          usedCue[c] = 1;
          drafts.push({ content, cue: [c, c + 1], source: [np[0], npEnd] });
        }
        continue;
      }
      // "…, saying …": a participle's source is the sentence subject, never the phrase before the comma.
      const participle = toks[c - 1]?.w === ',' && t.w.endsWith('ing');
      let subj = participle ? lastSourceInSentence() ?? sentenceSubject(toks, lo, c) : subjectBefore(toks, c, lo);
      if (!subj && toks[c - 1]?.w === 'and' && !t.w.endsWith('ing')) subj = lastSourceInSentence() ?? sentenceSubject(toks, lo, c - 1);
      let after = c + 1;
      let source: [number, number] | null = subj;
      let inverted = false;
      // Inverted: "…, said Mr. Smith." — source after the cue, content before it.
      if (!subj && !participle && c - 1 >= lo && toks[c - 1].w === ',') {
        const np = invertedSource(toks, c, hi);
        if (np) { source = np; after = np[1] + 1; inverted = true; }
      }
      if (!source) continue;
      const cs = skipAfterCue(toks, after, hi, t.w);
      // Is the rest of the sentence only adjuncts ("on Monday.", "in a statement.")?
      const restEnd = trimEnd(toks, cs, hi);
      const restStartsAdjunct = inverted || cs > restEnd || (ADJUNCT_START.has(toks[cs].w) && wordsIn(toks, cs, restEnd) <= 6 && !toks.slice(cs, restEnd + 1).some((x) => x.w === 'that' || x.q >= 0));
      const srcStart = source[0] < c ? source[0] : c;
      if (restStartsAdjunct && srcStart - 1 >= lo && (toks[srcStart - 1].w === ',' || toks[srcStart - 1].k === K.CloseQ || toks[srcStart - 1].k === K.AmbQ)) {
        // "CONTENT, X said." — content before the source.
        const s0 = trimStart(toks, lo, srcStart - 2);
        const e0 = trimEnd(toks, s0, srcStart - 1);
        if (e0 >= s0 && wordsIn(toks, s0, e0) >= 2) {
          usedCue[c] = 1;
          drafts.push({ content: [s0, e0], cue: [c, c], source });
        }
        continue;
      }
      if (cs > restEnd) continue;
      // "CONTENT1, X said, CONTENT2" — reporting clause in the middle.
      let s0 = cs;
      if (srcStart - 1 >= lo && toks[srcStart - 1].w === ',' && toks[c + 1]?.w === ',' && source[0] < c) {
        const first = trimStart(toks, lo, srcStart - 2);
        if (wordsIn(toks, first, srcStart - 2) >= 3) s0 = first;
      }
      const e0 = clauseEnd(toks, cs, restEnd);
      if (wordsIn(toks, s0, e0) < 2) continue;
      // "The coach spoke after the match": a weak cue followed by an adjunct reports nothing.
      if (s0 === cs && t.p < 0.5 && PREPOSITIONS.has(toks[cs].w)) continue;
      usedCue[c] = 1;
      drafts.push({ content: [s0, e0], cue: [c, c], source });
    }

    // Quotes without a cue of their own.
    for (const qi of sentQuotes) {
      const qu = quotes[qi];
      if (drafts.slice(before).some((d) => qu.open >= d.content[0] && qu.open <= d.content[1])) continue;
      if (wordsIn(toks, qu.open, qu.close) < 4) continue;
      const prev = drafts[drafts.length - 1];
      if (!prev || !prev.source) continue;
      const paraStart = toks[qu.open].nl;
      const prevEnd = prev.content[1];
      // Same paragraph, right after the previous attribution: the speaker keeps talking.
      // Newsroom convention: a further quote in the same paragraph, with no cue of
      // its own, is the same speaker going on ("“A,” she said. “B.”").
      let between = false;
      for (let k = prevEnd + 1; k < qu.open; k++) if (toks[k].nl || (toks[k].q >= 0 && toks[k].q !== qi)) between = true;
      const prevQuoted = toks[prev.content[0]].q >= 0 || toks[prev.content[1]].q >= 0;
      if (!paraStart && !between && prevQuoted && qu.open - prevEnd <= 60) {
        prev.content = [prev.content[0], qu.close];
        continue;
      }
      if (paraStart && (qu.open === lo)) {
        // A paragraph opening with a quote and no cue continues the previous speaker.
        let d = prev;
        while (d.continuesDraft) d = d.continuesDraft;
        drafts.push({ content: [qu.open, qu.close], cue: null, source: d.source, continuesDraft: d });
      }
    }
  }

  // Build the public records, sorted by content start.
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => toks[a.d.content[0]].s - toks[b.d.content[0]].s || a.i - b.i);
  const indexOf = new Map<Draft, number>();
  order.forEach(({ d }, k) => indexOf.set(d, k));
  const out: Attribution[] = [];
  for (const { d } of order) {
    const cStart = toks[d.content[0]].s, cEnd = toks[d.content[1]].e;
    // Direct when every word outside the quotes is the reporting clause itself ("“A,” he said, “B.”").
    let hasQuote = false, allQuote = true;
    for (let k = d.content[0]; k <= d.content[1]; k++) {
      if (toks[k].q >= 0) { hasQuote = true; continue; }
      if (toks[k].k !== K.Word) continue;
      const inSource = d.source !== null && k >= d.source[0] && k <= d.source[1];
      const inCue = d.cue !== null && k >= d.cue[0] && k <= d.cue[1];
      if (!inSource && !inCue) allQuote = false;
    }
    // "Doe is expected to win", "the plan seems to work": the subject of a raising verb is not who holds the view.
    const sourceless = d.cue !== null && SOURCELESS_CUES.has(toks[d.cue[0]].w);
    const a: Attribution = {
      content: { start: cStart, end: cEnd },
      cue: d.cue ? { start: toks[d.cue[0]].s, end: toks[d.cue[1]].e } : null,
      source: d.source && !sourceless ? { start: toks[d.source[0]].s, end: toks[d.source[1]].e } : null,
      kind: hasQuote && allQuote ? 'direct' : hasQuote ? 'mixed' : 'indirect',
    };
    if (d.continuesDraft && indexOf.has(d.continuesDraft)) a.continues = indexOf.get(d.continuesDraft);
    out.push(a);
  }
  return out;
}

/**
 * The tokens (UTF-16 offsets `s`..`e`) and sentences exactly as findAttributions
 * sees them, for training the cue model (test/eval/trainAttributionCues.ts).
 */
export function cueTrainingView(text: string): { toks: Array<CueToken & { s: number; e: number }>; sentences: Array<[number, number]> } {
  const toks = tokenize(text);
  const quotes = pairQuotes(toks);
  return { toks, sentences: sentences(toks, quotes) };
}
