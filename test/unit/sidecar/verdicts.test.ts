import assert from 'node:assert/strict';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { DEFAULT_VERDICT_KEYS, DEFAULT_VERDICT_SCALE, findVerdict, verdictLabel, verdictScaleFrom } from '../../../src/core/sidecar/verdicts';
import schema from '../../../src/core/sidecar/sidecar.schema.json';

describe('verdict scales', () => {
  it('the default scale maps onto ClaimReview ratings from worst 1 to best 5', () => {
    assert.deepEqual(DEFAULT_VERDICT_KEYS, ['unverified', 'true', 'mostly-true', 'mixed', 'misleading', 'mostly-false', 'false', 'unsupported']);
    assert.equal(findVerdict(DEFAULT_VERDICT_SCALE, 'true')?.value, DEFAULT_VERDICT_SCALE.best);
    assert.equal(findVerdict(DEFAULT_VERDICT_SCALE, 'false')?.value, DEFAULT_VERDICT_SCALE.worst);
    assert.equal(findVerdict(DEFAULT_VERDICT_SCALE, 'unverified')?.value, undefined, 'an unchecked claim gets no rating');
    for (const v of DEFAULT_VERDICT_SCALE.verdicts) assert.ok(v.label && v.description && v.color, v.key);
  });

  it('the schema offers the default scale for completion', () => {
    const verdict = (schema as any).definitions.claim.properties.verdict;
    assert.deepEqual(verdict.examples, DEFAULT_VERDICT_KEYS);
    assert.deepEqual(verdict.anyOf[0].enum, DEFAULT_VERDICT_KEYS);
  });

  it('builds a custom scale and reports unusable entries', () => {
    const { scale, problems } = verdictScaleFrom([
      { key: 'pants-on-fire', label: 'Pants on Fire', value: 0, color: 'false' },
      { key: 'half-true', label: 'Half True', value: 3 },
      'true',
      { key: 'Bad Key' },
      { key: 'half-true' },
    ]);
    assert.deepEqual(scale.verdicts.map((v) => v.key), ['pants-on-fire', 'half-true', 'true']);
    assert.equal(scale.worst, 0);
    assert.equal(scale.best, 3);
    assert.equal(verdictLabel(scale, 'pants-on-fire'), 'Pants on Fire');
    assert.equal(verdictLabel(scale, 'off-scale'), 'off-scale');
    assert.equal(findVerdict(scale, 'true')?.color, 'true', 'known keys keep their colour');
    assert.equal(problems.length, 2);
    assert.match(problems[0], /verdict 4: needs a "key"/);
    assert.match(problems[1], /"half-true" is listed twice/);
  });

  it('falls back to the default scale for empty configuration', () => {
    assert.equal(verdictScaleFrom(undefined).scale, DEFAULT_VERDICT_SCALE);
    assert.equal(verdictScaleFrom([]).problems.length, 0);
    assert.match(verdictScaleFrom('nope').problems[0], /must be a list of verdicts/);
  });

  it('parses verdicts against the configured scale', () => {
    const { scale } = verdictScaleFrom([{ key: 'pants-on-fire' }, { key: 'half-true' }]);
    const text = 'version: 1\ndocument: {name: a.txt}\nclaims:\n  - id: c1\n    verdict: half-true\n    anchor: {exact: abc, start: 0, end: 3}\n  - id: c2\n    verdict: mostly-true\n    anchor: {exact: def, start: 4, end: 7}\n';
    const r = parseSidecar(text, 'a.txt.annotations.yaml', { verdictScale: scale });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line]), [['unknown-verdict', 8]]);
  });
});
