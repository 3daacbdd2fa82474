/** The attribution-cue scorer must give exactly the logistic function of the summed weights of cueFeatures' names. */
import assert from 'node:assert/strict';
import { cueFeatures, cueProbability, type CueToken } from '../../../src/core/extract/attributionCues';
import { CUE_MODEL } from '../../../src/core/extract/attributionCueModel';

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
});
