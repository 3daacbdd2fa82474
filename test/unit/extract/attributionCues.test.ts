/** The attribution-cue scorer must give exactly the logistic function of the summed weights of cueFeatures' names. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cueTrainingView } from '../../../src/core/extract/attribution';
import { cueFeatures, cueProbability, type CueToken } from '../../../src/core/extract/attributionCues';
import { CUE_MODEL } from '../../../src/core/extract/attributionCueModel';

const seedsDir = join(__dirname, '..', '..', '..', '..', 'seeds');

describe('cueProbability: the attribution-cue model scored without building feature names', () => {
  it('equals the logistic function of the summed weights of cueFeatures’ names', () => {
    const weights = new Map(Object.entries(CUE_MODEL.weights));
    const words = ['Ruiz', 'has', 'also', 'said', 'that', 'she', 'believes', '“', 'the', 'plan', 'works', '”', ',', 'and', 'Bell', 'warned', ':', 'no', 'deal', '.'];
    const toks: CueToken[] = words.map((w) => ({
      w: /^\p{L}/u.test(w) ? w.toLowerCase() : w,
      k: w === '“' ? 2 : w === '”' ? 3 : /^\p{L}/u.test(w) ? 0 : 1,
      cap: /^\p{Lu}/u.test(w),
      q: -1,
    }));
    let scored = 0;
    for (const quoteInSentence of [false, true]) {
      for (let i = 0; i < toks.length; i++) {
        if (toks[i].k !== 0 || !CUE_MODEL.candidates.includes(toks[i].w)) {
          assert.equal(cueProbability(toks, i, 0, toks.length - 1, quoteInSentence), 0);
          continue;
        }
        let z = 0;
        cueFeatures(toks, i, 0, toks.length - 1, quoteInSentence, (f) => { z += weights.get(f) ?? 0; });
        assert.equal(cueProbability(toks, i, 0, toks.length - 1, quoteInSentence), 1 / (1 + Math.exp(-z)), toks[i].w);
        scored++;
      }
    }
    assert.ok(scored >= 6, `only ${scored} candidates scored`);
  });

  it('equals it for every candidate word of the seed articles, as findAttributions tokenises them', () => {
    const weights = new Map(Object.entries(CUE_MODEL.weights));
    let scored = 0;
    for (const name of readdirSync(seedsDir).filter((n) => n.endsWith('.txt'))) {
      const { toks, sentences } = cueTrainingView(readFileSync(join(seedsDir, name), 'utf8'));
      for (const [lo, hi] of sentences) {
        const quoteInSentence = toks.slice(lo, hi + 1).some((t) => t.q >= 0);
        for (let i = lo; i <= hi; i++) {
          if (toks[i].k !== 0 || toks[i].q >= 0 || !CUE_MODEL.candidates.includes(toks[i].w)) continue;
          let z = 0;
          cueFeatures(toks, i, lo, hi, quoteInSentence, (f) => { z += weights.get(f) ?? 0; });
          assert.equal(cueProbability(toks, i, lo, hi, quoteInSentence), 1 / (1 + Math.exp(-z)), `${name}: ${toks[i].w}`);
          scored++;
        }
      }
    }
    assert.ok(scored >= 50, `only ${scored} candidates scored`);
  });
});
