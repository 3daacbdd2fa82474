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
import { WordTable } from './wordTable';
import { BETWEEN_BIGRAM, CLASS_COUNT, classifyPair, RIGHT_BIGRAM, type DirectedSentiment, type LoadedModel, shippedModel, toDirected } from './directed';
import { activeVoice, stem } from './directedFeatures';
import { hashOf } from './featureIndex';
import { NEGATIVE_CUES, NEGATORS, PASSIVE_AUXILIARIES, POSITIVE_CUES, REPORTING_VERBS } from './lexicon';
import { isWhiteSpace, scanTokens } from './sentenceTokens';

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
  /** hashOf(stem), by which the model finds two-word features (LoadedModel.pairRow). */
  stemHash: number;
  /** Lexicon polarity of the stem alone. */
  polarity: 1 | -1 | 0;
  /** The stem starts a two-word lexicon entry ("stand by"): the next token matters. */
  twoWordHead: boolean;
  negator: boolean;
  reporting: boolean;
  auxiliary: boolean;
  /**
   * The word can add a lexicon-cue, reporting or negator feature (see cueFeatures): a pair's
   * regions are scanned for these words only.
   */
  cueRelevant: boolean;
  b: Row | undefined;
  bfirst: Row | undefined;
  blast: Row | undefined;
  l: Row | undefined;
  l1: Row | undefined;
  r: Row | undefined;
  r1: Row | undefined;
  ea: Row | undefined;
  eb: Row | undefined;
}

const positive = new Set(POSITIVE_CUES);
const negative = new Set(NEGATIVE_CUES);
const negators = new Set(NEGATORS);
const reporting = new Set(REPORTING_VERBS);
const auxiliaries = new Set(PASSIVE_AUXILIARIES);
const twoWordHeads = new Set([...POSITIVE_CUES, ...NEGATIVE_CUES].filter((c) => c.includes(' ')).map((c) => c.slice(0, c.indexOf(' '))));

const REGIONS = ['L', 'B', 'R'] as const;
const SIGNS = ['pos', 'neg'] as const;

/** The model, the fixed features resolved once, and what the classifier keeps between sentences. */
interface ModelIndex {
  model: LoadedModel;
  /** Row r's weights are weights[r * K .. r * K + K). */
  weights: Float64Array;
  /** The pair that last added row r (a feature counts once per pair). */
  marks: Int32Array;
  /** Every (lower-cased) word met so far. */
  words: WordTable<WordInfo>;
  mark: number;
  bias: Row | undefined;
  /** dist=<bucket> by bucket number (see distanceBucket). */
  dist: Array<Row | undefined>;
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

/** The row of a feature, or undefined when the model lacks it (as the classifier's `add` takes it). */
function rowOf(model: LoadedModel, a: string, b?: string, c?: string, d?: string): Row | undefined {
  const row = model.row(a, b, c, d);
  return row < 0 ? undefined : row;
}

function indexFor(model: LoadedModel): ModelIndex {
  let index = indexes.get(model);
  if (index) return index;
  const get = (name: string) => rowOf(model, name);
  index = {
    model,
    weights: model.weights,
    marks: new Int32Array(model.size),
    // Bounded like the stem cache: news vocabulary is large, memory is not.
    // Tagged 1 when cue-relevant: preparing a sentence reads that of every token (see PreparedSentence).
    words: new WordTable((lower) => wordInfo(model, lower), 50_000, (info) => (info.cueRelevant ? 1 : 0)),
    mark: 0,
    bias: get('bias'),
    dist: DISTANCE_BUCKETS.map((d) => get(`dist=${d}`)),
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

/** What the classifier knows about a lower-cased token; made once per distinct word (see ModelIndex.words). */
function wordInfo(model: LoadedModel, text: string): WordInfo {
  const s = stem(text);
  const polarity = positive.has(s) ? 1 : negative.has(s) ? -1 : 0;
  const twoWordHead = twoWordHeads.has(s);
  // As isNegator and the reporting test in directedFeatures.ts.
  const negator = negators.has(text) || negators.has(s) || text.endsWith("n't") || text.endsWith('n’t');
  const isReporting = reporting.has(text) || reporting.has(s);
  return {
    text,
    stem: s,
    stemHash: hashOf(s),
    polarity,
    twoWordHead,
    negator,
    reporting: isReporting,
    auxiliary: auxiliaries.has(text),
    cueRelevant: polarity !== 0 || twoWordHead || negator || isReporting,
    b: rowOf(model, 'b:', s),
    bfirst: rowOf(model, 'bfirst:', s),
    blast: rowOf(model, 'blast:', s),
    l: rowOf(model, 'l:', s),
    l1: rowOf(model, 'l1:', s),
    r: rowOf(model, 'r:', s),
    r1: rowOf(model, 'r1:', s),
    ea: rowOf(model, 'ea:', text),
    eb: rowOf(model, 'eb:', text),
  };
}

/**
 * Tokens [from, to) of `words`: one region of a pair (left of A, between A and B, right of B, or an
 * entity), as `tokenize` gives it on the region's text. `nextRelevant[i]` is the first index >= i
 * whose word is cue-relevant (words.length when none).
 */
interface Region {
  words: WordInfo[];
  from: number;
  to: number;
  nextRelevant: number[];
}

/** For each index, the first cue-relevant word at or after it. */
function relevantIndex(words: WordInfo[]): number[] {
  const next = new Array<number>(words.length + 1);
  next[words.length] = words.length;
  for (let i = words.length - 1; i >= 0; i--) next[i] = words[i].cueRelevant ? i : next[i + 1];
  return next;
}

const NO_WORDS: WordInfo[] = [];
const EMPTY: Region = { words: NO_WORDS, from: 0, to: 0, nextRelevant: relevantIndex(NO_WORDS) };

/** Lexicon polarity of token i of a region, as cuePolarity in directedFeatures.ts. */
function polarityAt(region: Region, i: number): 1 | -1 | 0 {
  const words = region.words;
  const w = words[i];
  if (!w.twoWordHead || i + 1 >= region.to) return w.polarity;
  const two = `${w.stem} ${words[i + 1].text}`;
  if (positive.has(w.stem) || positive.has(two)) return 1;
  if (negative.has(w.stem) || negative.has(two)) return -1;
  return 0;
}

/** A negator among the three tokens of the region before token i. */
function negatedAt(region: Region, i: number): boolean {
  for (let k = Math.max(region.from, i - 3); k < i; k++) if (region.words[k].negator) return true;
  return false;
}

/** First token of the region at or after `from` with this text, or -1. */
function indexOfText(region: Region, text: string, from: number): number {
  for (let k = from; k < region.to; k++) if (region.words[k].text === text) return k;
  return -1;
}

const UNKNOWN = -2;

/** Class scores of the pair being classified (one pair at a time: classification never nests). */
const scores = new Float64Array(K);
/** exp(score - max) of each class of that pair. */
const expScratch = new Float64Array(K);

/** One sentence, tokenised once, against which any pair of entity spans can be classified. */
export class PreparedSentence {
  private readonly index: ModelIndex;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly words: WordInfo[] = [];
  private readonly nextRelevant: number[];
  /**
   * The bb: row of the sentence's tokens i and i + 1 once asked for (UNKNOWN before, -1 when the
   * model has none): the pairs of one sentence share most of the words between them.
   */
  private readonly bigramRows: number[];
  private mark = 0;

  constructor(readonly sentence: string, model: LoadedModel = shippedModel()) {
    const index = (this.index = indexFor(model));
    const { starts, ends, words } = this;
    scanTokens(sentence, starts, ends);
    const table = index.words;
    const count = starts.length;
    // Whether each word is cue-relevant, from the table's tags: most words of a sentence are used
    // for nothing else, and reading the flag from their info objects costs a cache miss apiece.
    // (Plain arrays here and below: a typed array costs more to make than these few numbers.)
    const relevant: number[] = [];
    for (let k = 0; k < count; k++) {
      const entry = table.entry(sentence, starts[k], ends[k]);
      words.push(table.info(entry));
      relevant.push(table.tag(entry));
    }
    const next = (this.nextRelevant = new Array<number>(count + 1));
    next[count] = count;
    for (let k = count - 1; k >= 0; k--) next[k] = relevant[k] ? k : next[k + 1];
    this.bigramRows = new Array<number>(count).fill(UNKNOWN);
  }

  /** The bb: row of tokens i and i + 1 of a region. */
  private bigramRow(region: Region, i: number): Row | undefined {
    const words = region.words;
    const model = this.index.model;
    let row: number;
    if (words !== this.words) row = model.pairRow(BETWEEN_BIGRAM, words[i].stem, words[i].stemHash, words[i + 1].stem, words[i + 1].stemHash);
    else {
      row = this.bigramRows[i];
      if (row === UNKNOWN) this.bigramRows[i] = row = model.pairRow(BETWEEN_BIGRAM, words[i].stem, words[i].stemHash, words[i + 1].stem, words[i + 1].stemHash);
    }
    return row < 0 ? undefined : row;
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
    if (mayBePassive(this.sentence, p, q)) {
      const pair = { sentence: this.sentence, p, q };
      if (activeVoice(pair)) return classifyPair(pair, this.index.model);
    }
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

    // The features in the order pairFeatures first inserts them (see the module comment).
    this.add(index.bias);
    const between = bw.to - bw.from;
    const bws = bw.words;
    this.add(index.dist[distanceBucket(between)]);
    for (let i = bw.from; i < bw.to; i++) {
      this.add(bws[i].b);
      if (i + 1 < bw.to) this.add(this.bigramRow(bw, i));
    }
    if (between) {
      this.add(bws[bw.from].bfirst);
      this.add(bws[bw.to - 1].blast);
      if (between <= 4) {
        let name = 'bshort:' + bws[bw.from].stem;
        for (let i = bw.from + 1; i < bw.to; i++) name += '_' + bws[i].stem;
        this.add(rowOf(index.model, name));
      }
    } else this.add(index.bEmpty);

    const lws = lw.words;
    for (let i = Math.max(lw.from, lw.to - 4); i < lw.to; i++) this.add(lws[i].l);
    if (lw.to > lw.from) this.add(lws[lw.to - 1].l1);
    else this.add(index.lStart);
    const rws = rw.words;
    const right = rw.to - rw.from;
    for (let i = rw.from; i < Math.min(rw.from + 5, rw.to); i++) this.add(rws[i].r);
    if (right) this.add(rws[rw.from].r1);
    else this.add(index.rEnd);
    if (right > 1) {
      const first = rws[rw.from];
      const second = rws[rw.from + 1];
      const row = index.model.pairRow(RIGHT_BIGRAM, first.stem, first.stemHash, second.stem, second.stemHash);
      if (row >= 0) this.add(row);
    }
    if (between && isPossessive(bws[bw.from].text)) this.add(index.aPoss);
    if (right && isPossessive(rws[rw.from].text)) this.add(index.bPoss);
    for (let i = aWords.from; i < aWords.to; i++) this.add(aWords.words[i].ea);
    for (let i = bWords.from; i < bWords.to; i++) this.add(bWords.words[i].eb);

    this.addCues(lw, 0);
    this.addCues(bw, 1);
    this.addCues(rw, 2);
    let reportedBetween = false;
    let hasBy = false;
    let hasQuote = false;
    let hasComma = false;
    for (let i = bw.from; i < bw.to; i++) {
      const w = bws[i];
      if (w.reporting) reportedBetween = true;
      const t = w.text;
      if (t === 'by') hasBy = true;
      else if (t === '“' || t === '"' || t === '”') hasQuote = true;
      else if (t === ',') hasComma = true;
    }
    if (reportedBetween) {
      let judged = 0;
      for (let i = rw.from; i < Math.min(rw.to, rw.from + 8) && judged === 0; i++) {
        const t = rws[i].text;
        if (t === '.' || t === ';' || t === '?' || t === '!') break;
        judged = polarityAt(rw, i) * (negatedAt(rw, i) ? -1 : 1);
      }
      if (judged !== 0) this.add(judged > 0 ? index.reportedPlus : index.reportedMinus);
    }
    if (hasBy) this.add(index.hasBy);
    if (hasQuote) this.add(index.quote);
    if (hasComma) this.add(index.comma);

    // The softmax of classProbabilities, then the best class as in classifyPair.
    let max = -Infinity;
    for (let c = 0; c < K; c++) max = Math.max(max, scores[c]);
    let total = 0;
    const exps = expScratch;
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
   * The lexicon-cue, reporting and negator features of one region (r: 0 left, 1 between, 2 right),
   * as the region loop of pairFeatures adds them; only cue-relevant words can add one, so only those
   * are visited, in order.
   */
  private addCues(region: Region, r: number): void {
    const index = this.index;
    const { words, from, to, nextRelevant } = region;
    for (let i = nextRelevant[from]; i < to; i = nextRelevant[i + 1]) {
      const pol = polarityAt(region, i);
      if (pol !== 0) {
        const sign = pol > 0 ? 0 : 1;
        this.add(index.cue[r][sign][negatedAt(region, i) ? 1 : 0]);
        if (r === 1) {
          const byAt = indexOfText(region, 'by', i + 1);
          const passive = i > from && words[i - 1].auxiliary && byAt >= 0 && byAt < i + 4;
          const passiveToB = byAt >= 0 && i + 1 < to && words[to - 1].text === 'by';
          if (passive || passiveToB) this.add(index.cuePassive[sign]);
          if (i - from <= 2) this.add(index.cueBNearA[sign]);
          if (to - i <= 3) this.add(index.cueBNearB[sign]);
        }
        if (r === 0 && to - i <= 4) this.add(index.cueLNearA[sign]);
        if (r === 2 && i - from <= 3) this.add(index.cueRNearB[sign]);
      }
      if (words[i].reporting) this.add(index.report[r]);
      if (words[i].negator) this.add(index.negatorIn[r]);
    }
  }

  /**
   * The tokens `tokenize(sentence.slice(x, y))` gives (see directedFeatures.ts). Where x and y
   * fall between the sentence's tokens these are the sentence's own tokens; when a bound cuts a
   * token ("Trump" of "Trump's"), the slice is tokenised afresh.
   */
  private region(x: number, y: number): Region {
    const s = this.sentence;
    x = Math.max(0, Math.min(x, s.length));
    y = Math.max(0, Math.min(y, s.length));
    if (x >= y) return EMPTY;
    const { starts, ends } = this;
    const n = starts.length;
    const k = firstEndingAfter(ends, x, 0);
    if (k === n || starts[k] >= x) {
      // x falls between tokens: the common case, where y usually does too.
      const end = firstEndingAfter(ends, y, k);
      if (end === n || starts[end] >= y) return { words: this.words, from: k, to: end, nextRelevant: this.nextRelevant };
    }
    // A bound inside a token: the slice itself is tokenised (by the scanner, which finds what the
    // tokeniser's expression would and, unlike it, costs nothing to compile in a fresh process).
    const slice = s.slice(x, y);
    const sliceStarts: number[] = [];
    const sliceEnds: number[] = [];
    scanTokens(slice, sliceStarts, sliceEnds);
    const words = this.index.words;
    const out: WordInfo[] = [];
    for (let t = 0; t < sliceStarts.length; t++) out.push(words.get(slice, sliceStarts[t], sliceEnds[t]));
    return { words: out, from: 0, to: out.length, nextRelevant: relevantIndex(out) };
  }
}

/**
 * The first index at or after `from` whose token ends after `offset` (ends.length when none), by
 * bisection: `ends` ascends, and the left and right regions of a pair span most of the sentence.
 */
function firstEndingAfter(ends: number[], offset: number, from: number): number {
  let lo = from;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * False when the words between the two entities cannot be a passive verb phrase for `activeVoice`
 * (its pattern ends in "by" and optional white space), so that most pairs skip that expression.
 * A character that might case-fold onto "b" or "y" is left to the expression.
 */
function mayBePassive(sentence: string, p: [number, number], q: [number, number]): boolean {
  const [a, b] = q[0] < p[0] ? [q, p] : [p, q];
  let end = b[0];
  while (end > a[1] && isWhiteSpace(sentence.charCodeAt(end - 1))) end--;
  if (end - a[1] < 2) return false;
  const y = sentence.charCodeAt(end - 1);
  const by = sentence.charCodeAt(end - 2);
  return (y === 121 || y === 89 || y > 127) && (by === 98 || by === 66 || by > 127);
}

function isPossessive(t: string): boolean {
  return t === "'" || t === '’' || /^['’]s$/.test(t);
}

/** The distance buckets of pairFeatures (dist=<bucket>), in order. */
const DISTANCE_BUCKETS = ['0-1', '2-3', '4-6', '7-10', '11-20', '21+'];

/** Index into DISTANCE_BUCKETS of a distance of n tokens. */
function distanceBucket(n: number): number {
  if (n <= 1) return 0;
  if (n <= 3) return 1;
  if (n <= 6) return 2;
  if (n <= 10) return 3;
  if (n <= 20) return 4;
  return 5;
}
