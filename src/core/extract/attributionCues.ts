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

/**
 * The features of token `i` (a candidate word outside quotes) in the sentence
 * [lo, hi]; `quoteInSentence` is whether the sentence contains a quote mark.
 * Calls `emit` once per feature name.
 */
export function cueFeatures(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean, emit: (f: string) => void): void {
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
  const s = stem(w);
  emit('b');
  emit('w=' + w);
  emit('s=' + s);
  emit('sh=' + shape(w));
  emit('p1=' + prevW);
  emit('n1=' + nextW);
  emit('n2=' + (next2 ? (next2.k === 0 ? next2.w : tokenClass(next2, false)) : 'END'));
  emit('pc=' + pc);
  emit('nc=' + nc);
  emit('pc|nc=' + pc + '|' + nc);
  emit('subj=' + subj);
  emit('subj|nc=' + subj + '|' + nc);
  emit('skip=' + Math.min(skipped, 2));
  emit('s|subj=' + s + '|' + subj);
  emit('s|nc=' + s + '|' + nc);
  emit('s|pc=' + s + '|' + pc);
  emit('w|n1=' + w + '|' + nextW);
  emit('w|p1=' + w + '|' + prevW);
  emit('s|that=' + s + '|' + thatSoon);
  emit('s|quote=' + s + '|' + quoteSoon + '|' + quoteBefore);
  emit('that=' + thatSoon);
  emit('colon=' + colonSoon);
  emit('qsoon=' + quoteSoon);
  emit('qbefore=' + quoteBefore);
  emit('s|qsent=' + s + '|' + quoteInSentence);
  emit('first=' + (i === lo) + '|' + t.cap);
  emit('sh|subj|nc=' + shape(w) + '|' + subj + '|' + nc);
}

/** Probability that token `i` heads an attribution cue; 0 for words the model never saw as cues. */
export function cueProbability(toks: readonly CueToken[], i: number, lo: number, hi: number, quoteInSentence: boolean): number {
  const t = toks[i];
  if (t.k !== 0 || t.q >= 0 || !CANDIDATES.has(t.w)) return 0;
  let z = 0;
  cueFeatures(toks, i, lo, hi, quoteInSentence, (f) => { z += WEIGHTS.get(f) ?? 0; });
  return 1 / (1 + Math.exp(-z));
}
