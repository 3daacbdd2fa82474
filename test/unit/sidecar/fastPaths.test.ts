import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Claim, Sidecar } from '../../../src/core/sidecar/model';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { canonicalText, freshText, serializeSidecar, toPlain, updatedInPlace } from '../../../src/core/sidecar/serialize';

// The per-entry paths (canonicalText, the entry-wise parse) must give exactly what the
// whole-document paths give: same bytes written, same model and findings read.

const LOC = 'fast.txt.annotations.yaml';
const odd = fc.constantFrom('yes', 'null', '- a', '#', ': ', 'a: b', 'true', '1', '~', '', ' lead', 'trail ', 'é😀“”', 'a\nb', 'a\n\nb\n', 'x\r\ny', 'tab\there', 'end\n', '|+', 'k: |+', '  - ', '"q"', "'s'");
const textArb = fc.oneof(odd, fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', '-', '\n', '\r', '\t', 'é', '😀', '|', '+', '"', "'", '&', '*'), maxLength: 24 }));
const claimArb = fc.record({
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  exact: textArb.filter((t) => t.length > 0),
  prefix: textArb,
  suffix: textArb,
  start: fc.nat(3000),
  verdict: fc.constantFrom('unverified', 'true', 'false', 'yes', 'null'),
  rationale: fc.option(textArb, { nil: undefined }),
  note: fc.option(textArb, { nil: undefined }),
  tags: fc.array(textArb.filter((t) => t.trim().length > 0), { maxLength: 2 }),
});

type ClaimInput = typeof claimArb extends fc.Arbitrary<infer T> ? T : never;
const nameArb = textArb.filter((t) => t.trim().length > 0);

function sidecarOf(claims: ClaimInput[], name: string): Sidecar {
  return {
    version: 1, document: { name, sha256: '' },
    speakers: [{ id: 'sp', name: 'Sam P', kind: 'person', aliases: [], note: name }],
    claims: claims.map((c): Claim => ({
      id: c.id, speaker: 'sp', kind: 'direct', status: 'accepted', verdict: c.verdict,
      anchor: { exact: c.exact, prefix: c.prefix, suffix: c.suffix, start: c.start, end: c.start + [...c.exact].length },
      ...(c.rationale !== undefined ? { rationale: c.rationale } : {}),
      ...(c.note !== undefined ? { note: c.note } : {}),
      sources: [], tags: c.tags,
    })),
    stances: [],
  };
}

describe('sidecar fast paths', () => {
  it('the per-entry rendering equals the whole-document rendering, byte for byte', function () {
    this.timeout(60_000); // hundreds of YAML renderings on a shared machine
    fc.assert(fc.property(fc.uniqueArray(claimArb, { selector: (c) => c.id, maxLength: 5 }), nameArb, (claims, name) => {
      const plain = toPlain(sidecarOf(claims, name));
      assert.equal(canonicalText(plain), freshText(plain));
      assert.equal(canonicalText(plain), freshText(plain), 'again, from the cache');
    }), { numRuns: 300 });
  });

  it('saving over a file the serializer wrote gives the bytes the Document API update gives', function () {
    this.timeout(60_000);
    fc.assert(fc.property(fc.uniqueArray(claimArb, { selector: (c) => c.id, minLength: 1, maxLength: 5 }), nameArb, fc.nat(), textArb, (claims, name, which, rationale) => {
      const before = sidecarOf(claims, name);
      const previous = serializeSidecar(before);
      const after = structuredClone(before);
      const changed = after.claims[which % after.claims.length];
      changed.verdict = changed.verdict === 'false' ? 'true' : 'false';
      changed.rationale = rationale;
      assert.equal(serializeSidecar(after, previous), updatedInPlace(toPlain(after), previous));
    }), { numRuns: 300 });
  });

  it('the entry-wise parse reads what the whole-document parse reads', function () {
    this.timeout(60_000);
    fc.assert(fc.property(fc.uniqueArray(claimArb, { selector: (c) => c.id, maxLength: 5 }), nameArb, (claims, name) => {
      const text = serializeSidecar(sidecarOf(claims, name));
      const quick = parseSidecar(text, LOC);
      const full = parseSidecar(text, LOC, { quick: false } as never);
      assert.deepEqual(quick.sidecar, full.sidecar);
      assert.deepEqual(quick.diagnostics, full.diagnostics);
      assert.equal(quick.writable, full.writable);
    }), { numRuns: 300 });
  });

  it('hand comments and unknown keys still go through the Document API and survive', () => {
    const text = serializeSidecar(sidecarOf([{ id: 'c1', exact: 'We won.', prefix: '', suffix: '', start: 3, verdict: 'unverified', rationale: undefined, note: undefined, tags: [] }], 'a.txt'));
    const edited = text.replace('  - id: c1\n', '  - id: c1\n    # checked twice\n    desk: politics\n');
    const model = parseSidecar(edited, LOC).sidecar!;
    model.claims[0].verdict = 'true';
    const saved = serializeSidecar(model, edited);
    assert.match(saved, /# checked twice\n    desk: politics\n/);
    assert.match(saved, /verdict: "true"/);
  });

  it('a finding in an entry-wise parsed file still has its line', () => {
    const text = serializeSidecar(sidecarOf([{ id: 'c1', exact: 'We won.', prefix: '', suffix: '', start: 3, verdict: 'unverified', rationale: undefined, note: undefined, tags: [] }], 'a.txt'));
    const r = parseSidecar(text.replace('speaker: sp', 'speaker: nobody'), LOC);
    const finding = r.diagnostics.find((d) => d.code === 'unknown-speaker');
    assert.ok(finding);
    assert.equal(finding.line, text.split('\n').findIndex((l) => l.includes('speaker: sp')) + 1);
  });
});
