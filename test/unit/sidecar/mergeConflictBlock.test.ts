import assert from 'node:assert/strict';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { annotateConflicts } from '../../../src/core/review/conflictMarkup';
import { sampleSidecar } from './fixtures';

describe('a conflict block left by claimlens merge', () => {
  it('is reported as an error on the block’s line, naming the claim and the field, and the file stays editable', () => {
    const sidecar = sampleSidecar();
    const claim = sidecar.claims[0];
    const merged = annotateConflicts(serializeSidecar(sidecar), [
      { entity: 'claim', id: claim.id, field: 'verdict', base: 'unverified', ours: claim.verdict, theirs: 'false' },
    ] as Parameters<typeof annotateConflicts>[1]);
    const result = parseSidecar(merged, 'doc.txt.annotations.yaml');
    const found = result.diagnostics.filter((d) => d.code === 'merge-conflict-item');
    assert.equal(found.length, 1, JSON.stringify(result.diagnostics));
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, new RegExp(`claim "${claim.id}" \\(verdict\\)`));
    const blockLine = merged.split('\n').findIndex((l) => /^\s*conflict:/.test(l)) + 1;
    assert.equal(found[0].line, blockLine);
    assert.equal(result.writable, true);
  });

  it('is not reported once the block is deleted', () => {
    const result = parseSidecar(serializeSidecar(sampleSidecar()), 'doc.txt.annotations.yaml');
    assert.equal(result.diagnostics.filter((d) => d.code === 'merge-conflict-item').length, 0);
  });
});
