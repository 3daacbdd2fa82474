import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { LineIndex } from '../../../src/core/incremental/lines';

/** What VS Code's TextDocument.positionAt answers: lines split at \r\n, \r or \n, a column never past its line's end. */
function editorPosition(text: string, offset: number): { line: number; character: number } {
  const lines = text.split(/\r\n|\r|\n/);
  const breaks = text.match(/\r\n|\r|\n/g) ?? [];
  let start = 0;
  const at = Math.max(0, Math.min(offset, text.length));
  for (let line = 0; line < lines.length; line++) {
    const end = start + lines[line].length;
    const next = end + (breaks[line]?.length ?? 0);
    if (at < next || line === lines.length - 1) return { line, character: Math.min(at, end) - start };
    start = next;
  }
  throw new Error('unreachable');
}

describe('incremental: line and column of offsets', () => {
  it('counts lines ended by \\n, \\r\\n and \\r', () => {
    const index = new LineIndex('one\ntwo\r\nthree\rfour');
    assert.equal(index.lineCount, 4);
    assert.deepEqual(index.position(0), { line: 0, character: 0 });
    assert.deepEqual(index.position(5), { line: 1, character: 1 });
    assert.deepEqual(index.position(9), { line: 2, character: 0 });
    assert.deepEqual(index.position(15), { line: 3, character: 0 });
    assert.deepEqual(index.position(99), { line: 3, character: 4 });
  });

  it('puts an offset between \\r and \\n at the end of its line', () => {
    assert.deepEqual(new LineIndex('ab\r\ncd').position(3), { line: 0, character: 2 });
  });

  it('answers as the editor does for any text and offset', () => {
    const text = fc.array(fc.constantFrom('a', 'é', '😀', '\n', '\r\n', '\r', ' '), { maxLength: 40 }).map((u) => u.join(''));
    fc.assert(fc.property(text, fc.nat(60), (t, offset) => {
      assert.deepEqual(new LineIndex(t).position(offset), editorPosition(t, offset));
    }), { numRuns: 500 });
  });
});
