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

/** A coarse class of a neighbouring token. */
function tokenClass(t: CueToken | undefined, outside: boolean): string {
  if (!t || outside) return 'END';
  if (t.k === 2 || t.k === 4) return 'OQ';
  if (t.k === 3) return 'CQ';
  if (t.k !== 0) return t.w === ',' || t.w === ':' || t.w === '.' || t.w === ';' || t.w === '—' || t.w === '(' ? t.w : 'P';
  if (t.q >= 0) return 'QW';
  if (t.w === 'that') return 'that';
  if (SUBJECT_PRONOUNS.has(t.w)) return 'PRON';
  if (RELATIVES.has(t.w)) return 'REL';
  if (DETERMINERS.has(t.w)) return 'DET';
  if (PREPOSITIONS.has(t.w)) return 'PREP';
  if (t.cap) return 'CAP';
  return 'w';
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

/** What the features of one candidate token are made of (see cueFeatures). */
interface CueContext {
  w: string;
  s: string;
  shape: string;
  prevW: string;
  nextW: string;
  next2W: string;
  pc: string;
  nc: string;
  subj: string;
  skip: string;
  thatSoon: string;
  quoteSoon: string;
  colonSoon: string;
  quoteBefore: string;
  quoteInSentence: string;
  first: string;
  cap: string;
}

function cueContext(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean): CueContext {
  const t = toks[i];
  const w = t.w;
  const prev = i - 1 >= lo ? toks[i - 1] : undefined;
  const next = i + 1 <= hi ? toks[i + 1] : undefined;
  const next2 = i + 2 <= hi ? toks[i + 2] : undefined;
  const prevW = prev ? (prev.k === 0 ? prev.w : tokenClass(prev, false)) : 'START';
  const nextW = next ? (next.k === 0 ? next.w : tokenClass(next, false)) : 'END';
  const nc = tokenClass(next, false);
  const pc = tokenClass(prev, false);
  // The subject slot: the first token left of the cue that is not an auxiliary or adverb.
  let j = i - 1;
  while (j >= lo && j > i - 5 && toks[j].k === 0 && toks[j].q < 0 && AUXILIARIES.has(toks[j].w)) j--;
  const subj = j < lo ? 'START' : tokenClass(toks[j], false);
  const skipped = i - 1 - j;
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
    w,
    s: stem(w),
    shape: shape(w),
    prevW,
    nextW,
    next2W: next2 ? (next2.k === 0 ? next2.w : tokenClass(next2, false)) : 'END',
    pc,
    nc,
    subj,
    skip: String(Math.min(skipped, 2)),
    thatSoon: String(thatSoon),
    quoteSoon: String(quoteSoon),
    colonSoon: String(colonSoon),
    quoteBefore: String(quoteBefore),
    quoteInSentence: String(quoteInSentence),
    first: String(i === lo),
    cap: String(t.cap),
  };
}

/**
 * The features of token `i` (a candidate word outside quotes) in the sentence
 * [lo, hi]; `quoteInSentence` is whether the sentence contains a quote mark.
 * Calls `emit` once per feature name.
 */
export function cueFeatures(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean, emit: (f: string) => void): void {
  const c = cueContext(toks, i, lo, hi, quoteInSentence);
  emit('b');
  emit('w=' + c.w);
  emit('s=' + c.s);
  emit('sh=' + c.shape);
  emit('p1=' + c.prevW);
  emit('n1=' + c.nextW);
  emit('n2=' + c.next2W);
  emit('pc=' + c.pc);
  emit('nc=' + c.nc);
  emit('pc|nc=' + c.pc + '|' + c.nc);
  emit('subj=' + c.subj);
  emit('subj|nc=' + c.subj + '|' + c.nc);
  emit('skip=' + c.skip);
  emit('s|subj=' + c.s + '|' + c.subj);
  emit('s|nc=' + c.s + '|' + c.nc);
  emit('s|pc=' + c.s + '|' + c.pc);
  emit('w|n1=' + c.w + '|' + c.nextW);
  emit('w|p1=' + c.w + '|' + c.prevW);
  emit('s|that=' + c.s + '|' + c.thatSoon);
  emit('s|quote=' + c.s + '|' + c.quoteSoon + '|' + c.quoteBefore);
  emit('that=' + c.thatSoon);
  emit('colon=' + c.colonSoon);
  emit('qsoon=' + c.quoteSoon);
  emit('qbefore=' + c.quoteBefore);
  emit('s|qsent=' + c.s + '|' + c.quoteInSentence);
  emit('first=' + c.first + '|' + c.cap);
  emit('sh|subj|nc=' + c.shape + '|' + c.subj + '|' + c.nc);
}

/**
 * The weights of one feature template ("s|subj="), keyed by its parts in turn
 * (stem, then subject class), so that scoring builds no feature names. A name
 * whose parts themselves contain "|" is filed under every way of splitting it.
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

function weight3(t: WeightTrie, a: string, b: string, c: string): number {
  const sub = t.get(a);
  if (sub === undefined || typeof sub === 'number') return 0;
  return weight2(sub, b, c);
}

const W = trie('w='), S = trie('s='), SH = trie('sh='), P1 = trie('p1='), N1 = trie('n1='), N2 = trie('n2='), PC = trie('pc='), NC = trie('nc=');
const PC_NC = trie('pc|nc='), SUBJ = trie('subj='), SUBJ_NC = trie('subj|nc='), SKIP = trie('skip='), S_SUBJ = trie('s|subj='), S_NC = trie('s|nc=');
const S_PC = trie('s|pc='), W_N1 = trie('w|n1='), W_P1 = trie('w|p1='), S_THAT = trie('s|that='), S_QUOTE = trie('s|quote='), THAT = trie('that=');
const COLON = trie('colon='), QSOON = trie('qsoon='), QBEFORE = trie('qbefore='), S_QSENT = trie('s|qsent='), FIRST = trie('first='), SH_SUBJ_NC = trie('sh|subj|nc=');

/** Probability that token `i` heads an attribution cue; 0 for words the model never saw as cues. */
export function cueProbability(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean): number {
  const t = toks[i];
  if (t.k !== 0 || t.q >= 0 || !CANDIDATES.has(t.w)) return 0;
  const c = cueContext(toks, i, lo, hi, quoteInSentence);
  // The same sum as over cueFeatures' names, term by term in the same order (absent names add 0).
  let z = 0;
  z += BIAS;
  z += weight1(W, c.w);
  z += weight1(S, c.s);
  z += weight1(SH, c.shape);
  z += weight1(P1, c.prevW);
  z += weight1(N1, c.nextW);
  z += weight1(N2, c.next2W);
  z += weight1(PC, c.pc);
  z += weight1(NC, c.nc);
  z += weight2(PC_NC, c.pc, c.nc);
  z += weight1(SUBJ, c.subj);
  z += weight2(SUBJ_NC, c.subj, c.nc);
  z += weight1(SKIP, c.skip);
  z += weight2(S_SUBJ, c.s, c.subj);
  z += weight2(S_NC, c.s, c.nc);
  z += weight2(S_PC, c.s, c.pc);
  z += weight2(W_N1, c.w, c.nextW);
  z += weight2(W_P1, c.w, c.prevW);
  z += weight2(S_THAT, c.s, c.thatSoon);
  z += weight3(S_QUOTE, c.s, c.quoteSoon, c.quoteBefore);
  z += weight1(THAT, c.thatSoon);
  z += weight1(COLON, c.colonSoon);
  z += weight1(QSOON, c.quoteSoon);
  z += weight1(QBEFORE, c.quoteBefore);
  z += weight2(S_QSENT, c.s, c.quoteInSentence);
  z += weight2(FIRST, c.first, c.cap);
  z += weight3(SH_SUBJ_NC, c.shape, c.subj, c.nc);
  return 1 / (1 + Math.exp(-z));
}
