/**
 * Scores the directed-sentiment classifier (src/core/stance/directed.ts) on
 * the directed-sentiment news corpus (Park, Pan & Joo, ACL 2021).
 *
 *   npx tsc -p . && node out/test/eval/stance.js --corpus ../shared/corpora/directed-sentiment --split valid
 *     [--errors N]   print N misclassified sentences
 *
 * Prints per-class precision/recall/F1, macro-F1 over the five classes and
 * accuracy, next to two baselines: always-neutral, and a keyword lexicon (the
 * first cue word between the two entities decides: positive/negative, from
 * the first entity toward the second, reversed by a passive "by", cancelled
 * by a negator just before it). Also times the classifier.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { classifyPair, type DirectedSentiment } from '../../src/core/stance/directed';
import { cuePolarity, type EntityPair, locateEntities, tokenize } from '../../src/core/stance/directedFeatures';
import { NEGATORS } from '../../src/core/stance/lexicon';
import { loadDirectedCorpus, score, type Scores } from './trainStance';

/** p/q terms → corpus label (0 neutral, 1 p+q, 2 q+p, 3 p-q, 4 q-p). */
export function sentimentToLabel(s: DirectedSentiment): number {
  if (s.from === null || s.polarity === 'neutral') return 0;
  if (s.polarity === 'positive') return s.from === 'p' ? 1 : 2;
  return s.from === 'p' ? 3 : 4;
}

const negators = new Set(NEGATORS);

export function keywordBaseline(pair: EntityPair): DirectedSentiment {
  const swapped = pair.q[0] < pair.p[0];
  const [a, b] = swapped ? [pair.q, pair.p] : [pair.p, pair.q];
  const between = tokenize(pair.sentence.slice(a[1], Math.max(a[1], b[0])));
  for (let i = 0; i < between.length; i++) {
    const pol = cuePolarity(between, i);
    if (pol === 0) continue;
    if (i > 0 && (negators.has(between[i - 1]) || between[i - 1].endsWith("n't") || between[i - 1].endsWith('n’t'))) {
      return { from: null, polarity: 'neutral', confidence: 1 };
    }
    const passive = between.slice(i + 1, i + 3).includes('by');
    const firstHolds = !passive;
    const from = firstHolds !== swapped ? 'p' : 'q';
    return { from, polarity: pol > 0 ? 'positive' : 'negative', confidence: 1 };
  }
  return { from: null, polarity: 'neutral', confidence: 1 };
}

const CLASS_NAMES = ['neutral', 'p→q positive', 'q→p positive', 'p→q negative', 'q→p negative'];

function table(title: string, s: Scores): string {
  const rows = [`${title}`, `  ${'class'.padEnd(14)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'support'.padStart(8)}`];
  for (let c = 0; c < CLASS_NAMES.length; c++) {
    rows.push(`  ${CLASS_NAMES[c].padEnd(14)} ${s.precision[c].toFixed(3).padStart(6)} ${s.recall[c].toFixed(3).padStart(6)} ${s.f1[c].toFixed(3).padStart(6)} ${String(s.support[c]).padStart(8)}`);
  }
  rows.push(`  macro-F1 ${s.macroF1.toFixed(3)}   accuracy ${s.accuracy.toFixed(3)}`);
  return rows.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: '../shared/corpora/directed-sentiment' },
      split: { type: 'string', default: 'valid' },
      errors: { type: 'string', default: '0' },
    },
  });
  const file = resolve(values.corpus!, `${values.split}.txt`);
  const examples = loadDirectedCorpus(file);
  const pairs = examples.map((e) => {
    const pair = locateEntities(e.sentence, e.p, e.q);
    if (!pair) throw new Error(`${file}:${e.line}: the entities are not in the sentence`);
    return pair;
  });
  const gold = examples.map((e) => e.label);

  const started = process.hrtime.bigint();
  const predicted = pairs.map((pair) => classifyPair(pair));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const model = score(gold, predicted.map(sentimentToLabel));
  const neutral = score(gold, gold.map(() => 0));
  const lexicon = score(gold, pairs.map((pair) => sentimentToLabel(keywordBaseline(pair))));

  console.log(`${file}: ${examples.length} sentences`);
  console.log(table('ClaimLens directed classifier', model));
  console.log(table('baseline: keyword lexicon', lexicon));
  console.log(table('baseline: always neutral', neutral));
  // The corpus labels several entity pairs per sentence, so some valid sentences also occur in
  // train (with other pairs): the model's figure on the valid sentences never seen in train.
  const trainFile = resolve(values.corpus!, 'train.txt');
  if (values.split !== 'train' && existsSync(trainFile)) {
    const plain = (s: string) => s.replace(/[\[\]]/g, '');
    const seen = new Set(loadDirectedCorpus(trainFile).map((e) => plain(e.sentence)));
    const unseen = examples.map((e, i) => i).filter((i) => !seen.has(plain(examples[i].sentence)));
    const sub = (labels: number[]) => score(unseen.map((i) => gold[i]), unseen.map((i) => labels[i]));
    console.log(`On the ${unseen.length} ${values.split} sentences that do not occur in train (${examples.length - unseen.length} repeat a train sentence, most with the same pair and label):`);
    for (const [name, labels] of [
      ['ClaimLens directed classifier', predicted.map(sentimentToLabel)],
      ['baseline: keyword lexicon', pairs.map((pair) => sentimentToLabel(keywordBaseline(pair)))],
      ['baseline: always neutral', gold.map(() => 0)],
    ] as const) {
      const m = sub([...labels]);
      console.log(`  ${name.padEnd(30)} macro-F1 ${m.macroF1.toFixed(3)}   accuracy ${m.accuracy.toFixed(3)}   per-class F1 ${m.f1.map((f) => f.toFixed(2)).join(' ')}`);
    }
  }
  // Speed after a warm-up pass (the first pass includes JIT compilation and model decoding).
  const again = process.hrtime.bigint();
  for (const pair of pairs) classifyPair(pair);
  const warm = Number(process.hrtime.bigint() - again) / 1e9;
  console.log(`speed: ${Math.round(examples.length / warm)} sentences/s warm (${Math.round(examples.length / seconds)} on the first pass, model loading included), one core`);

  const showErrors = Number(values.errors);
  let shown = 0;
  for (let i = 0; i < examples.length && shown < showErrors; i++) {
    const label = sentimentToLabel(predicted[i]);
    if (label === gold[i]) continue;
    shown++;
    console.log(`gold ${gold[i]} predicted ${label}: ${examples[i].sentence}`);
  }
}

if (require.main === module) main();
