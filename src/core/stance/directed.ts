/**
 * Entity-to-entity directed sentiment: in one sentence, does p hold a positive
 * or negative opinion of q, or q of p, or neither?
 *
 * A multinomial logistic regression over the features of directedFeatures.ts,
 * trained on the directed-sentiment news corpus (Park, Pan & Joo, ACL 2021) by
 * test/eval/trainStance.ts; the weights ship as directedModel.json.
 */
import { type EntityPair, findEntity, locateEntities, pairFeatures } from './directedFeatures';
import modelJson from './directedModel.json';
import { FeatureIndex } from './featureIndex';

export type DirectedPolarity = 'positive' | 'negative' | 'neutral';

export interface DirectedSentiment {
  /** Who holds the opinion: p, q, or null when neutral. */
  from: 'p' | 'q' | null;
  polarity: DirectedPolarity;
  /** Probability of the chosen class under the model, 0..1. */
  confidence: number;
}

/**
 * The shipped model, as stored in directedModel.json. Classes are in
 * first-entity/second-entity terms: 0 neutral, 1 A positive toward B, 2 B
 * positive toward A, 3 A negative toward B, 4 B negative toward A.
 *
 * Compact on purpose (the JSON ships in the extension): feature names joined
 * by newlines, and their weights as signed bytes (five per feature, in name
 * order) in base64; a weight is the byte divided by `scale`.
 */
export interface DirectedModel {
  format: string;
  labels: string[];
  scale: number;
  /** Per-class offsets tuned for macro-F1 on held-out training data. */
  classBias: number[];
  names: string;
  weights: string;
}

export const CLASS_COUNT = 5;

/**
 * The two-word features, bigrams of stems between the entities (bb:) and right after the second
 * (rr:), which the classifier looks up by its words' hashes (LoadedModel.pairRow): 0 and 1.
 */
export const PAIR_PREFIXES = ['bb:', 'rr:'] as const;
export const BETWEEN_BIGRAM = 0;
export const RIGHT_BIGRAM = 1;

/**
 * A model ready to score. Loading it does next to nothing: a fresh process that analyses one
 * document uses a few thousand of the model's 24,000 features, so the feature names are indexed
 * where they lie (FeatureIndex) and each row's weights are decoded from the base64 the first time
 * the row is looked up.
 */
export class LoadedModel {
  /** Number of features (rows). */
  readonly size: number;
  readonly classBias: number[];
  /**
   * Row r's weights are weights[r * CLASS_COUNT .. (r + 1) * CLASS_COUNT), filled in when `row`
   * first returns r (zero before).
   */
  readonly weights: Float64Array;
  private readonly features: FeatureIndex;
  /** decoded[r] is 1 once row r's weights are in `weights`. */
  private readonly decoded: Uint8Array;

  constructor(private readonly stored: DirectedModel) {
    this.features = new FeatureIndex(stored.names, PAIR_PREFIXES);
    this.size = this.features.size;
    const packed = stored.weights;
    // (Each digit is checked as its row is decoded: checking all of them here costs more than a
    // fresh process spends on the rows it uses.)
    if (packed.length % 4 !== 0) throw new Error('directed-sentiment model: the weights are not base64');
    const byteCount = (packed.length / 4) * 3 - (packed.endsWith('==') ? 2 : packed.endsWith('=') ? 1 : 0);
    if (byteCount !== this.size * CLASS_COUNT) throw new Error(`directed-sentiment model: ${this.size} features but ${byteCount} weights`);
    this.weights = new Float64Array(byteCount);
    this.decoded = new Uint8Array(this.size);
    const classBias = stored.classBias.slice(0, CLASS_COUNT);
    while (classBias.length < CLASS_COUNT) classBias.push(0);
    this.classBias = classBias;
  }

  /**
   * The row of the feature named `a + b + c + d` (in parts, so that callers need not build the
   * name), its weights ready in `weights`; -1 when the model lacks the feature.
   */
  row(a: string, b = '', c = '', d = ''): number {
    const row = this.features.row(a, b, c, d);
    if (row >= 0 && this.decoded[row] === 0) this.decode(row);
    return row;
  }

  /**
   * The row of the two-word feature PAIR_PREFIXES[prefix] + first + '_' + second, its weights
   * ready, or -1 (see FeatureIndex.pairRow: the hashes are `hashOf` the words).
   */
  pairRow(prefix: number, first: string, firstHash: number, second: string, secondHash: number): number {
    const row = this.features.pairRow(prefix, first, firstHash, second, secondHash);
    if (row >= 0 && this.decoded[row] === 0) this.decode(row);
    return row;
  }

  /** The name of row r. */
  name(row: number): string {
    return this.features.name(row);
  }

  /** Decodes row r's signed bytes from the base64 and scales them into weights. */
  private decode(row: number): void {
    const packed = this.stored.weights;
    const end = (row + 1) * CLASS_COUNT;
    for (let at = row * CLASS_COUNT; at < end; ) {
      // Bytes 3g, 3g + 1 and 3g + 2 are the 24 bits of base64 digits 4g .. 4g + 3.
      const group = Math.floor(at / 3);
      const d = 4 * group;
      const bits = (digit(packed, d) << 18) | (digit(packed, d + 1) << 12) | (digit(packed, d + 2) << 6) | digit(packed, d + 3);
      for (; at < end && at < 3 * group + 3; at++) {
        const byte = (bits >> (8 * (3 * group + 2 - at))) & 0xff;
        this.weights[at] = (byte > 127 ? byte - 256 : byte) / this.stored.scale;
      }
    }
    this.decoded[row] = 1;
  }
}

/** The value of each base64 digit by character code; '=' (padding) counts as 0, 255 marks a non-digit. */
const BASE64_DIGITS = new Uint8Array(128).fill(255);
for (let v = 0; v < 64; v++) BASE64_DIGITS['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(v)] = v;
BASE64_DIGITS[61] = 0;

/** The value of base64 digit i of `text`. */
function digit(text: string, i: number): number {
  const value = BASE64_DIGITS[text.charCodeAt(i)] ?? 255;
  if (value === 255) throw new Error(`directed-sentiment model: the weights are not base64 (character ${i})`);
  return value;
}

/** Unpacks a stored model (see LoadedModel: the weights are decoded as they are looked up). */
export function loadModel(model: DirectedModel): LoadedModel {
  return new LoadedModel(model);
}

let shipped: LoadedModel | undefined;
/** Decoded on first use, so that loading ClaimLens stays fast. */
export function shippedModel(): LoadedModel {
  return (shipped ??= loadModel(modelJson as DirectedModel));
}

/** Class probabilities (A/B terms) for a feature list. */
export function classProbabilities(features: string[], model: LoadedModel = shippedModel()): number[] {
  const scores = model.classBias.slice();
  for (const name of features) {
    const row = model.row(name);
    if (row < 0) continue;
    for (let c = 0; c < CLASS_COUNT; c++) scores[c] += model.weights[row * CLASS_COUNT + c];
  }
  const max = Math.max(...scores);
  let total = 0;
  for (let c = 0; c < CLASS_COUNT; c++) {
    scores[c] = Math.exp(scores[c] - max);
    total += scores[c];
  }
  return scores.map((s) => s / total);
}

/** Maps an A/B class onto p/q, given whether A is q. */
export function toDirected(klass: number, swapped: boolean, confidence: number): DirectedSentiment {
  if (klass === 0) return { from: null, polarity: 'neutral', confidence };
  const firstHolds = klass === 1 || klass === 3;
  const polarity: DirectedPolarity = klass <= 2 ? 'positive' : 'negative';
  const from = firstHolds !== swapped ? 'p' : 'q';
  return { from, polarity, confidence };
}

/** Classifies a located pair. */
export function classifyPair(pair: EntityPair, model: LoadedModel = shippedModel()): DirectedSentiment {
  const { features, swapped } = pairFeatures(pair);
  const probs = classProbabilities(features, model);
  let best = 0;
  for (let c = 1; c < CLASS_COUNT; c++) if (probs[c] > probs[best]) best = c;
  return toDirected(best, swapped, probs[best]);
}

/** Thrown when p or q cannot be found in the sentence. */
export class EntityNotFoundError extends Error {}

/**
 * Directed sentiment between p and q in `sentence`. The entities may be marked
 * with [brackets] (the corpus format); otherwise they are searched for in the
 * sentence (case-insensitive, at word boundaries, falling back to the last
 * word of a multi-word name). Throws EntityNotFoundError when they are absent.
 */
export function classifyDirected(sentence: string, p: string, q: string): DirectedSentiment {
  const pair = locateEntities(sentence, p, q);
  if (!pair) {
    const missing = findEntity(sentence, p, null) ? q : p;
    throw new EntityNotFoundError(`'${missing}' does not occur in the sentence`);
  }
  return classifyPair(pair);
}
