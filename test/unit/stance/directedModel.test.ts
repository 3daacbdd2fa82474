/**
 * The shipped directed-sentiment model, unpacked lazily (directed.ts): every
 * feature must get exactly the weights the stored bytes say, and class
 * probabilities must be those of a plain name → weights map.
 */
import assert from 'node:assert/strict';
import { CLASS_COUNT, classProbabilities, type DirectedModel, loadModel, PAIR_PREFIXES } from '../../../src/core/stance/directed';
import { hashOf, PAIR_LOOKUPS_BEFORE_FILING } from '../../../src/core/stance/featureIndex';
import stored from '../../../src/core/stance/directedModel.json';

const model = stored as DirectedModel;

/** The model as a plain map from feature name to weights, decoded all at once in the obvious way. */
function referenceRows(): Map<string, number[]> {
  const names = model.names.split('\n');
  const binary = atob(model.weights);
  const rows = new Map<string, number[]>();
  names.forEach((name, i) => {
    const row: number[] = [];
    for (let c = 0; c < CLASS_COUNT; c++) {
      const byte = binary.charCodeAt(i * CLASS_COUNT + c);
      row.push((byte > 127 ? byte - 256 : byte) / model.scale);
    }
    rows.set(name, row);
  });
  return rows;
}

/** classProbabilities computed from the reference map, in the same order of additions. */
function referenceProbabilities(rows: Map<string, number[]>, features: string[]): number[] {
  const bias = model.classBias.slice(0, CLASS_COUNT);
  while (bias.length < CLASS_COUNT) bias.push(0);
  const scores = bias.slice();
  for (const f of features) {
    const w = rows.get(f);
    if (w) for (let c = 0; c < CLASS_COUNT; c++) scores[c] += w[c];
  }
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe('directed model: lazily unpacked weights', () => {
  const rows = referenceRows();

  it('finds every stored feature, with its exact weights, and nothing else', () => {
    const loaded = loadModel(model);
    assert.equal(loaded.size, rows.size);
    let k = 0;
    for (const [name, weights] of rows) {
      // Looked up whole and in parts, as the classifier does ("bb:" + stem + "_" + stem).
      const colon = name.indexOf(':');
      const row = k++ % 2 ? loaded.row(name) : loaded.row(name.slice(0, colon + 1), name.slice(colon + 1));
      assert.ok(row >= 0, name);
      assert.equal(loaded.name(row), name);
      assert.deepEqual(Array.from(loaded.weights.subarray(row * CLASS_COUNT, (row + 1) * CLASS_COUNT)), weights, name);
    }
    // Including a stretch of the stored names that runs over the newline between two of them.
    for (const absent of ['', 'b:', 'bb:zzzz_qqqq', 'bias ', 'Bias', `${[...rows.keys()][1]}\n${[...rows.keys()][2]}`]) {
      assert.ok(!rows.has(absent));
      assert.equal(loaded.row(absent), -1, absent);
    }
  });

  it('gives the class probabilities of a plain feature map for hand-written feature lists', () => {
    const lists = [
      ['bias'],
      ['bias', 'dist=0-1', 'b:prais', 'bfirst:prais', 'blast:prais', 'bshort:prais', 'cue:B:pos', 'cue:B:pos:nearA', 'cue:B:pos:nearB', 'l:START', 'r:END'],
      ['bias', 'dist=2-3', 'b:accus', 'b:of', 'bb:accus_of', 'cue:B:neg', 'report:L', 'l:said', 'l1:said', 'r:.', 'r1:.', 'b:comma'],
      ['bias', 'dist=21+', 'not a feature', 'b:EMPTY', 'ea:trump', 'eb:putin', 'negator:B', 'cue:B:neg:not', 'reported:A-B', 'passive_rewritten'],
      [],
    ];
    for (const features of lists) {
      // A fresh model each time: weights are decoded on first look-up, so order of use must not matter.
      assert.deepEqual(classProbabilities(features, loadModel(model)), referenceProbabilities(rows, features), features.join(' '));
    }
  });

  it('finds two-word features by their words’ hashes exactly as by name, before and after filing them', () => {
    const loaded = loadModel(model);
    const asked: Array<[number, string, string]> = [];
    for (const name of rows.keys()) {
      const prefix = PAIR_PREFIXES.findIndex((p) => name.startsWith(p));
      if (prefix < 0) continue;
      const words = name.slice(PAIR_PREFIXES[prefix].length);
      // Every split at an underscore, and pairs the model lacks.
      for (let at = words.indexOf('_'); at >= 0; at = words.indexOf('_', at + 1)) asked.push([prefix, words.slice(0, at), words.slice(at + 1)]);
      asked.push([prefix, words, 'zq'], [1 - prefix, words.slice(0, words.indexOf('_')), 'the']);
    }
    let lookups = 0;
    while (lookups <= 2 * PAIR_LOOKUPS_BEFORE_FILING) {
      for (const [prefix, first, second] of asked) {
        const byName = loaded.row(PAIR_PREFIXES[prefix], first, '_', second);
        assert.equal(loaded.pairRow(prefix, first, hashOf(first), second, hashOf(second)), byName, `${PAIR_PREFIXES[prefix]}${first}_${second}`);
        lookups++;
      }
    }
  });

  it('rejects stored weights that do not fit the names', () => {
    assert.throws(() => loadModel({ ...model, weights: model.weights.slice(0, -8) }), /features but/);
    assert.throws(() => loadModel({ ...model, weights: `${model.weights}=` }), /not base64/);
    // A corrupt digit is found when its row is first used.
    const corrupt = loadModel({ ...model, weights: `!!!!${model.weights.slice(4)}` });
    assert.throws(() => corrupt.row(corrupt.name(0)), /not base64/);
  });
});
