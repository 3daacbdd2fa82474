import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyzeDocument } from '../../../src/core/analyze';
import { SlicedJsonParser } from '../../../src/core/incremental/slicedJson';
import { article } from './fixture';

/** Parses in the smallest steps, counting them. */
function parseSliced(json: string | Uint8Array, units = 7): { value: unknown; steps: number } {
  const parser = new SlicedJsonParser(json);
  let steps = 1;
  while (!parser.step(units)) steps++;
  return { value: parser.get(), steps };
}

describe('incremental: JSON parsed a slice at a time', () => {
  it('gives the extraction of an article as JSON.parse does, in many short steps', () => {
    const extraction = analyzeDocument(article());
    const json = JSON.stringify(extraction);
    const { value, steps } = parseSliced(new TextEncoder().encode(json));
    assert.deepEqual(value, JSON.parse(json));
    assert.ok(steps > 10, `only ${steps} steps`);
  });

  it('reads strings with quotes, escapes, brackets and non-ASCII text inside', () => {
    const json = '{ "claims" : [ {"text":"he said \\"no\\", [really] {x}","n":1} , "é😀", 3, null, [1,[2]] ], "n": {"a":"}"}, "empty": [] }';
    assert.deepEqual(parseSliced(json, 3).value, JSON.parse(json));
  });

  it('parses anything else whole, and refuses what JSON.parse refuses', () => {
    for (const json of ['[1,2]', '"text"', '42', 'null']) assert.deepEqual(parseSliced(json).value, JSON.parse(json));
    for (const bad of ['{"a":[1,2}', '{"a" 1}', '{"a":[1,,2]}', '{"a":[1]', '{"a":tru}']) {
      assert.throws(() => parseSliced(bad), SyntaxError, bad);
    }
  });

  it('agrees with JSON.parse on any object of arrays', () => {
    const value = fc.dictionary(fc.string(), fc.oneof(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.jsonValue()));
    fc.assert(fc.property(value, fc.integer({ min: 1, max: 50 }), (v, units) => {
      const json = JSON.stringify(v, null, units % 3 === 0 ? 2 : undefined);
      assert.deepEqual(parseSliced(json, units).value, JSON.parse(json));
    }), { numRuns: 300 });
  });
});
