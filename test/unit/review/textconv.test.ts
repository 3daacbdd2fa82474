import { strict as assert } from 'node:assert';
import { annotateConflicts, findConflictBlocks } from '../../../src/core/review/conflictMarkup';
import { mergeSidecars } from '../../../src/core/review/merge';
import { renderSidecarText } from '../../../src/core/review/textconv';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { baseSidecar, claimOf, copy } from './fixtures';

describe('textconv rendering of a sidecar', () => {
  it('renders one block per claim: quote line at column 0, then verdict and speaker', () => {
    const text = renderSidecarText(baseSidecar());
    const lines = text.split('\n');
    const at = lines.indexOf('claim c3: “that 40 jobs were at risk”');
    assert.ok(at > 0, text);
    assert.equal(lines[at + 1], '  verdict: unverified');
    assert.equal(lines[at + 2], '  speaker: Dockworkers Union [dockworkers-union]');
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
  });

  it('changes only the verdict line when only the verdict changes', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c2').verdict = 'false';
    const a = renderSidecarText(baseSidecar()).split('\n');
    const b = renderSidecarText(after).split('\n');
    assert.equal(a.length, b.length);
    const differing = a.map((line, i) => [line, b[i]]).filter(([x, y]) => x !== y);
    assert.deepEqual(differing, [['  verdict: unverified', '  verdict: false']]);
  });

  it('lists claims in document order whatever the file order', () => {
    const shuffled = copy(baseSidecar());
    shuffled.claims.reverse();
    assert.equal(renderSidecarText(shuffled), renderSidecarText(baseSidecar()));
  });

  it('shows rationale, sources, tags, author and stances, one per line', () => {
    const s = copy(baseSidecar());
    const c4 = claimOf(s, 'c4');
    c4.rationale = 'Both reports\nwere discussed.';
    c4.sources = [{ url: 'https://example.org/minutes', title: 'May minutes' }];
    c4.tags = ['safety', 'council'];
    c4.author = 'rk';
    const text = renderSidecarText(s);
    assert.ok(text.includes('  rationale: Both reports were discussed.\n'));
    assert.ok(text.includes('  source: https://example.org/minutes (May minutes)\n'));
    assert.ok(text.includes('  tags: safety, council\n'));
    assert.ok(text.includes('  updated by rk on 2025-03-01\n'));
    assert.ok(text.includes('stances:\n  Dockworkers Union on harbour-council: oppose\n    evidence: c3\n'));
  });

  it('shows unresolved merge conflicts on their claim instead of hiding them', () => {
    const ours = copy(baseSidecar());
    const theirs = copy(baseSidecar());
    claimOf(ours, 'c3').verdict = 'false';
    claimOf(theirs, 'c3').verdict = 'misleading';
    const { merged, conflicts } = mergeSidecars(baseSidecar(), ours, theirs);
    const yaml = annotateConflicts(serializeSidecar(merged), conflicts);
    const text = renderSidecarText(merged, { conflicts: findConflictBlocks(yaml) });
    assert.match(text, /^claim c3: “that 40 jobs were at risk”\n(  .*\n)*  UNRESOLVED MERGE CONFLICT in verdict: ours false \| theirs misleading\n/m);
    assert.equal(text.match(/UNRESOLVED/g)?.length, 1);
  });
});
