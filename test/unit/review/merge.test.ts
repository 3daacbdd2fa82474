import { strict as assert } from 'node:assert';
import { parse as parseYaml } from 'yaml';
import { createAnchor } from '../../../src/core/anchor/anchor';
import { annotateConflicts } from '../../../src/core/review/conflictMarkup';
import { mergeSidecars } from '../../../src/core/review/merge';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { ARTICLE, baseSidecar, claim, claimOf, copy, speaker } from './fixtures';

describe('three-way semantic merge of sidecars', () => {
  it('merges verdict edits on different claims cleanly', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c1').verdict = 'mostly-true';
    claimOf(theirs, 'c4').verdict = 'false';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.equal(claimOf(merged, 'c1').verdict, 'mostly-true');
    assert.equal(claimOf(merged, 'c4').verdict, 'false');
  });

  it('merges different fields of one claim cleanly', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c3').verdict = 'misleading';
    claimOf(theirs, 'c3').rationale = 'The union counted seasonal contracts.';
    claimOf(theirs, 'c3').tags = ['jobs'];
    claimOf(ours, 'c3').tags = ['labour'];
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    const c3 = claimOf(merged, 'c3');
    assert.equal(c3.verdict, 'misleading');
    assert.equal(c3.rationale, 'The union counted seasonal contracts.');
    assert.deepEqual(c3.tags, ['labour', 'jobs']);
  });

  it('keeps claims and speakers added on both sides', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.claims.push(claim('c-ours', 'the timetable was unrealistic'));
    theirs.speakers.push(speaker('critics', 'Critics', { kind: 'group' }));
    theirs.claims.push(claim('c-theirs', 'We will not raise fares this year'));
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.ok(merged.claims.some((c) => c.id === 'c-ours'));
    assert.ok(merged.claims.some((c) => c.id === 'c-theirs'));
    assert.ok(merged.speakers.some((s) => s.id === 'critics'));
    // Claims come out in document order.
    const starts = merged.claims.map((c) => c.anchor.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  });

  it('reports the same field changed two ways, keeping ours and both values', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c3').verdict = 'false';
    claimOf(theirs, 'c3').verdict = 'misleading';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.equal(claimOf(merged, 'c3').verdict, 'false');
    assert.deepEqual(conflicts, [{ entity: 'claim', id: 'c3', field: 'verdict', base: 'unverified', ours: 'false', theirs: 'misleading' }]);
  });

  it('treats a delete against an edit as a conflict and keeps the edited claim', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.claims = ours.claims.filter((c) => c.id !== 'c2');
    claimOf(theirs, 'c2').verdict = 'false';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.equal(claimOf(merged, 'c2').verdict, 'false');
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].field, 'item');
    assert.equal(conflicts[0].ours, undefined);
  });

  it('lets a deletion win over an untouched claim, and over a mere re-anchoring', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.claims = ours.claims.filter((c) => c.id !== 'c1' && c.id !== 'c4');
    const moved = 'Intro.\n\n' + ARTICLE;
    const c4 = claimOf(theirs, 'c4');
    c4.anchor = createAnchor(moved, c4.anchor.start + 8, c4.anchor.end + 8);
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.deepEqual(merged.claims.map((c) => c.id), ['c2', 'c3']);
  });

  it('takes the re-anchored side when only one side moved the anchor', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    const moved = 'Intro.\n\n' + ARTICLE;
    const c1 = claimOf(theirs, 'c1');
    c1.anchor = createAnchor(moved, c1.anchor.start + 8, c1.anchor.end + 8);
    claimOf(ours, 'c1').verdict = 'true';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.equal(claimOf(merged, 'c1').anchor.start, claimOf(baseSidecar(), 'c1').anchor.start + 8);
    assert.equal(claimOf(merged, 'c1').verdict, 'true');
  });

  it('takes the fresher anchor when both sides re-anchored the same words, without conflict', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    const oursText = 'Intro.\n\n' + ARTICLE;
    const theirsText = 'A longer introduction.\n\n' + ARTICLE;
    const o = claimOf(ours, 'c1');
    o.anchor = createAnchor(oursText, o.anchor.start + 8, o.anchor.end + 8);
    o.updated = '2025-03-02';
    const t = claimOf(theirs, 'c1');
    t.anchor = createAnchor(theirsText, t.anchor.start + 24, t.anchor.end + 24);
    t.updated = '2025-03-05';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.deepEqual(claimOf(merged, 'c1').anchor, t.anchor);
    assert.equal(claimOf(merged, 'c1').updated, '2025-03-05');
  });

  it('reports a conflict when both sides changed the claimed span to different words', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    const c3o = claimOf(ours, 'c3');
    c3o.anchor = createAnchor(ARTICLE, c3o.anchor.start + 5, c3o.anchor.end);
    const c3t = claimOf(theirs, 'c3');
    c3t.anchor = createAnchor(ARTICLE, c3t.anchor.start - 7, c3t.anchor.end);
    const { conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts.map((c) => [c.id, c.field]), [['c3', 'anchor']]);
  });

  it('gives a colliding claim id added on both sides for different spans a fresh id', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.claims.push(claim('c5', 'the timetable was unrealistic'));
    theirs.claims.push(claim('c5', 'We will not raise fares this year'));
    theirs.stances.push({ speaker: 'ana-ribeiro', target: 'fares', polarity: 'oppose', claims: ['c5'] });
    const { merged, conflicts, renamedClaims } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.deepEqual(renamedClaims, [{ from: 'c5', to: 'c5-2' }]);
    assert.equal(claimOf(merged, 'c5').anchor.exact, 'the timetable was unrealistic');
    assert.equal(claimOf(merged, 'c5-2').anchor.exact, 'We will not raise fares this year');
    assert.deepEqual(merged.stances.find((s) => s.target === 'fares')?.claims, ['c5-2']);
  });

  it('merges speakers field by field and aliases as sets', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.speakers[0].aliases.push('the mayor');
    theirs.speakers[0].aliases.push('Ms Ribeiro');
    theirs.speakers[0].note = 're-elected 2024';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(conflicts, []);
    assert.deepEqual(merged.speakers[0].aliases, ['Ribeiro', 'the mayor', 'Ms Ribeiro']);
    assert.equal(merged.speakers[0].note, 're-elected 2024');
  });

  it('keeps a speaker one side deleted while the other side still attributes a claim to it', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    // Ours merges Tom Okafor into the union; theirs attributes a new claim to him.
    ours.speakers = ours.speakers.filter((s) => s.id !== 'tom-okafor');
    claimOf(ours, 'c4').speaker = 'dockworkers-union';
    theirs.claims.push(claim('c6', 'the timetable was unrealistic', { speaker: 'tom-okafor' }));
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.ok(merged.speakers.some((s) => s.id === 'tom-okafor'));
    assert.deepEqual(conflicts.map((c) => [c.entity, c.id, c.field]), [['speaker', 'tom-okafor', 'item']]);
  });

  it('merges stance evidence as a set and flags a polarity changed two ways', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.stances[0].claims.push('c4');
    ours.stances[0].polarity = 'mixed';
    theirs.stances[0].polarity = 'support';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    assert.deepEqual(merged.stances[0].claims, ['c3', 'c4']);
    assert.deepEqual(conflicts.map((c) => [c.entity, c.field, c.ours, c.theirs]), [['stance', 'polarity', 'mixed', 'support']]);
  });

  it('merges a file added on both sides (no base) by identity', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(theirs, 'c2').verdict = 'true';
    const { merged, conflicts } = mergeSidecars(undefined, ours, theirs);
    assert.deepEqual(conflicts.map((c) => [c.id, c.field]), [['c2', 'verdict']]);
    assert.equal(merged.claims.length, 4);
  });

  it('is deterministic: the same inputs give the same bytes', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c1').verdict = 'true';
    theirs.claims.push(claim('c7', 'the timetable was unrealistic'));
    const a = serializeSidecar(mergeSidecars(baseSidecar(), ours, theirs).merged);
    const b = serializeSidecar(mergeSidecars(baseSidecar(), copy(ours), copy(theirs)).merged);
    assert.equal(a, b);
  });
});

describe('merge conflicts written into the sidecar', () => {
  it('adds a conflict block with both values to that claim only, as valid YAML', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c3').verdict = 'false';
    claimOf(theirs, 'c3').verdict = 'misleading';
    claimOf(theirs, 'c1').verdict = 'true';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    const oursText = serializeSidecar(ours);
    const text = annotateConflicts(serializeSidecar(merged, oursText), conflicts);
    const data = parseYaml(text) as { claims: Array<Record<string, unknown>> };
    const c3 = data.claims.find((c) => c.id === 'c3')!;
    assert.deepEqual(c3.conflict, { verdict: { base: 'unverified', ours: 'false', theirs: 'misleading' } });
    assert.equal(c3.verdict, 'false');
    assert.equal(data.claims.filter((c) => 'conflict' in c).length, 1);
    assert.match(text, /# ClaimLens merge conflict: keep the value you want/);
    // Still a sidecar: it parses, with every claim present.
    const reparsed = parseSidecar(text, 'merged.yaml');
    assert.equal(reparsed.sidecar?.claims.length, 4);
  });

  it('marks a delete-versus-edit on the kept item', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    ours.claims = ours.claims.filter((c) => c.id !== 'c2');
    claimOf(theirs, 'c2').rationale = 'The budget already assumes a fare rise.';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    const text = annotateConflicts(serializeSidecar(merged), conflicts);
    const data = parseYaml(text) as { claims: Array<Record<string, unknown>> };
    assert.deepEqual(data.claims.find((c) => c.id === 'c2')!.conflict, { item: { ours: 'deleted', theirs: 'edited (kept)' } });
    assert.match(text, /one side deleted this item, the other edited it/);
  });

  it('leaves the text untouched when there is no conflict', () => {
    const text = serializeSidecar(baseSidecar());
    assert.equal(annotateConflicts(text, []), text);
  });
});
