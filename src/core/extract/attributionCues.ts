/**
 * Decides whether a word heads an attribution cue in its context ("said",
 * "believes", "endorsed", "is upbeat about" …) with a logistic-regression model
 * trained on PolNeAR's train split (weights in attributionCueModel.ts,
 * retrain with `node out/test/eval/trainAttributionCues.js`).
 *
 * Why a model and not a word list: many reporting words ("want", "show",
 * "call", "support") are cues only in some contexts, so a single per-word
 * threshold either misses them or floods the output. The context features
 * below (a subject before the word, "that"/a colon/a quote after it, a quote
 * in the sentence …) separate the two uses.
 *
 * Only words in the model's candidate list are scored (every other word gets
 * 0), which keeps the pass fast: a few percent of the tokens of a news text.
 */
import { CUE_MODEL } from './attributionCueModel';
import { WordShapes } from './wordShapes';

/** Token kinds, as in attribution.ts: 0 word, 1 punctuation, 2 opening quote, 3 closing quote, 4 straight quote. */
export interface CueToken {
  /** Lower-cased text (words) or the punctuation itself. */
  w: string;
  k: number;
  cap: boolean;
  /** Quote region index, -1 outside quotes. */
  q: number;
}

const WEIGHTS = new Map<string, number>(Object.entries(CUE_MODEL.weights));
const CANDIDATES = new Set<string>(CUE_MODEL.candidates);
/** Most words are no candidate: this rules out most of them before the Set lookup. */
const CANDIDATE_SHAPES = new WordShapes(CANDIDATES);

export function isCueCandidate(word: string): boolean {
  return CANDIDATES.has(word);
}

/** Words skipped when looking for the subject left of a cue: "Trump has also said". */
const AUXILIARIES = new Set(['has', 'have', 'had', 'also', 'would', 'will', 'is', 'was', 'were', 'are', 'be', 'been', 'being',
  'did', 'does', 'do', 'not', 'never', 'could', 'may', 'might', 'should', 'must', 'can', 'reportedly', 'repeatedly', 'then',
  'later', 'previously', 'publicly', 'privately', 'recently', 'again', 'often', 'already', 'just', 'even', 'still', 'once', 'to', 'now']);
const SUBJECT_PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we', 'you', 'it']);
const RELATIVES = new Set(['who', 'which', 'that']);
const DETERMINERS = new Set(['the', 'a', 'an', 'his', 'her', 'their', 'its', 'our', 'this', 'these', 'those', 'some', 'many', 'most']);
const PREPOSITIONS = new Set(['in', 'on', 'at', 'for', 'with', 'to', 'from', 'by', 'about', 'of', 'over', 'after', 'before', 'during', 'into', 'against']);

/**
 * The coarse classes of neighbouring tokens, as the feature names spell them; a class is handled
 * by its index into this list. 'START' is the subject slot's class at the sentence start.
 */
const CLASS_NAMES = ['END', 'OQ', 'CQ', ',', ':', '.', ';', '—', '(', 'P', 'QW', 'that', 'PRON', 'REL', 'DET', 'PREP', 'CAP', 'w', 'START'] as const;
const CLASS_COUNT = CLASS_NAMES.length;
const CLASS = Object.fromEntries(CLASS_NAMES.map((name, k) => [name, k])) as Record<(typeof CLASS_NAMES)[number], number>;
/** Punctuation that is its own class. */
const PUNCT_CLASSES = new Map<string, number>(([',', ':', '.', ';', '—', '('] as const).map((p) => [p, CLASS[p]]));

/** The coarse class of a neighbouring token (an index into CLASS_NAMES). */
function tokenClass(t: CueToken | undefined, outside: boolean): number {
  if (!t || outside) return CLASS.END;
  if (t.k === 2 || t.k === 4) return CLASS.OQ;
  if (t.k === 3) return CLASS.CQ;
  if (t.k !== 0) return PUNCT_CLASSES.get(t.w) ?? CLASS.P;
  if (t.q >= 0) return CLASS.QW;
  if (t.w === 'that') return CLASS.that;
  if (SUBJECT_PRONOUNS.has(t.w)) return CLASS.PRON;
  if (RELATIVES.has(t.w)) return CLASS.REL;
  if (DETERMINERS.has(t.w)) return CLASS.DET;
  if (PREPOSITIONS.has(t.w)) return CLASS.PREP;
  if (t.cap) return CLASS.CAP;
  return CLASS.w;
}

function shape(w: string): string {
  if (w.endsWith('ing')) return 'ing';
  if (w.endsWith('ed')) return 'ed';
  if (w.endsWith('s') && !w.endsWith('ss')) return 's';
  return 'x';
}

/** A crude stem so that "insist", "insists", "insisted", "insisting" share weights. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ied')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) return w.slice(0, -1);
  return w;
}

/** What the features of one candidate token are made of (see cueFeatures); classes are CLASS_NAMES indices. */
interface CueContext {
  /** Neighbouring tokens: the word itself, or the class name of anything else. */
  prevW: string;
  nextW: string;
  next2W: string;
  pc: number;
  nc: number;
  subj: number;
  /** Auxiliaries skipped between the subject slot and the word, at most 2. */
  skip: number;
  thatSoon: boolean;
  quoteSoon: boolean;
  colonSoon: boolean;
  quoteBefore: boolean;
}

function cueContext(toks: readonly CueToken[], i: number, lo: number, hi: number): CueContext {
  const prev = i - 1 >= lo ? toks[i - 1] : undefined;
  const next = i + 1 <= hi ? toks[i + 1] : undefined;
  const next2 = i + 2 <= hi ? toks[i + 2] : undefined;
  const nc = tokenClass(next, false);
  const pc = tokenClass(prev, false);
  // The subject slot: the first token left of the cue that is not an auxiliary or adverb.
  let j = i - 1;
  while (j >= lo && j > i - 5 && toks[j].k === 0 && toks[j].q < 0 && AUXILIARIES.has(toks[j].w)) j--;
  const subj = j < lo ? CLASS.START : tokenClass(toks[j], false);
  // What follows within a few tokens: a "that", a colon, a quote.
  let thatSoon = false, quoteSoon = false, colonSoon = false;
  for (let k = i + 1; k <= hi && k <= i + 6; k++) {
    const x = toks[k];
    if (x.k === 0 && x.w === 'that' && x.q < 0) thatSoon = true;
    else if (x.k === 2 || x.k === 4 || (x.q >= 0 && x.k !== 3)) { quoteSoon = true; break; }
    else if (x.w === ':') colonSoon = true;
    else if (x.w === '.') break;
  }
  let quoteBefore = false;
  for (let k = i - 1; k >= lo && k >= i - 6; k--) if (toks[k].k === 3 || toks[k].k === 4 || toks[k].q >= 0) { quoteBefore = true; break; }
  return {
    prevW: prev ? (prev.k === 0 ? prev.w : CLASS_NAMES[pc]) : 'START',
    nextW: next ? (next.k === 0 ? next.w : CLASS_NAMES[nc]) : 'END',
    next2W: next2 ? (next2.k === 0 ? next2.w : CLASS_NAMES[tokenClass(next2, false)]) : 'END',
    pc,
    nc,
    subj,
    skip: Math.min(i - 1 - j, 2),
    thatSoon,
    quoteSoon,
    colonSoon,
    quoteBefore,
  };
}

/**
 * The features of token `i` (a candidate word outside quotes) in the sentence
 * [lo, hi]; `quoteInSentence` is whether the sentence contains a quote mark.
 * Calls `emit` once per feature name.
 */
export function cueFeatures(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean, emit: (f: string) => void): void {
  const c = cueContext(toks, i, lo, hi);
  const w = toks[i].w;
  const s = stem(w);
  const sh = shape(w);
  const pc = CLASS_NAMES[c.pc], nc = CLASS_NAMES[c.nc], subj = CLASS_NAMES[c.subj];
  emit('b');
  emit('w=' + w);
  emit('s=' + s);
  emit('sh=' + sh);
  emit('p1=' + c.prevW);
  emit('n1=' + c.nextW);
  emit('n2=' + c.next2W);
  emit('pc=' + pc);
  emit('nc=' + nc);
  emit('pc|nc=' + pc + '|' + nc);
  emit('subj=' + subj);
  emit('subj|nc=' + subj + '|' + nc);
  emit('skip=' + String(c.skip));
  emit('s|subj=' + s + '|' + subj);
  emit('s|nc=' + s + '|' + nc);
  emit('s|pc=' + s + '|' + pc);
  emit('w|n1=' + w + '|' + c.nextW);
  emit('w|p1=' + w + '|' + c.prevW);
  emit('s|that=' + s + '|' + String(c.thatSoon));
  emit('s|quote=' + s + '|' + String(c.quoteSoon) + '|' + String(c.quoteBefore));
  emit('that=' + String(c.thatSoon));
  emit('colon=' + String(c.colonSoon));
  emit('qsoon=' + String(c.quoteSoon));
  emit('qbefore=' + String(c.quoteBefore));
  emit('s|qsent=' + s + '|' + String(quoteInSentence));
  emit('first=' + String(i === lo) + '|' + String(toks[i].cap));
  emit('sh|subj|nc=' + sh + '|' + subj + '|' + nc);
}

/**
 * The weights of one feature template ("s|subj="), keyed by its parts in turn
 * (stem, then subject class). A name whose parts themselves contain "|" is
 * filed under every way of splitting it.
 */
type WeightTrie = Map<string, WeightTrie | number>;

function fileWeight(trie: WeightTrie, rest: string, parts: number, weight: number): void {
  if (parts === 1) { trie.set(rest, weight); return; }
  for (let at = rest.indexOf('|'); at >= 0; at = rest.indexOf('|', at + 1)) {
    const head = rest.slice(0, at);
    let sub = trie.get(head) as WeightTrie | undefined;
    if (!sub) trie.set(head, (sub = new Map()));
    fileWeight(sub, rest.slice(at + 1), parts - 1, weight);
  }
}

/** Feature templates in the order cueFeatures emits them (the sum must add in that order to be identical). */
const TEMPLATES = ['w=', 's=', 'sh=', 'p1=', 'n1=', 'n2=', 'pc=', 'nc=', 'pc|nc=', 'subj=', 'subj|nc=', 'skip=', 's|subj=', 's|nc=', 's|pc=',
  'w|n1=', 'w|p1=', 's|that=', 's|quote=', 'that=', 'colon=', 'qsoon=', 'qbefore=', 's|qsent=', 'first=', 'sh|subj|nc='] as const;
const TRIES = new Map<string, WeightTrie>(TEMPLATES.map((t) => [t, new Map()]));
/** Parts of each template's value: 'pc|nc=' has two. */
const PARTS = new Map<string, number>([['pc|nc=', 2], ['subj|nc=', 2], ['s|subj=', 2], ['s|nc=', 2], ['s|pc=', 2], ['w|n1=', 2], ['w|p1=', 2],
  ['s|that=', 2], ['s|quote=', 3], ['s|qsent=', 2], ['first=', 2], ['sh|subj|nc=', 3]]);
for (const [name, weight] of WEIGHTS) {
  const eq = name.indexOf('=');
  if (eq < 0) continue;
  const template = name.slice(0, eq + 1);
  const trie = TRIES.get(template);
  if (trie) fileWeight(trie, name.slice(eq + 1), PARTS.get(template) ?? 1, weight);
}
const BIAS = WEIGHTS.get('b') ?? 0;

function trie(template: string): WeightTrie {
  return TRIES.get(template)!;
}

/** The weight of a one-part feature (0 when the model has none). */
function weight1(t: WeightTrie, a: string): number {
  const v = t.get(a);
  return typeof v === 'number' ? v : 0;
}

function weight2(t: WeightTrie, a: string, b: string): number {
  const sub = t.get(a);
  if (sub === undefined || typeof sub === 'number') return 0;
  const v = sub.get(b);
  return typeof v === 'number' ? v : 0;
}

const W = trie('w='), S = trie('s='), SH = trie('sh='), P1 = trie('p1='), N1 = trie('n1='), N2 = trie('n2='), PC = trie('pc='), NC = trie('nc=');
const PC_NC = trie('pc|nc='), SUBJ = trie('subj='), SUBJ_NC = trie('subj|nc='), SKIP = trie('skip='), S_SUBJ = trie('s|subj='), S_NC = trie('s|nc=');
const S_PC = trie('s|pc='), W_N1 = trie('w|n1='), W_P1 = trie('w|p1='), S_THAT = trie('s|that='), S_QUOTE = trie('s|quote='), THAT = trie('that=');
const COLON = trie('colon='), QSOON = trie('qsoon='), QBEFORE = trie('qbefore='), S_QSENT = trie('s|qsent='), FIRST = trie('first='), SH_SUBJ_NC = trie('sh|subj|nc=');

/*
 * The context parts that take few values (classes, booleans, the skip count) index flat arrays
 * of weights, built once from the tries; a boolean pair (a, b) is at 2a + b.
 */
const BOOLEANS = ['false', 'true'];
/** The sub-trie under `key`, or an empty one. */
function under(t: WeightTrie, key: string): WeightTrie {
  const v = t.get(key);
  return v === undefined || typeof v === 'number' ? new Map() : v;
}
const classWeights = (t: WeightTrie): Float64Array => Float64Array.from(CLASS_NAMES, (c) => weight1(t, c));
/** A two-class template's weights at x * CLASS_COUNT + y. */
const classPairWeights = (t: WeightTrie): Float64Array =>
  Float64Array.from({ length: CLASS_COUNT * CLASS_COUNT }, (_, k) => weight2(t, CLASS_NAMES[Math.floor(k / CLASS_COUNT)], CLASS_NAMES[k % CLASS_COUNT]));
const booleanWeights = (t: WeightTrie): Float64Array => Float64Array.from(BOOLEANS, (b) => weight1(t, b));
/** A two-boolean template's weights at 2a + b. */
const booleanPairWeights = (t: WeightTrie): Float64Array => Float64Array.from({ length: 4 }, (_, k) => weight2(t, BOOLEANS[k >> 1], BOOLEANS[k & 1]));
const PC_W = classWeights(PC), NC_W = classWeights(NC), SUBJ_W = classWeights(SUBJ);
const PC_NC_W = classPairWeights(PC_NC), SUBJ_NC_W = classPairWeights(SUBJ_NC);
const SKIP_W = Float64Array.from(['0', '1', '2'], (k) => weight1(SKIP, k));
const THAT_W = booleanWeights(THAT), COLON_W = booleanWeights(COLON), QSOON_W = booleanWeights(QSOON), QBEFORE_W = booleanWeights(QBEFORE);
const FIRST_W = booleanPairWeights(FIRST);

/** What the score of a candidate word needs of the word alone, worked out once per word. */
interface CandidateWeights {
  /** The first terms of the sum, which depend on the word only: bias, w=, s=, sh= (added in that order). */
  lead: number;
  /** w|n1= and w|p1= by the neighbouring word or class. */
  byNext: WeightTrie;
  byPrev: WeightTrie;
  /** s|subj=, s|nc=, s|pc= by class; s|that=, s|qsent= by boolean; s|quote= by boolean pair. */
  bySubj: Float64Array;
  byNc: Float64Array;
  byPc: Float64Array;
  byThat: Float64Array;
  byQuote: Float64Array;
  byQsent: Float64Array;
  /** sh|subj|nc= by (subject class, next class). */
  bySubjNc: Float64Array;
}

const candidateWeights = new Map<string, CandidateWeights>();
const shapePairWeights = new Map<string, Float64Array>();

function weightsOf(w: string): CandidateWeights {
  let known = candidateWeights.get(w);
  if (known) return known;
  const s = stem(w);
  const sh = shape(w);
  let bySubjNc = shapePairWeights.get(sh);
  if (!bySubjNc) shapePairWeights.set(sh, (bySubjNc = classPairWeights(under(SH_SUBJ_NC, sh))));
  let lead = 0;
  lead += BIAS;
  lead += weight1(W, w);
  lead += weight1(S, s);
  lead += weight1(SH, sh);
  known = {
    lead,
    byNext: under(W_N1, w),
    byPrev: under(W_P1, w),
    bySubj: classWeights(under(S_SUBJ, s)),
    byNc: classWeights(under(S_NC, s)),
    byPc: classWeights(under(S_PC, s)),
    byThat: booleanWeights(under(S_THAT, s)),
    byQuote: booleanPairWeights(under(S_QUOTE, s)),
    byQsent: booleanWeights(under(S_QSENT, s)),
    bySubjNc,
  };
  // Only candidate words get here: the table is as small as the model's candidate list.
  candidateWeights.set(w, known);
  return known;
}

/** Probability that token `i` heads an attribution cue; 0 for words the model never saw as cues. */
export function cueProbability(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean): number {
  const t = toks[i];
  if (t.k !== 0 || t.q >= 0 || !CANDIDATE_SHAPES.mayInclude(t.w) || !CANDIDATES.has(t.w)) return 0;
  const c = cueContext(toks, i, lo, hi);
  const cw = weightsOf(t.w);
  const thatSoon = c.thatSoon ? 1 : 0;
  const quoteSoon = c.quoteSoon ? 1 : 0;
  const quoteBefore = c.quoteBefore ? 1 : 0;
  const qsent = quoteInSentence ? 1 : 0;
  // The same sum as over cueFeatures' names, term by term in the same order (absent names add 0).
  let z = cw.lead;
  z += weight1(P1, c.prevW);
  z += weight1(N1, c.nextW);
  z += weight1(N2, c.next2W);
  z += PC_W[c.pc];
  z += NC_W[c.nc];
  z += PC_NC_W[c.pc * CLASS_COUNT + c.nc];
  z += SUBJ_W[c.subj];
  z += SUBJ_NC_W[c.subj * CLASS_COUNT + c.nc];
  z += SKIP_W[c.skip];
  z += cw.bySubj[c.subj];
  z += cw.byNc[c.nc];
  z += cw.byPc[c.pc];
  z += weight1(cw.byNext, c.nextW);
  z += weight1(cw.byPrev, c.prevW);
  z += cw.byThat[thatSoon];
  z += cw.byQuote[2 * quoteSoon + quoteBefore];
  z += THAT_W[thatSoon];
  z += COLON_W[c.colonSoon ? 1 : 0];
  z += QSOON_W[quoteSoon];
  z += QBEFORE_W[quoteBefore];
  z += cw.byQsent[qsent];
  z += FIRST_W[2 * (i === lo ? 1 : 0) + (t.cap ? 1 : 0)];
  z += cw.bySubjNc[c.subj * CLASS_COUNT + c.nc];
  return 1 / (1 + Math.exp(-z));
}
