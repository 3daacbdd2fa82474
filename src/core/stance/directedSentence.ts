/**
 * The directed classifier of directed.ts, prepared once per sentence.
 *
 * The stance layer asks about several entity pairs in the same sentence (a
 * speaker against each person named around a claim). `pairFeatures` re-tokenises
 * and re-stems the whole sentence and builds a few dozen feature strings for
 * every pair; here the sentence is tokenised once, every distinct word's
 * lexicon facts and model rows are looked up once (and cached across
 * sentences), and a pair's score is summed straight from those rows.
 *
 * The result is exactly that of `classifyPair`: the same features, added in
 * the same order (the order in which `pairFeatures` first inserts them into its
 * set), each once, so even the floating-point sums are identical. Pairs whose
 * words between the entities are a passive verb are rewritten by
 * `pairFeatures` into another sentence; those (rare) pairs go through
 * `classifyPair` itself.
 */
import { CLASS_COUNT, classifyPair, type DirectedSentiment, type LoadedModel, shippedModel, toDirected } from './directed';
import { activeVoice, stem, tokenize } from './directedFeatures';
import { NEGATIVE_CUES, NEGATORS, PASSIVE_AUXILIARIES, POSITIVE_CUES, REPORTING_VERBS } from './lexicon';

/**
 * A model row: its index into the index's packed weights (CLASS_COUNT per row) and marks. Numbers
 * rather than objects: a pair adds a few dozen rows, and each indirection is a cache miss.
 */
type Row = number;

/** Classes per row, as a module constant (an imported one is re-read at every use). */
const K = CLASS_COUNT;

/** What the classifier needs to know about one (lower-cased) token, whatever sentence it is in. */
interface WordInfo {
  text: string;
  stem: string;
  /** Lexicon polarity of the stem alone. */
  polarity: 1 | -1 | 0;
  /** The stem starts a two-word lexicon entry ("stand by"): the next token matters. */
  twoWordHead: boolean;
  negator: boolean;
  reporting: boolean;
  auxiliary: boolean;
  b: Row | undefined;
  bfirst: Row | undefined;
  blast: Row | undefined;
  l: Row | undefined;
  l1: Row | undefined;
  r: Row | undefined;
  r1: Row | undefined;
  ea: Row | undefined;
  eb: Row | undefined;
  /** Rows of the bigrams (bb:, rr:) that start with this word's stem, by the next stem. */
  bbNext: Map<string, Row> | undefined;
  rrNext: Map<string, Row> | undefined;
}

const positive = new Set(POSITIVE_CUES);
const negative = new Set(NEGATIVE_CUES);
const negators = new Set(NEGATORS);
const reporting = new Set(REPORTING_VERBS);
const auxiliaries = new Set(PASSIVE_AUXILIARIES);
const twoWordHeads = new Set([...POSITIVE_CUES, ...NEGATIVE_CUES].filter((c) => c.includes(' ')).map((c) => c.slice(0, c.indexOf(' '))));

const REGIONS = ['L', 'B', 'R'] as const;
const SIGNS = ['pos', 'neg'] as const;

/** The model's rows under the names `pairFeatures` produces, plus the fixed features resolved once. */
interface ModelIndex {
  model: LoadedModel;
  rows: Map<string, Row>;
  /**
   * The rows of bb:<s1>_<s2> and rr:<s1>_<s2> by s1, then s2: looked up without building the name
   * (most bigrams are not in the model). A name with several underscores is filed under each split.
   */
  bb: Map<string, Map<string, Row>>;
  rr: Map<string, Map<string, Row>>;
  /** Row r's weights are weights[r * K .. r * K + K). */
  weights: Float64Array;
  /** The pair that last added row r (a feature counts once per pair). */
  marks: Int32Array;
  words: Map<string, WordInfo>;
  /** The same, by the token as written (before lower-casing). */
  asWritten: Map<string, WordInfo>;
  mark: number;
  bias: Row | undefined;
  dist: Map<string, Row | undefined>;
  bEmpty: Row | undefined;
  lStart: Row | undefined;
  rEnd: Row | undefined;
  aPoss: Row | undefined;
  bPoss: Row | undefined;
  hasBy: Row | undefined;
  quote: Row | undefined;
  comma: Row | undefined;
  reportedPlus: Row | undefined;
  reportedMinus: Row | undefined;
  /** cue:<region>:<sign>[:not], indexed [region][sign][negated]. */
  cue: Array<Array<Array<Row | undefined>>>;
  cuePassive: Array<Row | undefined>;
  cueBNearA: Array<Row | undefined>;
  cueBNearB: Array<Row | undefined>;
  cueLNearA: Array<Row | undefined>;
  cueRNearB: Array<Row | undefined>;
  report: Array<Row | undefined>;
  negatorIn: Array<Row | undefined>;
}

const indexes = new WeakMap<LoadedModel, ModelIndex>();

function indexFor(model: LoadedModel): ModelIndex {
  let index = indexes.get(model);
  if (index) return index;
  const rows = new Map<string, Row>();
  const weights = new Float64Array(model.rows.size * K);
  for (const [name, w] of model.rows) {
    const row = rows.size;
    for (let c = 0; c < K; c++) weights[row * K + c] = w[c];
    rows.set(name, row);
  }
  const get = (name: string) => rows.get(name);
  const bigrams = (prefix: string): Map<string, Map<string, Row>> => {
    const out = new Map<string, Map<string, Row>>();
    for (const [name, row] of rows) {
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length);
      for (let at = key.indexOf('_'); at >= 0; at = key.indexOf('_', at + 1)) {
        const first = key.slice(0, at);
        let seconds = out.get(first);
        if (!seconds) out.set(first, (seconds = new Map()));
        seconds.set(key.slice(at + 1), row);
      }
    }
    return out;
  };
  index = {
    model,
    rows,
    bb: bigrams('bb:'),
    rr: bigrams('rr:'),
    weights,
    marks: new Int32Array(rows.size),
    words: new Map(),
    asWritten: new Map(),
    mark: 0,
    bias: get('bias'),
    dist: new Map(['0-1', '2-3', '4-6', '7-10', '11-20', '21+'].map((d) => [d, get(`dist=${d}`)])),
    bEmpty: get('b:EMPTY'),
    lStart: get('l:START'),
    rEnd: get('r:END'),
    aPoss: get('a:poss'),
    bPoss: get('b:poss'),
    hasBy: get('b:has_by'),
    quote: get('b:quote'),
    comma: get('b:comma'),
    reportedPlus: get('reported:A+B'),
    reportedMinus: get('reported:A-B'),
    cue: REGIONS.map((r) => SIGNS.map((s) => [get(`cue:${r}:${s}`), get(`cue:${r}:${s}:not`)])),
    cuePassive: SIGNS.map((s) => get(`cue:B:${s}:passive`)),
    cueBNearA: SIGNS.map((s) => get(`cue:B:${s}:nearA`)),
    cueBNearB: SIGNS.map((s) => get(`cue:B:${s}:nearB`)),
    cueLNearA: SIGNS.map((s) => get(`cue:L:${s}:nearA`)),
    cueRNearB: SIGNS.map((s) => get(`cue:R:${s}:nearB`)),
    report: REGIONS.map((r) => get(`report:${r}`)),
    negatorIn: REGIONS.map((r) => get(`negator:${r}`)),
  };
  indexes.set(model, index);
  return index;
}

function wordInfo(index: ModelIndex, text: string): WordInfo {
  const known = index.words.get(text);
  if (known) return known;
  const s = stem(text);
  const get = (name: string) => index.rows.get(name);
  const info: WordInfo = {
    text,
    stem: s,
    polarity: positive.has(s) ? 1 : negative.has(s) ? -1 : 0,
    twoWordHead: twoWordHeads.has(s),
    // As isNegator and the reporting test in directedFeatures.ts.
    negator: negators.has(text) || negators.has(s) || text.endsWith("n't") || text.endsWith('n’t'),
    reporting: reporting.has(text) || reporting.has(s),
    auxiliary: auxiliaries.has(text),
    b: get(`b:${s}`),
    bfirst: get(`bfirst:${s}`),
    blast: get(`blast:${s}`),
    l: get(`l:${s}`),
    l1: get(`l1:${s}`),
    r: get(`r:${s}`),
    r1: get(`r1:${s}`),
    ea: get(`ea:${text}`),
    eb: get(`eb:${text}`),
    bbNext: index.bb.get(s),
    rrNext: index.rr.get(s),
  };
  // Bounded like the stem cache: news vocabulary is large, memory is not.
  if (index.words.size > 50_000) index.words.clear();
  index.words.set(text, info);
  return info;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;

const NO_WORDS: WordInfo[] = [];

/** Lexicon polarity of token i of a region, as cuePolarity in directedFeatures.ts. */
function polarityAt(words: WordInfo[], i: number): 1 | -1 | 0 {
  const w = words[i];
  if (!w.twoWordHead || i + 1 >= words.length) return w.polarity;
  const two = `${w.stem} ${words[i + 1].text}`;
  if (positive.has(w.stem) || positive.has(two)) return 1;
  if (negative.has(w.stem) || negative.has(two)) return -1;
  return 0;
}

function negatedAt(words: WordInfo[], i: number): boolean {
  for (let k = Math.max(0, i - 3); k < i; k++) if (words[k].negator) return true;
  return false;
}

function indexOfText(words: WordInfo[], text: string, from = 0): number {
  for (let k = from; k < words.length; k++) if (words[k].text === text) return k;
  return -1;
}

/** Class scores of the pair being classified (one pair at a time: classification never nests). */
const scores = new Float64Array(K);

/** One sentence, tokenised once, against which any pair of entity spans can be classified. */
export class PreparedSentence {
  private readonly index: ModelIndex;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly words: WordInfo[] = [];
  private mark = 0;

  constructor(readonly sentence: string, model: LoadedModel = shippedModel()) {
    const index = (this.index = indexFor(model));
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(sentence); m; m = TOKEN.exec(sentence)) {
      this.starts.push(m.index);
      this.ends.push(m.index + m[0].length);
      // Keyed by the token as written: most tokens are met again, and need no lower-casing then.
      const raw = m[0];
      let info = index.asWritten.get(raw);
      if (!info) {
        info = wordInfo(index, raw.toLowerCase());
        if (index.asWritten.size > 50_000) index.asWritten.clear();
        index.asWritten.set(raw, info);
      }
      this.words.push(info);
    }
  }

  /** Adds a feature's weights the first time the feature occurs, as the feature set of pairFeatures does. */
  private add(row: Row | undefined): void {
    if (row === undefined) return;
    const marks = this.index.marks;
    if (marks[row] === this.mark) return;
    marks[row] = this.mark;
    const weights = this.index.weights;
    for (let c = 0, at = row * K; c < K; c++, at++) scores[c] += weights[at];
  }

  /** Directed sentiment between the spans p and q (UTF-16 offsets into the sentence), as `classifyPair`. */
  classify(p: [number, number], q: [number, number]): DirectedSentiment {
    const pair = { sentence: this.sentence, p, q };
    if (activeVoice(pair)) return classifyPair(pair, this.index.model);
    const swapped = q[0] < p[0];
    const a = swapped ? q : p;
    const b = swapped ? p : q;
    const n = this.sentence.length;
    const lw = this.region(0, a[0]);
    const bw = this.region(a[1], Math.max(a[1], b[0]));
    const rw = this.region(Math.max(b[1], a[1]), n);
    const aWords = this.region(a[0], a[1]);
    const bWords = this.region(b[0], b[1]);

    const index = this.index;
    if (index.mark >= 0x7fffffff) {
      index.marks.fill(0);
      index.mark = 0;
    }
    this.mark = ++index.mark;
    for (let c = 0; c < K; c++) scores[c] = index.model.classBias[c];

    this.add(index.bias);
    this.add(index.dist.get(distanceBucket(bw.length)));
    for (let i = 0; i < bw.length; i++) {
      this.add(bw[i].b);
      if (i + 1 < bw.length) this.add(bw[i].bbNext?.get(bw[i + 1].stem));
    }
    if (bw.length) {
      this.add(bw[0].bfirst);
      this.add(bw[bw.length - 1].blast);
      if (bw.length <= 4) this.add(index.rows.get(`bshort:${bw.map((w) => w.stem).join('_')}`));
    } else this.add(index.bEmpty);

    for (let i = Math.max(0, lw.length - 4); i < lw.length; i++) this.add(lw[i].l);
    if (lw.length) this.add(lw[lw.length - 1].l1);
    else this.add(index.lStart);
    for (let i = 0; i < Math.min(5, rw.length); i++) this.add(rw[i].r);
    if (rw.length) this.add(rw[0].r1);
    else this.add(index.rEnd);
    if (rw.length > 1) this.add(rw[0].rrNext?.get(rw[1].stem));
    if (bw.length && isPossessive(bw[0].text)) this.add(index.aPoss);
    if (rw.length && isPossessive(rw[0].text)) this.add(index.bPoss);
    for (const w of aWords) this.add(w.ea);
    for (const w of bWords) this.add(w.eb);

    for (let r = 0; r < 3; r++) {
      const toks = r === 0 ? lw : r === 1 ? bw : rw;
      for (let i = 0; i < toks.length; i++) {
        const pol = polarityAt(toks, i);
        if (pol !== 0) {
          const sign = pol > 0 ? 0 : 1;
          this.add(index.cue[r][sign][negatedAt(toks, i) ? 1 : 0]);
          if (r === 1) {
            const byAt = indexOfText(toks, 'by', i + 1);
            const passive = i > 0 && toks[i - 1].auxiliary && byAt >= 0 && byAt < i + 4;
            const passiveToB = byAt >= 0 && i + 1 < toks.length && toks[toks.length - 1].text === 'by';
            if (passive || passiveToB) this.add(index.cuePassive[sign]);
            if (i <= 2) this.add(index.cueBNearA[sign]);
            if (toks.length - i <= 3) this.add(index.cueBNearB[sign]);
          }
          if (r === 0 && toks.length - i <= 4) this.add(index.cueLNearA[sign]);
          if (r === 2 && i <= 3) this.add(index.cueRNearB[sign]);
        }
        if (toks[i].reporting) this.add(index.report[r]);
        if (toks[i].negator) this.add(index.negatorIn[r]);
      }
    }
    let reportedBetween = false;
    for (const w of bw) if (w.reporting) { reportedBetween = true; break; }
    if (reportedBetween) {
      let judged = 0;
      for (let i = 0; i < Math.min(rw.length, 8) && judged === 0; i++) {
        const t = rw[i].text;
        if (t === '.' || t === ';' || t === '?' || t === '!') break;
        judged = polarityAt(rw, i) * (negatedAt(rw, i) ? -1 : 1);
      }
      if (judged !== 0) this.add(judged > 0 ? index.reportedPlus : index.reportedMinus);
    }
    if (indexOfText(bw, 'by') >= 0) this.add(index.hasBy);
    if (bw.some((w) => w.text === '“' || w.text === '"' || w.text === '”')) this.add(index.quote);
    if (indexOfText(bw, ',') >= 0) this.add(index.comma);

    // The softmax of classProbabilities, then the best class as in classifyPair.
    let max = -Infinity;
    for (let c = 0; c < K; c++) max = Math.max(max, scores[c]);
    let total = 0;
    const exps = new Array<number>(K);
    for (let c = 0; c < K; c++) {
      exps[c] = Math.exp(scores[c] - max);
      total += exps[c];
    }
    let best = 0;
    let bestProb = exps[0] / total;
    for (let c = 1; c < K; c++) {
      const prob = exps[c] / total;
      if (prob > bestProb) { best = c; bestProb = prob; }
    }
    return toDirected(best, swapped, bestProb);
  }

  /**
   * The tokens `tokenize(sentence.slice(x, y))` gives. Where x and y fall
   * between the sentence's tokens these are the sentence's own tokens; a
   * bound inside a token ("Trump" of "Trump's") is re-tokenised the way the
   * slice would be.
   */
  private region(x: number, y: number): WordInfo[] {
    const s = this.sentence;
    x = Math.max(0, Math.min(x, s.length));
    y = Math.max(0, Math.min(y, s.length));
    if (x >= y) return NO_WORDS;
    const { starts, ends } = this;
    const n = starts.length;
    // First token ending after x.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    let k = lo;
    if (k === n || starts[k] >= x) {
      // x falls between tokens: the common case, where y usually does too.
      let end = k;
      while (end < n && ends[end] <= y) end++;
      if (end === n || starts[end] >= y) return this.words.slice(k, end);
    }
    const out: WordInfo[] = [];
    const pushSlice = (from: number): void => {
      for (const t of tokenize(s.slice(from, y))) out.push(wordInfo(this.index, t));
    };
    let pos = x;
    while (k < n && starts[k] < y) {
      if (starts[k] >= pos) {
        // In step with the sentence's tokens: the text from pos to this token is white space.
        if (ends[k] > y) { pushSlice(starts[k]); break; }
        out.push(this.words[k]);
        pos = ends[k];
        k++;
        continue;
      }
      // pos is inside token k: the regular expression from pos sees the same characters as on the slice.
      const c = s.charCodeAt(pos);
      if (c >= 0xdc00 && c <= 0xdfff) {
        // Inside a surrogate pair: leave it to the regular expression on the slice itself.
        out.length = 0;
        pushSlice(x);
        break;
      }
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(s);
      if (!m || m.index >= y) break;
      const end = m.index + m[0].length;
      if (end > y) { pushSlice(m.index); break; }
      out.push(wordInfo(this.index, m[0].toLowerCase()));
      pos = end;
      while (k < n && ends[k] <= pos) k++;
    }
    return out;
  }
}

function isPossessive(t: string): boolean {
  return t === "'" || t === '’' || /^['’]s$/.test(t);
}

function distanceBucket(n: number): string {
  if (n <= 1) return '0-1';
  if (n <= 3) return '2-3';
  if (n <= 6) return '4-6';
  if (n <= 10) return '7-10';
  if (n <= 20) return '11-20';
  return '21+';
}
