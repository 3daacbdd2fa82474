import { strict as assert } from 'node:assert';
import { createAnchor } from '../../../src/core/anchor/anchor';
import { diffSidecars } from '../../../src/core/review/diff';
import { truncateQuote } from '../../../src/core/review/quote';
import { renderChangesJson, renderChangesText } from '../../../src/core/review/render';
import { ARTICLE, baseSidecar, claim, claimOf, copy, speaker } from './fixtures';

describe('semantic diff of sidecars', () => {
  it('reports nothing for identical versions', () => {
    assert.deepEqual(diffSidecars(baseSidecar(), baseSidecar()), []);
  });

  it('names a verdict transition with the quote and the document', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c3').verdict = 'false';
    const changes = diffSidecars(baseSidecar(), after, { document: 'news/ferry.txt' });
    assert.equal(changes.length, 1);
    assert.equal(changes[0].kind, 'claim-verdict');
    assert.equal(changes[0].before, 'unverified');
    assert.equal(changes[0].after, 'false');
    assert.equal(changes[0].document, 'news/ferry.txt');
    assert.equal(changes[0].message, 'verdict unverified → false on “that 40 jobs were at risk”');
    const text = renderChangesText(changes);
    assert.equal(text, 'news/ferry.txt\n  ~ verdict unverified → false on “that 40 jobs were at risk”\n');
  });

  it('reports claims added and removed with their speaker by name', () => {
    const after = copy(baseSidecar());
    after.claims = after.claims.filter((c) => c.id !== 'c2');
    after.claims.push(claim('c5', 'the timetable was unrealistic', { speaker: null }));
    const kinds = diffSidecars(baseSidecar(), after).map((c) => [c.kind, c.claim?.id, c.claim?.speaker]);
    assert.deepEqual(kinds, [
      ['claim-removed', 'c2', 'Ana Ribeiro'],
      ['claim-added', 'c5', '(unattributed)'],
    ]);
  });

  it('orders changes by claim position, not by id or file order', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c4').verdict = 'true';
    claimOf(after, 'c1').verdict = 'mostly-true';
    after.claims.reverse();
    assert.deepEqual(diffSidecars(baseSidecar(), after).map((c) => c.claim?.id), ['c1', 'c4']);
  });

  it('describes a re-attribution by speaker names', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c3').speaker = 'tom-okafor';
    const [change] = diffSidecars(baseSidecar(), after);
    assert.equal(change.kind, 'claim-reattributed');
    assert.match(change.message, /re-attributed from Dockworkers Union to Tom Okafor/);
  });

  it('recognises a speaker merged into another', () => {
    const after = copy(baseSidecar());
    after.speakers = after.speakers.filter((s) => s.id !== 'tom-okafor');
    after.speakers.find((s) => s.id === 'dockworkers-union')!.aliases.push('Tom Okafor');
    claimOf(after, 'c4').speaker = 'dockworkers-union';
    const kinds = diffSidecars(baseSidecar(), after).map((c) => c.kind);
    assert.ok(kinds.includes('speaker-merged'));
    assert.ok(kinds.includes('claim-reattributed'));
    const merged = diffSidecars(baseSidecar(), after).find((c) => c.kind === 'speaker-merged')!;
    assert.equal(merged.message, 'speaker merged: Tom Okafor into Dockworkers Union');
  });

  it('reports speakers added, renamed and changed', () => {
    const after = copy(baseSidecar());
    after.speakers.push(speaker('critics', 'Critics', { kind: 'group' }));
    after.speakers[0].name = 'Ana M. Ribeiro';
    after.speakers[2].role = 'press officer';
    const messages = diffSidecars(baseSidecar(), after).map((c) => c.message);
    assert.deepEqual(messages, [
      'speaker renamed: Ana Ribeiro → Ana M. Ribeiro',
      'Tom Okafor: role union spokesman → press officer',
      'speaker added: Critics (group)',
    ]);
  });

  it('reports rationale, note, sources, tags and status changes on the claim', () => {
    const before = baseSidecar();
    claimOf(before, 'c4').status = 'suggested';
    claimOf(before, 'c4').sources = [{ url: 'https://example.org/old' }];
    const after = copy(before);
    const c4 = claimOf(after, 'c4');
    c4.status = 'accepted';
    c4.rationale = 'Both reports were discussed at the May meeting.';
    c4.note = 'ask the clerk';
    c4.sources = [{ url: 'https://example.org/minutes', title: 'May minutes' }];
    c4.tags = ['safety'];
    const byKind = Object.fromEntries(diffSidecars(before, after).map((c) => [c.kind, c.message]));
    assert.equal(byKind['claim-status'], 'suggestion accepted: “the council had ignored two safety reports”');
    assert.match(byKind['claim-rationale'], /^rationale added on “the council had ignored two safety reports”: Both reports/);
    assert.match(byKind['claim-note'], /note added/);
    assert.match(byKind['claim-source-added'], /May minutes <https:\/\/example.org\/minutes>/);
    assert.match(byKind['claim-source-removed'], /https:\/\/example.org\/old/);
    assert.match(byKind['claim-tags'], /tags \+safety/);
  });

  it('tells a re-anchored claim (same words elsewhere) from a changed span', () => {
    const edited = 'A new first paragraph.\n\n' + ARTICLE;
    const after = copy(baseSidecar());
    const c1 = claimOf(after, 'c1');
    c1.anchor = createAnchor(edited, c1.anchor.start + 24, c1.anchor.end + 24);
    const c3 = claimOf(after, 'c3');
    c3.anchor = createAnchor(ARTICLE, c3.anchor.start + 5, c3.anchor.end); // "40 jobs were at risk"
    const changes = diffSidecars(baseSidecar(), after);
    assert.deepEqual(changes.map((c) => c.kind), ['claim-anchor-moved', 'claim-span-changed']);
    assert.match(changes[0].message, /re-anchored “the new ferry would cut crossing times by half”: position \d+–\d+ → \d+–\d+/);
    assert.equal(changes[1].message, 'claim span changed: “that 40 jobs were at risk” → “40 jobs were at risk”');
  });

  it('reports stance changes by speaker name and target', () => {
    const after = copy(baseSidecar());
    after.stances[0].polarity = 'mixed';
    after.stances.push({ speaker: 'ana-ribeiro', target: 'fare-increase', polarity: 'oppose', claims: ['c2'] });
    const messages = diffSidecars(baseSidecar(), after).map((c) => c.message);
    assert.deepEqual(messages, [
      'stance of Dockworkers Union on harbour-council: oppose → mixed',
      'stance added: Ana Ribeiro opposes fare-increase',
    ]);
  });

  it('summarises a sidecar added or deleted as one change', () => {
    const added = diffSidecars(undefined, baseSidecar());
    assert.deepEqual(added.map((c) => [c.kind, c.message]), [['sidecar-added', 'annotations added (4 claims, 3 speakers)']]);
    assert.equal(diffSidecars(baseSidecar(), undefined)[0].kind, 'sidecar-removed');
  });

  it('renders JSON for machines and colour only when asked', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c1').verdict = 'true';
    const changes = diffSidecars(baseSidecar(), after);
    const json = JSON.parse(renderChangesJson(changes));
    assert.equal(json.changes[0].claim.id, 'c1');
    assert.equal(json.changes[0].after, 'true');
    assert.ok(!renderChangesText(changes).includes('\u001b['));
    assert.ok(renderChangesText(changes, { color: true }).includes('\u001b[33m~'));
  });
});

describe('claim quotes in review output', () => {
  it('keeps short quotes whole and collapses line breaks', () => {
    assert.equal(truncateQuote('We will\n  not raise fares'), 'We will not raise fares');
  });

  it('shortens long quotes keeping the start and the end, on word boundaries', () => {
    const long = 'The council approved a plan that would rebuild the pier, widen the channel and, after years of delay, finally open the northern terminal';
    const short = truncateQuote(long, 60);
    assert.ok(Array.from(short).length <= 60, short);
    assert.ok(short.startsWith('The council approved a plan'));
    assert.ok(short.endsWith('northern terminal'));
    assert.ok(short.includes(' … '));
  });

  it('never splits a surrogate pair', () => {
    const short = truncateQuote('😀'.repeat(100), 20);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/u.test(short));
  });
});
