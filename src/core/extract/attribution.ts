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
 * - a cue is the reporting word(s): "said", "according to", "told";
 * - sources that are not the grammatical subject are annotated too: the agent of a passive
 *   ("criticized by the union"), a named poll after "in", the possessor of a nominal cue
 *   ("Doe's claim that …"), the name of an "As X put it," clause, "who" in a relative clause.
 */
import { CUE_WORDS } from './attributionLexicon';
import { cueProbability, type CueToken } from './attributionCues';
import { TITLES, GROUP_HEADS, ANON_HEADS, ORG_HEADS } from './speakerLexicon';
import { WordShapes } from './wordShapes';

/** Cue word → learned precision; a Map so that words like "constructor" are never found on a prototype. */
const CUE_PRECISION_OF = new Map<string, number>(Object.entries(CUE_WORDS).map(([w, [, p]]) => [w, p]));
/** Every word token asks for its cue precision, and few words are cues: most are ruled out by shape. */
const CUE_WORD_SHAPES = new WordShapes(CUE_PRECISION_OF.keys());
const cueP = (w: string): number => (CUE_WORD_SHAPES.mayInclude(w) ? CUE_PRECISION_OF.get(w) ?? 0 : 0);

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

/**
 * A lower-case ASCII word shorter than this is sliced without toLowerCase. V8 copies so short a slice;
 * a longer one is a view that would keep the whole text alive wherever the word is kept (the cue
 * model's per-word cache), so longer words still get the fresh string toLowerCase makes.
 */
export const COPIED_SLICE_LENGTH = 13;

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
    // Every character is ASCII and none is upper-case, so the word is its own lower case. Most words
    // are; skipping toLowerCase for them matters because in two-byte text (any curly quote makes one)
    // V8 lower-cases on a slow path.
    let lowerAscii = c < 65 || (c > 90 && c < 128);
    if (isWordChar(c)) {
      i++;
      for (;;) {
        for (; i < n; i++) {
          const d = text.charCodeAt(i);
          if (!isWordChar(d)) break;
          if (d >= 65 && (d <= 90 || d >= 128)) lowerAscii = false;
        }
        // Keep in-word apostrophes and hyphens: "don't", "Trump's", "al-Assad".
        const d = text.charCodeAt(i);
        if ((d === 39 || d === 0x2019 || d === 45) && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) {
          if (d === 0x2019) lowerAscii = false;
          i++;
          continue;
        }
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
    const w = k === K.Word && !(lowerAscii && i - s < COPIED_SLICE_LENGTH) ? text.slice(s, i).toLowerCase() : text.slice(s, i);
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

/** Lower-case nouns that end a subject phrase: "The Florida senator", "A Clinton campaign official". */
const HEAD_NOUNS = new Set<string>([...TITLES, ...GROUP_HEADS, ...ANON_HEADS, ...ORG_HEADS].filter((w) => !w.includes('.')));

/** [s, e] is a capitalised name only ("Jane Doe", "Sen. Jane Doe"), not a fronted adjunct or a time. */
function isBareName(toks: Tok[], s: number, e: number): boolean {
  if (e < s || e - s > 5) return false;
  for (let k = s; k <= e; k++) {
    const t = toks[k];
    if (t.k === K.Punct && t.w === '.' && k > s && ABBREV.has(toks[k - 1].w)) continue;
    if (t.k !== K.Word || !t.cap || t.q >= 0 || LEFT_STOP.has(t.w) || SUBORDINATORS.has(t.w) || DAY_WORDS.has(t.w) || PRONOUNS.has(t.w)) return false;
  }
  return e > s || !DETERMINERS.has(toks[s].w);
}

const LY_NOUNS = new Set(['family', 'assembly', 'rally', 'ally', 'supply', 'reply', 'anomaly', 'monopoly', 'butterfly', 'bully', 'belly', 'fly', 'lily', 'jelly', 'holly', 'folly', 'tally', 'melancholy', 'homily']);
/** "ultimately", "angrily": an adverb between a subject and its verb, never the end of the subject. */
function isAdverb(t: Tok): boolean {
  return t.k === K.Word && !t.cap && t.w.length > 4 && t.w.endsWith('ly') && !LY_NOUNS.has(t.w);
}

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
const COLON_LABELS = new Set(['related', 'update', 'updated', 'watch', 'photos', 'photo', 'video', 'editor', 'note', 'correction', 'read', 'see', 'also', 'more', 'breaking', 'exclusive', 'live', 'via', 'listen', 'q', 'question', 'abstract', 'source', 'sources', 'image', 'credit', 'by', 'tags', 'share', 'subscribe', 'advertisement', 'posted', 'filed', 'topics', 'full', 'text', 'warning', 'caption', 'a', 'name', 'latest', 'notice', 'age', 'city', 'job', 'pay', 'transcript', 'excerpt', 'excerpts', 'highlights', 'timeline', 'analysis', 'opinion', 'headline', 'headlines']);

/** Words opening a fronted subordinate clause, never a subject. */
const SUBORDINATORS = new Set(['after', 'as', 'when', 'while', 'if', 'although', 'though', 'because', 'since', 'before', 'but', 'and', 'so', 'once', 'until', 'unless', 'whether', 'in', 'on', 'at', 'during', 'for', 'with', 'despite', 'following', 'amid', 'by', 'from', 'under', 'to']);

/** Prepositions that may sit inside a source phrase: "the head of the agency", "officials in Kyiv". */
const NP_PREPOSITIONS = new Set(['of', 'in', 'for', 'at', 'from', 'with', 'on', 'to', 'by']);

const PARTICIPLE_PREPOSITIONS = new Set(['by', 'while', 'after', 'before', 'when', 'without', 'in']);
/** Finite auxiliaries and modals: after "said X" they show that X is the subject of reported content. */
const CLAUSE_VERBS = new Set(['could', 'would', 'will', 'should', 'might', 'may', 'must', 'can', 'had', 'has', 'have', 'is', 'was', 'were', 'are', 'did', 'does', 'do', 'wo', 'won\'t', 'won’t']);

const NAMING_VERBS = new Set(['called', 'known', 'named', 'dubbed', 'titled', 'nicknamed', 'labeled', 'branded']);
/** Is the naming verb at `i` part of a name-giving phrase rather than a reporting clause? */
function isNaming(toks: Tok[], i: number, lo: number): boolean {
  const t = toks[i];
  if (t.w === 'known' || t.w === 'titled' || t.w === 'nicknamed') return true;
  const prev = toks[i - 1];
  if (!prev || i - 1 < lo) return false;
  // "a firm called Cambridge Analytica": an indefinite noun right before the verb.
  if (prev.k === K.Word && !prev.cap && !PRONOUNS.has(prev.w) && !AUX.has(prev.w) && !isAdverb(prev)) {
    for (let k = i - 1; k >= lo && k >= i - 4; k--) if (toks[k].w === 'a' || toks[k].w === 'an' || toks[k].w === 'another') return true;
  }
  // "what he called …", "what critics have called …"
  for (let k = i - 1; k >= lo && k >= i - 4; k--) if (toks[k].w === 'what') return true;
  return false;
}

const FOCUS_ADVERBS = new Set(['even', 'just', 'only', 'especially', 'particularly', 'notably']);

/** Quantifiers that are a whole subject when they stand alone before a cue. */
const QUANTIFIER_SUBJECTS = new Set(['some', 'many', 'most', 'others', 'several', 'both', 'all', 'few', 'none', 'one', 'two', 'three', 'half']);

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
  if (k < lo || toks[k].k !== K.Word || LEFT_STOP.has(toks[k].w) && !PRONOUNS.has(toks[k].w) && !AUX.has(toks[k].w)) return j;
  return k;
}

/**
 * The subject noun phrase ending just before token `cue` (after skipping
 * auxiliaries and adverbs), within [lo, cue). Returns a token range or null.
 */
function subjectBefore(toks: Tok[], cue: number, lo: number): [number, number] | null {
  let j = cue - 1;
  for (;;) {
    while (j >= lo && toks[j].k === K.Word && (AUX.has(toks[j].w) || isAdverb(toks[j]))) {
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
  // "He's said …", "they've argued …": a pronoun fused with its auxiliary is the source.
  if (last.k === K.Word && /^(?:he|she|they|i|we|you)['’](?:s|ve|d|ll)$/.test(last.w)) return [j, j];
  if (last.k === K.Punct && (last.w === '—' || last.w === '--' || last.w === '-' || last.w === '–')) {
    // "The justice -- who has been in a scuffle with him -- said": an apposition between dashes.
    let k = j - 1;
    while (k > lo && toks[k].w === last.w) k--; // "--" is two tokens
    while (k > lo && k > j - 30 && toks[k].w !== last.w && toks[k].q < 0) k--;
    while (k > lo && toks[k - 1].w === last.w) k--;
    const np = k > lo && toks[k].w === last.w ? nounPhraseLeft(toks, k - 1, lo, 12) : null;
    return np ? [np[0], j] : null;
  }
  if (last.k === K.Punct && last.w === ')') {
    // "Sen. Jane Doe (D-Ore.) said": the party-and-state tag closes the name.
    let k = j - 1;
    while (k > lo && k > j - 8 && toks[k].w !== '(') k--;
    const np = k > lo && toks[k].w === '(' ? nounPhraseLeft(toks, k - 1, lo, 12) : null;
    return np ? [np[0], j] : null;
  }
  if (last.k === K.Punct && last.w === '%' && j > lo && /^\d/.test(toks[j - 1].w)) {
    // "42% say …", "Some 60% of voters said" is handled by the phrase finder; a bare share is the source.
    return [j - 2 >= lo && QUANTITY_STARTS.has(toks[j - 2].w) ? j - 2 : j - 1, j];
  }
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
    // "Jane Doe, director of the fund, a charity, said": more appositions back to a name opening the sentence.
    // Only taken when the walk ends on a bare name that opens the sentence; otherwise the nearest apposition stands.
    let first = head[0];
    let cursor = head[0];
    for (let n = 0; n < 3 && cursor - 2 >= lo && toks[cursor - 1].w === ','; n++) {
      const prev = nounPhraseLeft(toks, cursor - 2, lo, 8);
      if (!prev) break;
      if (prev[0] === trimStart(toks, lo, prev[0]) && (isBareName(toks, prev[0], prev[1]) || (toks[prev[0]].cap && !FRONT_ADVERBS.has(toks[prev[0]].w) && !SUBORDINATORS.has(toks[prev[0]].w)))) { first = prev[0]; break; }
      if (!toks[prev[0]].cap && !DETERMINERS.has(toks[prev[0]].w)) break;
      cursor = prev[0];
    }
    return [first, j];
  }
  return nounPhraseLeft(toks, j, lo, 12);
}

/** A noun phrase ending at token `end`, scanning left until a stop word or punctuation. */
function nounPhraseLeft(toks: Tok[], end: number, lo: number, max: number): [number, number] | null {
  const t = toks[end];
  // "Some said …", "Many argue …", "Others say …": a quantifier standing for people.
  if (t.k === K.Word && QUANTIFIER_SUBJECTS.has(t.w) && (end === lo || toks[end - 1].k !== K.Word || LEFT_STOP.has(toks[end - 1].w))) return [end, end];
  if (t.k !== K.Word || (LEFT_STOP.has(t.w) && !PRONOUNS.has(t.w)) || DETERMINERS.has(t.w) || (!t.cap && t.p >= 0.3)) return null;
  if (PRONOUNS.has(t.w)) return [end, end];
  if (CONTRACTIONS.test(t.w)) return null;
  let j = end;
  while (j - 1 >= lo && end - (j - 1) < max) {
    const p = toks[j - 1];
    if (p.k === K.Word) {
      // "Even the organizer said", "Just 28 percent say": a focus adverb is not part of the subject.
      if (FOCUS_ADVERBS.has(p.w)) break;
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
    if (inNumber(toks, j - 1) && j - 2 >= lo) { j -= 2; continue; }
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
  const s0 = trimStart(toks, lo, limit - 1);
  const found = subjectAt(toks, s0, limit, true);
  // "The judge rubbed his chin, and then said …": what looked like a fronted adjunct was the clause itself.
  return found ?? subjectAt(toks, s0, limit, false);
}

/** "367,491" / "59.6": punctuation inside a number, not a phrase boundary. */
function inNumber(toks: Tok[], k: number): boolean {
  const a = toks[k - 1], b = toks[k + 1], t = toks[k];
  return !!a && !!b && t.k === K.Punct && (t.w === ',' || t.w === '.') && a.e === t.s && t.e === b.s && /^\d/.test(a.w) && /^\d/.test(b.w);
}

const FRONT_ADVERBS = new Set(['then', 'now', 'still', 'later', 'instead', 'meanwhile', 'also', 'indeed', 'yet', 'thus', 'earlier', 'last', 'this', 'that', 'today', 'yesterday', 'tonight', 'separately', 'similarly', 'likewise', 'ultimately', 'eventually', 'finally']);
const QUANTITY_STARTS = new Set(['about', 'nearly', 'almost', 'roughly', 'some', 'more', 'fewer', 'less', 'over', 'just', 'only', 'most', 'many', 'half', 'all']);

/** A plain phrase from `s` up to (not including) the first cue-like or auxiliary word: "About 200 protesters". */
function nounPhraseLeftOfVerb(toks: Tok[], s: number, limit: number): [number, number] | null {
  let e = s;
  while (e + 1 < limit && e - s < 10) {
    const nx = toks[e + 1];
    if (nx.k === K.Punct && inNumber(toks, e + 1)) { e += 2; continue; }
    if (nx.q >= 0 || (nx.k === K.Punct && nx.w !== '%' && nx.w !== '-') || (nx.k === K.Word && (AUX.has(nx.w) || nx.p >= 0.3 || isAdverb(nx) || (nx.w.endsWith('ed') && !nx.cap)))) break;
    // "367,491 people cast …": the phrase ends with its head noun unless "of …" follows.
    if ((HEAD_NOUNS.has(toks[e].w) || toks[e].w === 'percent') && e > s && nx.w !== 'of') break;
    e++;
  }
  return e > s ? [s, e] : null;
}

/** A lower-case word that can modify a noun inside a subject ("presidential", "state-owned"). */
function isModifier(t: Tok): boolean {
  return t.k === K.Word && t.q < 0 && !LEFT_STOP.has(t.w) && !AUX.has(t.w) && !PRONOUNS.has(t.w) && !RELATIVE.has(t.w) && t.p < 0.3 && t.m < 0.4 && !t.w.endsWith('ing') && !isAdverb(t) && !CLAUSE_VERBS.has(t.w);
}

function subjectAt(toks: Tok[], s: number, limit: number, skipFronted: boolean): [number, number] | null {
  if (!skipFronted && SUBORDINATORS.has(toks[s]?.w)) return null;
  // Skip a fronted adjunct closed by a comma: "On Monday, Trump …"; a fronted
  // subordinate clause ("After the results came in, …") must end with one.
  let comma = -1;
  const maxFront = SUBORDINATORS.has(toks[s]?.w) ? 30 : 8;
  for (let k = s; k < limit && k < s + maxFront; k++) if (toks[k].w === ',' && !inNumber(toks, k)) { comma = k; break; }
  if (comma >= 0 && isBareName(toks, s, comma - 1)) {
    // "Jane Doe, a former state party chairman, became …": a name with an apposition is the subject.
    for (let k = comma + 1; k < limit && k < comma + 16; k++) {
      if (toks[k].q >= 0 || isTerminal(toks[k])) break;
      if (toks[k].w === ',') return k + 1 < limit && toks[k + 1].k === K.Word && !toks[k + 1].cap ? [s, k] : null;
    }
    return null;
  }
  if (comma >= 0 && skipFronted) s = comma + 1;
  else if (SUBORDINATORS.has(toks[s]?.w)) return null;
  // "Then she …", "Later that day the mayor …": a fronted adverb without a comma.
  for (let n = 0; n < 3 && s < limit && toks[s].k === K.Word && (FRONT_ADVERBS.has(toks[s].w) || (n > 0 && PERIOD_WORDS.has(toks[s].w))); n++) s++;
  if (s >= limit) return null;
  const t = toks[s];
  // "About 200 protesters …", "Nearly half of voters …", "49% …": a quantity opens the subject.
  if (t.k === K.Word && (QUANTITY_STARTS.has(t.w) || /^\d/.test(t.w)) && t.q < 0) {
    const np = nounPhraseLeftOfVerb(toks, s, limit);
    if (np) return np;
  }
  if (t.k !== K.Word || t.q >= 0) return null;
  if (SUBJECT_PRONOUNS.has(t.w)) return [s, s];
  if (!t.cap && !DETERMINERS.has(t.w)) return null;
  let e = s;
  while (e + 1 < limit && e - s < 12) {
    const nx = toks[e + 1];
    if (nx.k === K.Word && (nx.cap || (DETERMINERS.has(toks[e].w) && !LEFT_STOP.has(nx.w)) || (HEAD_NOUNS.has(nx.w) && nx.p < 0.3))) { e++; continue; }
    // "Presumptive Democratic presidential nominee Hillary Clinton": lower-case modifiers before a name or role.
    if (nx.k === K.Word && isModifier(nx)) {
      let m = e + 1;
      while (m + 1 < limit && m < e + 3 && isModifier(toks[m]) && !(toks[m].cap || HEAD_NOUNS.has(toks[m].w))) m++;
      if (m < limit && toks[m].k === K.Word && toks[m].q < 0 && (toks[m].cap || (HEAD_NOUNS.has(toks[m].w) && toks[m].p < 0.3))) { e = m; continue; }
    }
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

/**
 * "As one official put it, CONTENT." / "CONTENT, as Jane Doe noted." — the source sits between "as" and a
 * reporting verb ("put it", "said", "noted", "wrote" …) closed by a comma or the sentence end.
 */
function asReportingClause(toks: Tok[], lo: number, hi: number, cues: readonly number[]): Draft | null {
  for (let a = lo; a <= hi - 3; a++) {
    const t = toks[a];
    if (t.w !== 'as' || t.q >= 0) continue;
    // Only at the clause start: sentence start (after a connective) or after a comma.
    const p = a - 1 >= lo ? toks[a - 1] : undefined;
    const fronted = !p || (p.k === K.Word && (p.w === 'but' || p.w === 'and' || p.w === 'so') && a - 1 === lo);
    if (!fronted && !(p && p.w === ',')) continue;
    if (fronted && toks[a + 1].p >= 0.5 && toks[a + 2].w === 'by') {
      // "As reported by The Washington Post, …"
      let e = a + 3;
      while (e + 1 <= hi && e < a + 15 && toks[e + 1].w !== ',' && toks[e + 1].q < 0 && !isTerminal(toks[e + 1])) e++;
      if (toks[e + 1]?.w !== ',' || e + 1 > hi) continue;
      const s0 = trimStart(toks, e + 2, hi);
      const e0 = trimEnd(toks, s0, hi);
      if (e0 >= s0 && wordsIn(toks, s0, e0) >= 2) return { content: [s0, e0], cue: [a + 1, a + 2], source: [a + 3, e] };
      continue;
    }
    for (let k = a + 2; k <= hi && k <= a + 30; k++) {
      const x = toks[k];
      if (x.q >= 0 && x.k === K.OpenQ || x.w === '.' || x.w === ';' || x.w === 'that') break;
      const putIt = (x.w === 'put' || x.w === 'puts') && toks[k + 1]?.w === 'it' && k + 1 <= hi;
      if (!putIt && !(cues.includes(k) && x.p >= 0.5)) continue;
      let cueEnd = putIt ? k + 1 : k;
      let s1 = k - 1;
      while (s1 > a && toks[s1].k === K.Word && AUX.has(toks[s1].w) && !RELATIVE.has(toks[s1].w)) s1--;
      const first = toks[a + 1];
      if (s1 <= a || first.k !== K.Word || !(first.cap || DETERMINERS.has(first.w) || SUBJECT_PRONOUNS.has(first.w) || /^(one|two|three|several|many|some|most|another)$/.test(first.w))) return null;
      if (toks[s1].k !== K.Word && toks[s1].w !== ',' && toks[s1].k !== K.CloseQ && toks[s1].k !== K.AmbQ) return null;
      const after = toks[cueEnd + 1];
      if (fronted) {
        if (!after || cueEnd + 1 > hi || after.w !== ',') return null;
        const s0 = trimStart(toks, cueEnd + 2, hi);
        const e0 = trimEnd(toks, s0, hi);
        if (e0 < s0 || wordsIn(toks, s0, e0) < 2) return null;
        return { content: [s0, e0], cue: [k, cueEnd], source: [a + 1, s1] };
      }
      // Trailing: nothing but the sentence end after the cue.
      if (trimEnd(toks, cueEnd, hi) !== cueEnd) return null;
      const s0 = trimStart(toks, lo, a - 2);
      const e0 = trimEnd(toks, s0, a - 2);
      if (e0 < s0 || wordsIn(toks, s0, e0) < 2) return null;
      return { content: [s0, e0], cue: [k, cueEnd], source: [a + 1, s1] };
    }
  }
  return null;
}

/** Nouns that report a statement or stance and take a possessor as their source ("Doe's claim that …"). */
const NOMINAL_CUES = new Set(['statement', 'statements', 'remarks', 'comment', 'comments', 'claim', 'claims', 'accusation', 'accusations',
  'allegation', 'allegations', 'pledge', 'pledges', 'promise', 'promises', 'attack', 'attacks', 'criticism', 'criticisms', 'warning', 'warnings',
  'assertion', 'assertions', 'argument', 'suggestion', 'insistence', 'proposal', 'vow', 'threat', 'threats', 'demand', 'demands',
  'announcement', 'denial', 'praise', 'endorsement', 'opposition', 'belief', 'contention', 'call', 'calls', 'charge', 'charges', 'complaint',
  'complaints', 'prediction', 'view', 'views', 'position', 'critique', 'defense', 'rejection', 'admission', 'acknowledgment', 'description']);
/** What may follow a nominal cue and open its content. */
const NOMINAL_LINKS = new Set(['that']);
const POSSESSIVE_PRONOUNS = new Set(['his', 'her', 'their', 'its', 'my', 'our']);

/** "Jane Doe's claim that …" / "his pledge to …" with the possessor as source and the clause after as content. */
function possessiveNominalCues(toks: Tok[], lo: number, hi: number): Draft[] {
  const out: Draft[] = [];
  for (let i = lo + 1; i < hi; i++) {
    const t = toks[i];
    if (t.q >= 0 || t.k !== K.Word || !NOMINAL_CUES.has(t.w)) continue;
    const link = toks[i + 1];
    if (link.k !== K.Word || !NOMINAL_LINKS.has(link.w) || link.q >= 0) continue;
    // The possessor right before the noun, one modifier allowed ("Obama's original pledge").
    let p = i - 1;
    if (toks[p].k === K.Word && !toks[p].cap && !POSSESSIVE_PRONOUNS.has(toks[p].w) && !/['’]s$/.test(toks[p].w) && p - 1 >= lo) p--;
    const owner = toks[p];
    if (owner.k !== K.Word || owner.q >= 0) continue;
    let source: [number, number];
    if (POSSESSIVE_PRONOUNS.has(owner.w)) source = [p, p];
    else if (/['’]s?$/.test(owner.w) && (owner.cap || HEAD_NOUNS.has(owner.w.replace(/['’]s?$/, '')))) {
      const np = nounPhraseLeft(toks, p, lo, 6);
      if (!np) continue;
      source = np;
    } else continue;
    const cs = link.w === 'that' || link.w === 'to' ? i + 1 : i + 2;
    const e0 = clauseEnd(toks, cs, trimEnd(toks, cs, hi));
    if (e0 < cs || wordsIn(toks, cs, e0) < 3) continue;
    out.push({ content: [cs, e0], cue: [i, i], source });
    i = e0;
  }
  return out;
}

const BE_FORMS = new Set(['was', 'were', 'is', 'are', 'been', 'being', 'be']);

/** "X was criticized by Y" / "X, endorsed by Y," → source Y (after "by"), content X. */
function passiveAgent(toks: Tok[], c: number, lo: number, hi: number): Draft | null {
  const t = toks[c];
  if (!t.w.endsWith('ed') && t.w !== 'told' && t.w !== 'written' && t.w !== 'seen' && t.w !== 'shown') return null;
  let b = c - 1;
  while (b > lo && toks[b].k === K.Word && (isAdverb(toks[b]) || toks[b].w === 'also' || toks[b].w === 'not' || toks[b].w === 'never')) b--;
  if (b <= lo || !BE_FORMS.has(toks[b].w)) return null;
  let by = -1;
  for (let k = c + 1; k <= hi && k <= c + 8; k++) {
    if (toks[k].q >= 0 || (toks[k].k === K.Punct && toks[k].w !== '-') || toks[k].w === 'that') break;
    if (toks[k].w === 'by') { by = k; break; }
  }
  if (by < 0) return null;
  const np = nounPhraseRight(toks, by + 1, hi, 12);
  if (!np || toks[np[0]].w.endsWith('ing')) return null;
  let a = b - 1;
  while (a > lo && toks[a].k === K.Word && AUX.has(toks[a].w) && !RELATIVE.has(toks[a].w)) a--;
  const subj = subjectBefore(toks, a + 1, lo) ?? sentenceSubject(toks, lo, a + 1);
  if (!subj) return null;
  return { content: subj, cue: [c, c], source: np };
}

const POLL_HEADS = new Set(['poll', 'polls', 'survey', 'surveys', 'polling']);
const POLL_PARTICULAR = new Set(['a', 'an', 'new', 'latest', 'recent', 'this', 'that', 'one', 'another']);
const POLL_TAILS = new Set(['released', 'taken', 'conducted', 'published', 'out', 'this', 'last', 'of', 'by', 'for', 'from']);

/**
 * "in a recent CNN/ORC poll" (PolNeAR: cue "in", source the poll). The content is the rest of the
 * clause: after the comma of a fronted phrase, before a trailing one, else the whole sentence.
 */
function pollPhrases(toks: Tok[], lo: number, hi: number): Draft[] {
  const out: Draft[] = [];
  for (let i = lo; i < hi; i++) {
    const t = toks[i];
    if (t.w !== 'in' || t.q >= 0) continue;
    let h = -1;
    for (let k = i + 1; k <= hi && k <= i + 9; k++) {
      const x = toks[k];
      if (x.q >= 0 || (x.k === K.Punct && x.w !== '/' && x.w !== '-' && x.w !== '.' && x.w !== '&') || (x.k === K.Word && !x.cap && x.p >= 0.3)) break;
      if (x.k === K.Word && POLL_HEADS.has(x.w)) { h = k; break; }
    }
    if (h < 0) continue;
    // A particular poll ("a Des Moines Register poll", "the latest survey"), not "leads in the polls".
    let particular = false;
    for (let k = i + 1; k < h; k++) if (toks[k].cap || POLL_PARTICULAR.has(toks[k].w)) particular = true;
    if (!particular) continue;
    // The poll's own modifiers: "released Sunday", "of likely voters", "conducted by Edison Research".
    let e = h;
    if (e + 1 <= hi && POLL_TAILS.has(toks[e + 1].w)) {
      let k = e + 1;
      while (k + 1 <= hi && k < h + 12 && toks[k + 1].k === K.Word && toks[k + 1].q < 0 && toks[k + 1].p < 0.5 && toks[k + 1].w !== 'that') k++;
      e = k;
    }
    const after = toks[e + 1];
    let content: [number, number];
    const fronted = i === trimStart(toks, lo, i);
    if (fronted && after?.w === ',') content = [trimStart(toks, e + 2, hi), trimEnd(toks, e + 2, hi)];
    else if (!fronted && (e + 1 > hi || isTerminal(after) || after.w === ',') && toks[i - 1]?.k === K.Word) content = [trimStart(toks, lo, i - 1), clauseEnd(toks, lo, i - 1)];
    else content = [trimStart(toks, lo, hi), trimEnd(toks, lo, hi)];
    if (content[1] < content[0] || wordsIn(toks, content[0], content[1]) < 3) continue;
    out.push({ content, cue: [i, i], source: [i + 1, e] });
    i = e;
  }
  return out;
}

interface Draft {
  content: [number, number]; // token range
  cue: [number, number] | null;
  source: [number, number] | null;
  continuesDraft?: Draft;
}

/** The source after an inverted cue ("…, said Jane Doe, a lawyer for the city."), apposition included up to the sentence end. */
function invertedSource(toks: Tok[], c: number, hi: number): [number, number] | null {
  let np = nounPhraseRight(toks, c + 1, hi, 10);
  if (!np) return null;
  // "said the candidate could be …", "said Trump had …": a clause with its own verb, not an inverted source.
  for (let k = np[0] + 1; k <= np[1]; k++) if (toks[k].k === K.Word && !toks[k].cap && CLAUSE_VERBS.has(toks[k].w)) return null;
  const next = toks[np[1] + 1];
  if (next && np[1] + 1 <= hi && next.k === K.Word && CLAUSE_VERBS.has(next.w)) return null;
  if (next && np[1] + 1 <= hi && (next.w === ',' || RELATIVE.has(next.w))) {
    let end = trimEnd(toks, np[1] + 1, hi);
    // "…, said Jane Doe, a pollster, citing …": a participle after the apposition starts a new clause.
    for (let k = np[1] + 1; k < end; k++) {
      if (toks[k].w === ',' && toks[k + 1].k === K.Word && toks[k + 1].q < 0 && toks[k + 1].w.endsWith('ing') && toks[k + 1].p >= 0.3) { end = k - 1; break; }
    }
    let clean = end - np[1] <= 40;
    // A quote inside the apposition is a title ("the author of “Hacked World Order,”"), not a statement.
    for (let k = np[1] + 1; k <= end && clean; k++) if ((toks[k].q >= 0 && toks[k - 1].q !== toks[k].q && quoteWords(toks, k) > 8) || (toks[k].k === K.Word && toks[k].w === 'that' && toks[k].q < 0)) clean = false;
    if (clean && end >= np[1] + 1) return [np[0], end];
  }
  return np;
}

/**
 * "“…,” said X" / "“…?” she asked" / "“… ‘above the law,’ ” said X": the quote ends with a comma, question or
 * exclamation mark (inner single quotes skipped), or a comma follows it — a reporting clause may come next.
 */
function quoteOpensReportingClause(toks: Tok[], qu: Quote): boolean {
  if (toks[qu.close + 1]?.w === ',') return true;
  let k = qu.close - 1;
  while (k > qu.open && (toks[k].w === "'" || toks[k].w === '’' || toks[k].w === '‘')) k--;
  const w = toks[k]?.w;
  return k > qu.open && (w === ',' || w === '?' || w === '!');
}

/** Number of words in the quote region that opens at token `k`. */
function quoteWords(toks: Tok[], k: number): number {
  let n = 0;
  for (let i = k; i < toks.length && toks[i].q === toks[k].q; i++) if (toks[i].k === K.Word) n++;
  return n;
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
    // "…, citing “the old charter,” said …": the main reporting verb after a comma or quote ends the phrase.
    if (t.p >= 0.8 && t.q < 0 && t.k === K.Word && !t.cap && !t.w.endsWith('ing') && (toks[k - 1].w === ',' || toks[k - 1].k === K.CloseQ || (toks[k - 1].k === K.AmbQ && toks[k - 1].q >= 0))) return trimEnd(toks, lo, k - 1);
    // "… by saying …": the participle is a statement of its own.
    if (k + 1 <= hi && toks[k + 1].p >= 0.3 && t.q < 0 && t.k === K.Word && k > lo + 1 && toks[k + 1].q < 0 && toks[k + 1].w.endsWith('ing') && PARTICIPLE_PREPOSITIONS.has(t.w)) return trimEnd(toks, lo, k - 1);
    if (t.q >= 0 || t.k !== K.Punct) continue;
    if (t.w === ';') return trimEnd(toks, lo, k - 1);
    if ((t.w === '—' || t.w === '-' || t.w === '–') && toks[k - 1].e !== t.s) {
      // "Trump - who previously said A - said B": the dash closing an apposition ends its content.
      let m = k + 1;
      while (m <= hi && (toks[m].w === t.w || (toks[m].k === K.Word && AUX.has(toks[m].w)))) m++;
      if (m <= hi && toks[m].k === K.Word && toks[m].q < 0 && !toks[m].cap && toks[m].p >= 0.5) return trimEnd(toks, lo, k - 1);
    }
    if (t.w === ':' && k + 2 <= hi) {
      // "… as an example: He says …" — a new subject and reporting verb after a colon start a new statement.
      for (let m = k + 2; m <= hi && m <= k + 4; m++) if (toks[m].k === K.Word && !toks[m].cap && toks[m].p >= 0.5 && toks[m].q < 0 && (toks[k + 1].cap || SUBJECT_PRONOUNS.has(toks[k + 1].w))) return trimEnd(toks, lo, k - 1);
    }
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
  return findAttributionsAndTokens(text).attributions;
}

/** A token as findAttributions sees it: UTF-16 span, kind (0 for a word) and, for a word, its lower-cased text. */
export interface LowerCasedToken {
  s: number;
  e: number;
  k: number;
  w: string;
}

/**
 * findAttributionsOrThrow, with the tokens it found them on: speakers.ts reuses their lower-cased
 * words instead of lower-casing the same words again.
 */
export function findAttributionsAndTokens(text: string): { attributions: Attribution[]; tokens: readonly LowerCasedToken[] } {
  if (typeof text !== 'string' || text.length === 0) return { attributions: [], tokens: [] };
  const toks = tokenize(text);
  return { attributions: attributionsIn(toks), tokens: toks };
}

/**
 * One sentence [lo, hi] while its attributions are found; `drafts` from index `before` on are this sentence's.
 *
 * Why the passes below are functions of their own rather than one body: V8 compiles a function whole,
 * and a deoptimisation (a document with an unusual turn takes a path the compiled code did not expect)
 * recompiles all of it. As one function of several hundred lines with its helpers inlined, each
 * recompilation cost about half a second of CPU, several times over the first thousands of documents
 * of an archive; smaller functions recompile alone and quickly.
 */
interface SentenceScan {
  toks: Tok[];
  quotes: Quote[];
  lo: number;
  hi: number;
  /** Cue candidates outside quotes. */
  cues: number[];
  usedCue: Uint8Array;
  drafts: Draft[];
  before: number;
}

/** The first of the sentence's drafts (without copying them: this runs for every cue) that `pred` accepts. */
function findInSentence(scan: SentenceScan, pred: (d: Draft) => boolean): Draft | undefined {
  const { drafts } = scan;
  for (let k = scan.before; k < drafts.length; k++) if (pred(drafts[k])) return drafts[k];
  return undefined;
}

function inSentence(scan: SentenceScan, pred: (d: Draft) => boolean): boolean {
  return findInSentence(scan, pred) !== undefined;
}

function lastSourceInSentence(scan: SentenceScan): [number, number] | null {
  const { drafts } = scan;
  for (let k = drafts.length - 1; k >= scan.before; k--) if (drafts[k].source) return drafts[k].source;
  return null;
}

/** Quote-driven attributions: quotes whose cue sits right next to them. */
function quoteAttributions(scan: SentenceScan, sentQuotes: readonly number[]): void {
  const { toks, quotes, lo, hi, cues, usedCue, drafts } = scan;
  for (const qi of sentQuotes) {
    const qu = quotes[qi];
    if (inSentence(scan, (d) => qu.open >= d.content[0] && qu.open <= d.content[1])) continue;
    // “…,” X said / “…,” said X
    let j = qu.close + 1;
    while (j <= hi && toks[j].k === K.Punct && (toks[j].w === ',' || toks[j].w === '—' || toks[j].w === '-' || toks[j].w === '–')) j++;
    let found: Draft | null = null;
    if (j <= hi && toks[j].q < 0) {
      // cue first: "said Mr. Smith"
      const c = cues.find((x) => x >= j && x <= j + 1 && !usedCue[x]);
      const commaAfterQuote = quoteOpensReportingClause(toks, qu);
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
      if (!found && commaAfterQuote) {
        // "“…,” Jane Doe, 30, of Raleigh, who was among those polled, said …": a source with several appositions.
        const c2 = cues.find((x) => x > j + 1 && !usedCue[x]);
        if (c2 !== undefined && c2 <= j + 40 && toks[c2].p >= 0.5 && toks[c2].w !== 'according' && !toks[c2].w.endsWith('ing') && (toks[j].cap || SUBJECT_PRONOUNS.has(toks[j].w))) {
          let s1 = c2 - 1;
          while (s1 > j && toks[s1].k === K.Word && AUX.has(toks[s1].w) && !RELATIVE.has(toks[s1].w)) s1--;
          let clean = toks[s1].w === ',' || toks[s1].k === K.Word;
          for (let k = j; k <= s1 && clean; k++) if (toks[k].q >= 0 || isTerminal(toks[k]) && !(k > j && toks[k - 1].e === toks[k].s && (ABBREV.has(toks[k - 1].w) || toks[k - 1].w.length <= 2))) clean = false;
          // The source opens with a bare name closed by a comma ("Jane Doe, 30, …"), not a clause of the narrator.
          let comma = j + 1;
          while (comma < s1 && toks[comma].w !== ',') comma++;
          if (clean && s1 > j && comma < s1 && isBareName(toks, j, comma - 1)) found = { content: [qu.open, qu.close], cue: [c2, c2], source: [j, s1] };
        }
      }
      if (!found && commaAfterQuote) {
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
        const subj = participle ? lastSourceInSentence(scan) ?? sentenceSubject(toks, lo, c) : subjectBefore(toks, c, lo);
        // "…, said Jane Doe: “…”": an inverted name between cue and quote.
        const src = subj ?? (toks[c + 1]?.cap && toks[c].p >= 0.5 ? nounPhraseRight(toks, c + 1, b, 8) : null);
        if (!subj && !src) continue;
        // Content continues to the sentence end when the quote is followed by more of the clause.
        // "X called the plan “a gift to polluters”": the words between cue and quote belong to the content.
        let cs = qu.open;
        if (subj && b === qu.open - 1 && b > c) {
          const k = skipAfterCue(toks, c + 1, b, toks[c].w);
          if (k <= b && toks[k].k === K.Word && !toks.slice(k, b + 1).some((x) => x.k !== K.Word)) cs = k;
        }
        found = { content: [cs, qu.close], cue: [c, c], source: subj ?? src };
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
        // ", and said …" after the quote starts the speaker's next statement.
        const end = clauseEnd(toks, qu.close, trimEnd(toks, qu.close, hi));
        if (end > qu.close && wordsIn(toks, qu.close + 1, end) >= 1 && toks[qu.close + 1]?.w !== '.' ) found.content = [qu.open, end];
      }
      usedCue[found.cue![0]] = 1;
      drafts.push(found);
    }
  }
}

/** Indirect speech around the cues the quotes left. */
function indirectAttributions(scan: SentenceScan): void {
  const { toks, lo, hi, cues, usedCue, drafts } = scan;
  // Indirect speech around remaining cues.
  // Strongest cues first, so that "said" claims its clause before a weaker cue inside it.
  const byStrength = cues.length > 1 ? [...cues].sort((a, b) => toks[b].p - toks[a].p || a - b) : cues;
  for (const c of byStrength) {
    if (usedCue[c]) continue;
    // A cue inside a found statement or inside a source's relative clause ("a diplomat who asked …") is not a new statement.
    // "…, compared with 23 percent who said …": a strong cue after a relative pronoun is a statement of its own.
    const relativeCue = toks[c].p >= 0.8 && RELATIVE.has(toks[c - 1]?.w);
    if (!relativeCue && inSentence(scan, (d) => c >= d.content[0] && c <= d.content[1])) continue;
    // "Jane Doe, who said …, said …": a strong cue in the source's relative clause is a statement of its own
    // (source "who"), ending with the clause; any other cue inside a source is not.
    const hostSource = findInSentence(scan, (d) => d.source !== null && c >= d.source[0] && c <= d.source[1])?.source ?? null;
    if (hostSource && !(toks[c].p >= 0.8 && RELATIVE.has(toks[c - 1]?.w))) continue;
    const clauseLimit = hostSource ? trimEnd(toks, c, hostSource[1]) : hi;
    const t = toks[c];
    if (t.w === 'according') {
      const np = nounPhraseRight(toks, c + 2, hi, 14);
      if (!np) continue;
      let npEnd = np[1];
      // "…, according to a lawsuit filed in Manhattan by Jane Doe, a former minister.": a sentence-final
      // source runs to the sentence end, its modifiers and appositions included.
      if (c - 1 >= lo && toks[c - 1].w === ',') {
        const end = trimEnd(toks, np[1], hi);
        let clean = end - np[0] <= 45;
        for (let k = np[1] + 1; k <= end && clean; k++) if (toks[k].q >= 0 || (toks[k].k === K.Word && toks[k].w === 'that' && toks[k - 1].w === ',')) clean = false;
        if (clean) np[1] = end;
        npEnd = np[1];
      }
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
    // "… by saying …", "While noting …, he …": a participle after a preposition also reports the subject's words.
    const participle = (toks[c - 1]?.w === ',' || (PARTICIPLE_PREPOSITIONS.has(toks[c - 1]?.w) && toks[c - 1].q < 0)) && t.w.endsWith('ing');
    {
      // Passive: "Cruz was endorsed on Friday by Carly Fiorina" — the agent after "by" is the source, the subject the content.
      const passive = passiveAgent(toks, c, lo, hi);
      if (passive) {
        usedCue[c] = 1;
        drafts.push(passive);
        continue;
      }
    }
    let subj = participle ? lastSourceInSentence(scan) ?? sentenceSubject(toks, lo, c) : subjectBefore(toks, c, lo);
    if (!subj) {
      // "Doe met voters and later said …", "… but added …", "saying A and arguing B": a second verb of the same subject.
      let k = c - 1;
      while (k > lo && toks[k].k === K.Word && AUX.has(toks[k].w) && !RELATIVE.has(toks[k].w)) k--;
      const conj = toks[k]?.w;
      if (k > lo && (conj === 'and' || conj === 'but') && (!t.w.endsWith('ing') || toks[k - 1]?.k === K.Word || toks[k - 1]?.q >= 0)) subj = lastSourceInSentence(scan) ?? sentenceSubject(toks, lo, k);
    }
    let after = c + 1;
    let source: [number, number] | null = subj;
    let inverted = false;
    // Inverted: "…, said Mr. Smith." — source after the cue, content before it.
    if (!subj && !participle && c - 1 >= lo && toks[c - 1].w === ',') {
      const np = invertedSource(toks, c, hi);
      if (np) { source = np; after = np[1] + 1; inverted = true; }
    }
    if (!source && !participle && (toks[c - 1]?.w === ',' || toks[c - 1]?.k === K.CloseQ || toks[c - 1]?.k === K.AmbQ)) {
      // "Mr. Brandt, citing ''the old charter,'' said …": the name opening the sentence, past a participial phrase.
      const s0 = trimStart(toks, lo, c - 1);
      let comma = s0 + 1;
      while (comma < c && comma < s0 + 6 && toks[comma].w !== ',') comma++;
      if (comma < c - 1 && toks[comma].w === ',' && isBareName(toks, s0, comma - 1) && !cues.some((x) => x > comma && x < c && toks[x].p >= 0.5 && !toks[x].w.endsWith('ing'))) source = [s0, comma - 1];
    }
    if (!source) continue;
    if (hostSource) {
      const rs = skipAfterCue(toks, c + 1, clauseLimit, t.w);
      const re = rs <= clauseLimit ? clauseEnd(toks, rs, clauseLimit) : -1;
      if (re >= rs && wordsIn(toks, rs, re) >= 2) {
        usedCue[c] = 1;
        drafts.push({ content: [rs, re], cue: [c, c], source });
      }
      continue;
    }
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
}

/** The public records of the drafts, sorted by content start, with UTF-16 spans. */
function publicRecords(toks: Tok[], drafts: Draft[]): Attribution[] {
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

/** Contextual cue probabilities (Tok.m), outside quotes only (a quote is the content, never the cue). */
function scoreCueCandidates(toks: Tok[], sents: ReadonlyArray<[number, number]>): void {
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

function attributionsIn(toks: Tok[]): Attribution[] {
  const quotes = pairQuotes(toks);
  const sents = sentences(toks, quotes);
  scoreCueCandidates(toks, sents);
  const drafts: Draft[] = [];
  const usedCue = new Uint8Array(toks.length);

  for (const [lo, hi] of sents) {
    const before = drafts.length;
    // Cue candidates outside quotes.
    const cues: number[] = [];
    // Which of the rarer patterns below can apply at all, so that most sentences skip them.
    let hasAs = false, hasIn = false, hasNominal = false;
    for (let i = lo; i <= hi; i++) {
      const t = toks[i];
      if (t.q >= 0 || t.k !== K.Word) continue;
      if (t.w === 'according' && i + 1 <= hi && toks[i + 1].w === 'to') { cues.push(i); continue; }
      if (t.w === 'as') hasAs = true;
      else if (t.w === 'in') hasIn = true;
      else if (t.w === 'that' && i > lo && NOMINAL_CUES.has(toks[i - 1].w)) hasNominal = true;
      // A frequent cue word is taken on its own; an ambiguous one ("wants", "show", "backed") when the
      // context model says this use reports a statement or a belief.
      if (!(t.p >= CUE_PRECISION || t.m >= CUE_MODEL_THRESHOLD)) continue;
      // "has repeatedly likened": an adverb defers to the verb it modifies.
      if ((AUX.has(t.w) || isAdverb(t)) && i + 1 <= hi && toks[i + 1].k === K.Word && toks[i + 1].q < 0) continue;
      // "a super PAC called Future45", "what he called …", "known as": naming, not reporting.
      if (NAMING_VERBS.has(t.w) && isNaming(toks, i, lo)) continue;
      cues.push(i);
    }
    // Quote-driven attributions first: quotes whose cue sits right next to them.
    const sentQuotes: number[] = [];
    for (let i = lo; i <= hi; i++) if (toks[i].q >= 0 && quotes[toks[i].q].open === i) sentQuotes.push(toks[i].q);

    // "Poll: Senate races are tight" / "JANE DOE: We will win." — a line opening with a name and a colon.
    if (toks[lo].nl && toks[lo].k === K.Word && toks[lo].cap && !COLON_LABELS.has(toks[lo].w)) {
      let k = lo;
      while (k <= hi && k < lo + 6 && toks[k].k === K.Word && toks[k].q < 0 && (toks[k].cap || k > lo && (toks[k].w === 'and' || toks[k].w === 'of'))) k++;
      if (k <= hi && k > lo && toks[k].w === ':' && k + 1 <= hi && !COLON_LABELS.has(toks[k - 1].w)) {
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
    const scan: SentenceScan = { toks, quotes, lo, hi, cues, usedCue, drafts, before };
    {
      // "As one official put it, …" / "…, as Jane Doe noted." — a fronted or trailing "as"-clause names the source.
      const asClause = hasAs ? asReportingClause(toks, lo, hi, cues) : null;
      if (asClause) {
        usedCue[asClause.cue![0]] = 1;
        drafts.push(asClause);
      }
    }
    quoteAttributions(scan, sentQuotes);
    indirectAttributions(scan);

    // "Trump's claim that …", "her pledge to …", "Doe's attacks on …": a possessor and a nominal cue.
    if (hasNominal) for (const nominal of possessiveNominalCues(toks, lo, hi)) {
      if (inSentence(scan, (d) => d.cue !== null && d.cue[0] === nominal.cue![0])) continue;
      if (inSentence(scan, (d) => d.source !== null && nominal.source![0] >= d.source[0] && nominal.source![0] <= d.source[1])) continue;
      drafts.push(nominal);
    }

    // "In a Washington Post-ABC News poll this month, 60 percent …": a poll is the source of its findings.
    if (hasIn) for (const poll of pollPhrases(toks, lo, hi)) {
      if (inSentence(scan, (d) => d.source !== null && d.source[0] <= poll.source![1] && poll.source![0] <= d.source[1])) continue;
      drafts.push(poll);
    }

    // Quotes without a cue of their own.
    for (const qi of sentQuotes) {
      const qu = quotes[qi];
      if (inSentence(scan, (d) => qu.open >= d.content[0] && qu.open <= d.content[1])) continue;
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

  return publicRecords(toks, drafts);
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
