// Property-based tests (fast-check): the extractor never throws and its offsets are right on any
// Unicode text; an anchor resolves exactly on unchanged text and, after edits outside its span,
// at the right place or not at all; a sidecar survives serialize → parse unchanged, whatever its
// strings look like to YAML.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeDocument } from '../../../src/core/analyze';
import { createAnchor, resolveAnchor } from '../../../src/core/anchor/anchor';
import { extractOrThrow } from '../../../src/core/extract/extractor';
import type { Claim, Sidecar, Speaker, Stance } from '../../../src/core/sidecar/model';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { OffsetMap } from '../../../src/core/text';

const YAML_LOOKALIKES = ['yes', 'no', 'null', '~', 'true', 'False', '0x1F', '1e3', '0o17', '.inf', '- a', '#', ': ', 'a: b', '? x', '&anchor', '*alias', '!tag', '|', '>', '%YAML', '---', '...', '"', "'", '@', '`', '', ' ', '\t', '\n', 'x\r\ny', '\u2028', '\uFEFF', '😀', 'e\u0301', '\u0000'.replace('\u0000', '\u0001'), '__proto__'];

/** Unicode text with the characters news text and YAML find hard: quotes, dashes, newlines, astral, combining. */
const newsy = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz     ABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?') },
    { weight: 2, arbitrary: fc.constantFrom('said', ' said that ', '“', '”', '"', '«', '»', '—', '\n', '\r\n', '\n\n', 'Mayor Tom Baker', 'according to ', ' told reporters', 'Jane Roe') },
    { weight: 1, arbitrary: fc.constantFrom('😀', '👩‍👩‍👧', '🇫🇷', '𝔘', 'e\u0301', '\u0308', '\u200d', '\uFEFF', '\u2028', 'ß', 'İ', 'ﬁ') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  ),
  maxLength: 400,
});

const yamlish = fc.oneof(fc.constantFrom(...YAML_LOOKALIKES), fc.string({ unit: 'binary', maxLength: 30 }), newsy.map((s) => s.slice(0, 60)));
// Text a person can type: no lone surrogates (they cannot be stored as UTF-8) and no C0 controls other than tab/newlines.
const typed = yamlish.map((s) => s.replace(/[\uD800-\uDFFF]/gu, (c, i, all) => (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(all.slice(i, i + 2)) || /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(all.slice(i - 1, i + 1)) ? c : '?')).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '?'));
const nonEmpty = typed.filter((s) => s.trim().length > 0);

describe('robustness: properties of the extractor', () => {
  it('never throws; every span is in bounds and its text equals the code-point slice', function () {
    this.timeout(60_000);
    fc.assert(fc.property(newsy, (text) => {
      const map = new OffsetMap(text);
      const { speakers, claims } = extractOrThrow(text);
      for (const c of claims) {
        assert.ok(Number.isInteger(c.start) && 0 <= c.start && c.start < c.end && c.end <= map.codePointLength, JSON.stringify(c));
        assert.equal(map.slice(c.start, c.end), c.text);
        for (const span of [c.source, c.cue]) if (span) assert.ok(0 <= span[0] && span[0] <= span[1] && span[1] <= map.codePointLength);
        if (c.speaker) assert.ok(speakers.some((s) => s.id === c.speaker), `unknown speaker ${c.speaker}`);
      }
      for (const s of speakers) for (const [a, b] of s.mentions) assert.ok(0 <= a && a < b && b <= map.codePointLength);
      assert.equal(new Set(claims.map((c) => c.id)).size, claims.length, 'claim ids must be unique');
    }), { numRuns: 300 });
  });

  it('the whole analysis (with stances) never throws on arbitrary Unicode', function () {
    this.timeout(60_000);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      const result = analyzeDocument(text);
      assert.ok(Array.isArray(result.claims) && Array.isArray(result.stances));
    }), { numRuns: 200 });
  });
});

describe('robustness: properties of anchoring', () => {
  const withSpan = newsy.filter((t) => [...t].length >= 2).chain((text) => {
    const n = [...text].length;
    return fc.tuple(fc.constant(text), fc.integer({ min: 0, max: n - 1 })).chain(([t, s]) => fc.tuple(fc.constant(t), fc.constant(s), fc.integer({ min: s + 1, max: Math.min(n, s + 80) })));
  });

  it('create → resolve on the unchanged text is exact', function () {
    this.timeout(60_000);
    fc.assert(fc.property(withSpan, ([text, start, end]) => {
      const anchor = createAnchor(text, start, end);
      const r = resolveAnchor(text, anchor);
      if (!anchor.exact.trim()) return; // white space only: never created by the store (addClaimFromSpan refuses it)
      assert.deepEqual([r.status, r.start, r.end], ['exact', start, end]);
    }), { numRuns: 400 });
  });

  it('after random edits outside the span: found at the right place, or orphaned — never wrong', function () {
    this.timeout(60_000);
    const edit = fc.record({ where: fc.constantFrom('before', 'after'), at: fc.nat(), remove: fc.nat({ max: 20 }), insert: newsy.map((s) => s.slice(0, 40)) });
    fc.assert(fc.property(withSpan, fc.array(edit, { minLength: 1, maxLength: 4 }), ([text, start, end], edits) => {
      const anchor = createAnchor(text, start, end);
      // Annotations are phrases: a one- or two-character cut ("r", "“") recurs everywhere, and a
      // random edit then makes another copy indistinguishable from it by quote and context alike.
      fc.pre([...anchor.exact].length >= 4 && /\p{L}\p{L}/u.test(anchor.exact));
      let chars = [...text];
      let s = start;
      let e = end;
      for (const ed of edits) {
        if (ed.where === 'before') {
          const at = ed.at % (s + 1);
          const removed = Math.min(ed.remove, s - at);
          const ins = [...ed.insert];
          chars = [...chars.slice(0, at), ...ins, ...chars.slice(at + removed)];
          s += ins.length - removed;
          e += ins.length - removed;
        } else {
          const at = e + (ed.at % (chars.length - e + 1));
          const removed = Math.min(ed.remove, chars.length - at);
          chars = [...chars.slice(0, at), ...[...ed.insert], ...chars.slice(at + removed)];
        }
      }
      const edited = chars.join('');
      // Edits that paste another copy of the quote make the true place undecidable without the
      // edit history (the copy may even carry the better context): the property is about edits
      // that leave the quote where it was.
      // Counting copies is not enough: an edit may insert a copy while another removes one, and the
      // old offsets then hold the pasted copy. So no inserted text may contain the quote either.
      const count = (t: string) => t.split(anchor.exact).length - 1;
      fc.pre(count(edited) === count(text) && edits.every((ed) => !ed.insert.includes(anchor.exact)));
      const r = resolveAnchor(edited, anchor);
      if (r.status === 'orphaned') return;
      const map = new OffsetMap(edited);
      const found = map.slice(r.start!, r.end!);
      if (r.status === 'fuzzy') {
        // A fuzzy match may only be taken when the exact quote is gone, and it must overlap the true place.
        assert.ok(r.start! < e && r.end! > s, `fuzzy match at ${r.start}–${r.end}, the span is at ${s}–${e}`);
        return;
      }
      assert.equal(found, anchor.exact);
      assert.equal(r.start, s, `${r.status}: found at ${r.start}, the span moved to ${s} (in ${JSON.stringify(edited)})`);
    }), { numRuns: 400 });
  });
});

describe('robustness: properties of the YAML round trip', () => {
  const speaker: fc.Arbitrary<Speaker> = fc.record({
    id: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    name: nonEmpty,
    kind: fc.constantFrom('person', 'organization', 'group', 'anonymous'),
    role: fc.option(nonEmpty, { nil: undefined }),
    aliases: fc.uniqueArray(nonEmpty, { maxLength: 3 }),
    note: fc.option(nonEmpty, { nil: undefined }),
  }, { requiredKeys: ['id', 'name', 'kind', 'aliases'] });

  const claim = (i: number): fc.Arbitrary<Claim> => fc.record({
    exact: nonEmpty, prefix: typed, suffix: typed, start: fc.nat({ max: 100_000 }),
  }).chain((a) => fc.record({
    id: fc.constant(`c-${i}`),
    anchor: fc.constant({ exact: a.exact, prefix: a.prefix, suffix: a.suffix, start: a.start, end: a.start + [...a.exact].length }),
    speaker: fc.constant(null),
    kind: fc.constantFrom('direct', 'indirect', 'mixed'),
    status: fc.constantFrom('suggested', 'accepted', 'rejected'),
    verdict: fc.constantFrom('unverified', 'true', 'false', 'mostly-true', 'misleading'),
    rationale: fc.option(nonEmpty, { nil: undefined }),
    note: fc.option(nonEmpty, { nil: undefined }),
    sources: fc.array(fc.record({ url: fc.webUrl({ validSchemes: ['https', 'http'] }), title: fc.option(nonEmpty, { nil: undefined }) }, { requiredKeys: ['url'] }), { maxLength: 2 }),
    tags: fc.uniqueArray(nonEmpty, { maxLength: 3 }),
    author: fc.option(nonEmpty, { nil: undefined }),
    updated: fc.option(fc.constantFrom('2025-03-28', '2025-03-28T14:05:00Z'), { nil: undefined }),
  }, { requiredKeys: ['id', 'anchor', 'speaker', 'kind', 'status', 'verdict', 'sources', 'tags'] }));

  const sidecar: fc.Arbitrary<Sidecar> = fc.record({
    name: nonEmpty,
    speakers: fc.uniqueArray(speaker, { selector: (s) => s.id, maxLength: 3 }),
    claimCount: fc.nat({ max: 4 }),
  }).chain(({ name, speakers, claimCount }) => fc.tuple(...Array.from({ length: claimCount }, (_, i) => claim(i))).chain((claims) => {
    const stances: fc.Arbitrary<Stance[]> = speakers.length
      ? fc.uniqueArray(fc.record({
        speaker: fc.constantFrom(...speakers.map((s) => s.id)),
        target: nonEmpty,
        polarity: fc.constantFrom('support', 'oppose', 'neutral', 'mixed'),
        claims: fc.subarray(claims.map((c) => c.id)),
        summary: fc.option(nonEmpty, { nil: undefined }),
      }, { requiredKeys: ['speaker', 'target', 'polarity', 'claims'] }), { selector: (s) => `${s.speaker}\u0000${s.target}`, maxLength: 3 })
      : fc.constant([]);
    return stances.map((st) => ({
      version: 1,
      document: { name, sha256: 'a'.repeat(64) },
      speakers,
      claims: claims.map((c, i) => ({ ...c, speaker: speakers.length ? speakers[i % speakers.length].id : null })),
      stances: st,
    }) as Sidecar);
  }));

  /** The model as the parser builds it: claims ordered by position (the serializer's order), absent optionals dropped. */
  const normal = (s: Sidecar) => JSON.parse(JSON.stringify(s));

  it('parse(serialize(x)) deep-equals x, for strings that look like YAML special values too', function () {
    this.timeout(60_000);
    fc.assert(fc.property(sidecar, (x) => {
      const yaml = serializeSidecar(x);
      assert.equal(yaml.includes('\r'), false, 'the file must stay LF');
      assert.ok(yaml.endsWith('\n'));
      const parsed = parseSidecar(yaml, 'p.annotations.yaml');
      assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], yaml);
      const back = normal(parsed.sidecar!);
      const expected = normal(x);
      // The file orders speakers by id, claims by position and stances by speaker and target (diff-friendly).
      const byStance = (a: Stance, b: Stance) => `${a.speaker}\u0000${a.target}`.localeCompare(`${b.speaker}\u0000${b.target}`);
      back.claims.sort((a: Claim, b: Claim) => a.id.localeCompare(b.id));
      expected.claims.sort((a: Claim, b: Claim) => a.id.localeCompare(b.id));
      back.stances.sort(byStance);
      back.speakers.sort((a: Speaker, b: Speaker) => a.id.localeCompare(b.id));
      expected.speakers.sort((a: Speaker, b: Speaker) => a.id.localeCompare(b.id));
      expected.stances.sort(byStance);
      assert.deepEqual(back, expected, yaml);
      // Saving what was read changes no byte.
      assert.equal(serializeSidecar(parsed.sidecar!, yaml), yaml);
    }), { numRuns: 300 });
  });
});
