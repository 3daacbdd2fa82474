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

export interface LoadedModel {
  classBias: number[];
  rows: Map<string, Float64Array>;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Unpacks a stored model into a feature → weights map. */
export function loadModel(model: DirectedModel): LoadedModel {
  const names = model.names ? model.names.split('\n') : [];
  const bytes = new Int8Array(decodeBase64(model.weights).buffer);
  if (bytes.length !== names.length * CLASS_COUNT) throw new Error(`directed-sentiment model: ${names.length} features but ${bytes.length} weights`);
  const rows = new Map<string, Float64Array>();
  names.forEach((name, i) => {
    const row = new Float64Array(CLASS_COUNT);
    for (let c = 0; c < CLASS_COUNT; c++) row[c] = bytes[i * CLASS_COUNT + c] / model.scale;
    rows.set(name, row);
  });
  const classBias = model.classBias.slice(0, CLASS_COUNT);
  while (classBias.length < CLASS_COUNT) classBias.push(0);
  return { classBias, rows };
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
    const w = model.rows.get(name);
    if (!w) continue;
    for (let c = 0; c < CLASS_COUNT; c++) scores[c] += w[c];
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
