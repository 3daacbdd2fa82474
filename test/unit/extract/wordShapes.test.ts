import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { WordShapes } from '../../../src/core/extract/wordShapes';

describe('WordShapes (the pre-filter before word-list lookups)', () => {
  it('never rules out a listed word, whatever its letters or length', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), { minLength: 1, maxLength: 30 }), (words) => {
        const shapes = new WordShapes(words);
        for (const w of words) assert.equal(shapes.mayInclude(w), true, w);
      }),
    );
  });

  it('rules out words whose length or first or last letter no listed word has', () => {
    const shapes = new WordShapes(['said', 'told', 'élysée']);
    assert.equal(shapes.mayInclude('said'), true);
    assert.equal(shapes.mayInclude('élysée'), true);
    assert.equal(shapes.mayInclude('the'), false);
    assert.equal(shapes.mayInclude('sail'), false);
    assert.equal(shapes.mayInclude('tolds'), false);
  });
});
