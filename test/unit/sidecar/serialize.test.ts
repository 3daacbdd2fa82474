import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Claim, Sidecar } from '../../../src/core/sidecar/model';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar, UnwritableSidecarError } from '../../../src/core/sidecar/serialize';
import { sampleSidecar } from './fixtures';

const LOC = 'bridge.txt.annotations.yaml';

function parse(text: string): Sidecar {
  const r = parseSidecar(text, LOC);
  assert.ok(r.sidecar, JSON.stringify(r.diagnostics));
  return r.sidecar;
}

/** Line numbers (1-based, in the old text) that differ, assuming no lines were added or removed. */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(a.length, b.length, `line count changed:\n${after}`);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

describe('serializeSidecar', () => {
  it('writes block-style YAML with a fixed key order, LF and a final newline', () => {
    const text = serializeSidecar(sampleSidecar());
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    assert.ok(!text.includes('\r'));
    assert.ok(!/[{[]/.test(text.replace(/"[^"]*"/g, '')), 'no flow collections');
    const claim = text.slice(text.indexOf('- id: c-bridge'), text.indexOf('- id: c-foundations'));
    const keys = [...claim.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]);
    assert.deepEqual(keys, ['speaker', 'kind', 'status', 'verdict', 'anchor', 'rationale', 'sources', 'tags', 'author', 'updated']);
    assert.match(text, /^version: 1\ndocument:\n {2}name: bridge\.txt\n/);
  });

  it('orders claims by position and speakers by id, whatever order they were added in', () => {
    const s = sampleSidecar();
    s.claims.reverse();
    s.speakers.reverse();
    const text = serializeSidecar(s);
    assert.equal(text, serializeSidecar(sampleSidecar()));
    const ids = [...text.matchAll(/^ {2}- id: (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['ana-ruiz', 'city-engineer', 'mayor-lakeside', 'c-bridge', 'c-foundations', 'c-optimistic']);
  });

  it('leaves empty optional fields out', () => {
    const text = serializeSidecar(sampleSidecar());
    const foundations = text.slice(text.indexOf('- id: c-foundations'), text.indexOf('- id: c-optimistic'));
    assert.doesNotMatch(foundations, /sources|tags|rationale|note|author/);
    assert.doesNotMatch(text, /\[\]|: ""|: null/);
  });

  it('keeps long quotes on one line instead of folding them', () => {
    const s = sampleSidecar();
    const long = 'word '.repeat(60).trim();
    s.claims[0].rationale = long;
    const text = serializeSidecar(s);
    assert.ok(text.includes(`    rationale: ${long}\n`));
  });

  it('writes quote context with line breaks and CRLF double-quoted, so it survives byte for byte', () => {
    const s = sampleSidecar();
    s.claims[0].anchor.suffix = '\r\nNext paragraph\tstarts';
    s.claims[0].note = 'first line\nsecond line';
    const text = serializeSidecar(s);
    assert.ok(text.includes('      suffix: "\\r\\nNext paragraph\\tstarts"\n'), text);
    const back = parse(text);
    assert.equal(back.claims.find((c) => c.id === 'c-bridge')!.anchor.suffix, '\r\nNext paragraph\tstarts');
    assert.equal(back.claims.find((c) => c.id === 'c-bridge')!.note, 'first line\nsecond line');
  });

  it('round-trips: loading and saving without a change gives the same bytes', () => {
    const text = serializeSidecar(sampleSidecar());
    assert.equal(serializeSidecar(parse(text), text), text);
    assert.equal(serializeSidecar(parse(text)), text);
  });

  it('changing one verdict changes only that line', () => {
    const text = serializeSidecar(sampleSidecar());
    const s = parse(text);
    s.claims.find((c) => c.id === 'c-foundations')!.verdict = 'mostly-true';
    const next = serializeSidecar(s, text);
    const changed = changedLines(text, next);
    assert.equal(changed.length, 1);
    assert.equal(next.split('\n')[changed[0] - 1], '    verdict: mostly-true');
  });

  it('keeps comments, blank lines and unknown fields written by hand', () => {
    const original = serializeSidecar(sampleSidecar())
      .replace('claims:\n', '# Reviewed by the desk on Friday.\nclaims:\n')
      .replace('    verdict: misleading\n', '    verdict: misleading # see the permit\n    reviewer: kim\n')
      .replace('document:\n', 'x-workflow:\n  stage: draft\ndocument:\n');
    const s = parse(original);
    s.claims.find((c) => c.id === 'c-optimistic')!.verdict = 'mixed';
    s.claims.find((c) => c.id === 'c-bridge')!.tags.push('budget');
    const next = serializeSidecar(s, original);
    for (const kept of ['# Reviewed by the desk on Friday.\nclaims:', 'verdict: misleading # see the permit\n    reviewer: kim\n', 'x-workflow:\n  stage: draft\n']) {
      assert.ok(next.includes(kept), `lost: ${kept}\n${next}`);
    }
    assert.ok(next.includes('      - budget\n'));
    assert.equal(serializeSidecar(parse(next)), serializeSidecar(s));
  });

  it('does not rewrite a hand-written file that means the same thing', () => {
    const hand = 'version: 1\ndocument: {name: bridge.txt}\nclaims:\n- id: c1\n  anchor: {exact: bridge, start: 4, end: 10}\n  verdict: true\n';
    assert.equal(serializeSidecar(parse(hand), hand), hand);
  });

  it('keeps the indentation habits of a hand-written file when saving a change', () => {
    const hand = [
      'version: 1',
      'document:',
      '  name: bridge.txt',
      'speakers:',
      '- id: ana',
      '  name: Ana Ruiz',
      'claims:',
      '- id: c1',
      '  speaker: ana',
      '  anchor: {exact: bridge, start: 4, end: 10}',
      '  verdict: unverified',
      '  tags:',
      '  - roads',
      '- id: c2',
      '  anchor: {exact: council, start: 20, end: 27}',
      '  verdict: mixed',
      '',
    ].join('\n');
    const s = parse(hand);
    s.claims[0].verdict = 'false';
    const next = serializeSidecar(s, hand);
    assert.deepEqual(changedLines(hand, next), [11]);
    assert.equal(next.split('\n')[10], '  verdict: "false"');
  });

  it('adds a new claim without touching the others, and keeps removed fields of others', () => {
    const text = serializeSidecar(sampleSidecar());
    const s = parse(text);
    const extra: Claim = { ...structuredClone(s.claims[2]), id: 'c-late', anchor: { ...s.claims[2].anchor, start: 500, end: 520 } };
    s.claims.push(extra);
    const next = serializeSidecar(s, text);
    assert.ok(next.startsWith(text.slice(0, text.indexOf('\nstances:'))));
    assert.match(next, /- id: c-late/);
  });

  it('refuses to rewrite text that does not parse', () => {
    assert.throws(() => serializeSidecar(sampleSidecar(), 'version: 1\ndocument: [unclosed\n'), UnwritableSidecarError);
  });

  it('is idempotent for generated sidecars (property)', function () {
    this.timeout(30_000); // many YAML round trips on a shared machine
    const idArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    const textArb = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ':', '#', '"', "'", '\n', '\r', '\t', 'é', '😀', '“', '-', '1', '\\', '{', '&', '*', '!', '%', '@', '`'), maxLength: 40 });
    const claimArb = fc.record({
      id: idArb,
      exact: textArb.filter((t) => t.length > 0),
      prefix: textArb,
      suffix: textArb,
      start: fc.nat(5000),
      verdict: fc.constantFrom('unverified', 'true', 'false', 'mixed', 'null', 'yes', '1'),
      rationale: fc.option(textArb, { nil: undefined }),
      tags: fc.array(textArb.filter((t) => t.trim().length > 0), { maxLength: 3 }),
      kind: fc.constantFrom('direct', 'indirect', 'mixed'),
    });
    fc.assert(fc.property(fc.uniqueArray(claimArb, { selector: (c) => c.id, maxLength: 6 }), textArb, (claims, note) => {
      const sidecar: Sidecar = {
        version: 1,
        document: { name: 'doc.txt', sha256: '' },
        speakers: [{ id: 'spk', name: 'Speaker', kind: 'person', aliases: [], ...(note ? { note } : {}) }],
        claims: claims.map((c) => ({
          id: c.id, anchor: { exact: c.exact, prefix: c.prefix, suffix: c.suffix, start: c.start, end: c.start + [...c.exact].length },
          speaker: 'spk', kind: c.kind as Claim['kind'], status: 'accepted' as const, verdict: c.verdict, sources: [], tags: [...new Set(c.tags)],
          ...(c.rationale ? { rationale: c.rationale } : {}),
        })),
        stances: [],
      };
      const once = serializeSidecar(sidecar);
      const parsed = parseSidecar(once, LOC);
      assert.ok(parsed.sidecar, JSON.stringify(parsed.diagnostics));
      assert.equal(serializeSidecar(parsed.sidecar), once);
      assert.equal(serializeSidecar(parsed.sidecar, once), once);
      // The model survives the trip (ordering aside).
      const byId = (a: Claim, b: Claim) => (a.id < b.id ? -1 : 1);
      assert.deepEqual([...parsed.sidecar.claims].sort(byId), [...sidecar.claims].sort(byId));
    }), { numRuns: 150 });
  });
});
