/**
 * The merge driver under real `git merge` runs: a temporary repository set up
 * with `claimlens git-setup`, two branches annotating the same article.
 */
import { strict as assert } from 'node:assert';
import { parse as parseYaml } from 'yaml';
import { createAnchor, resolveAnchor } from '../../../src/core/anchor/anchor';
import type { Sidecar } from '../../../src/core/sidecar/model';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { OffsetMap } from '../../../src/core/text';
import { ARTICLE, baseSidecar, claim, claimOf, copy, speaker } from '../review/fixtures';
import { TempRepo } from '../review/gitRepo';

const SIDECAR = 'ferry.txt.annotations.yaml';

function load(repo: TempRepo): Sidecar {
  const parsed = parseSidecar(repo.read(SIDECAR), SIDECAR);
  assert.ok(parsed.sidecar, JSON.stringify(parsed.diagnostics));
  return parsed.sidecar;
}

function save(repo: TempRepo, sidecar: Sidecar): void {
  repo.write(SIDECAR, serializeSidecar(sidecar, repo.read(SIDECAR)));
}

/** Shifts every anchor of a sidecar onto an edited text (the exact words must survive). */
function reanchor(sidecar: Sidecar, text: string, updated: string): void {
  for (const c of sidecar.claims) {
    const r = resolveAnchor(text, c.anchor);
    assert.ok(r.status === 'exact' || r.status === 'moved', `fixture: ${c.id} did not re-anchor`);
    c.anchor = createAnchor(text, r.start!, r.end!);
    c.updated = updated;
  }
}

describe('git merge with the ClaimLens merge driver', function () {
  this.timeout(30000);
  let repo: TempRepo;

  beforeEach(() => {
    repo = new TempRepo();
    repo.write('ferry.txt', ARTICLE);
    repo.write(SIDECAR, serializeSidecar(baseSidecar()));
    const setup = repo.claimlens('git-setup');
    assert.equal(setup.status, 0, setup.stderr);
    repo.commitAll('base annotations');
    repo.git('branch', 'theirs');
  });

  afterEach(() => repo.remove());

  /** Commits `edit` on branch theirs and `oursEdit` on main, then merges theirs into main. */
  function mergeBranches(oursEdit: () => void, theirsEdit: () => void) {
    repo.git('checkout', '-q', 'theirs');
    theirsEdit();
    repo.commitAll('theirs');
    repo.git('checkout', '-q', 'main');
    oursEdit();
    repo.commitAll('ours');
    return repo.tryGit('merge', '--no-edit', 'theirs');
  }

  it('merges independent verdict edits on two branches cleanly', () => {
    const result = mergeBranches(
      () => { const s = load(repo); claimOf(s, 'c1').verdict = 'mostly-true'; save(repo, s); },
      () => { const s = load(repo); claimOf(s, 'c4').verdict = 'false'; save(repo, s); },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const merged = load(repo);
    assert.equal(claimOf(merged, 'c1').verdict, 'mostly-true');
    assert.equal(claimOf(merged, 'c4').verdict, 'false');
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('merges two edits of the same claim in different fields, which a line merge would conflict on', () => {
    const result = mergeBranches(
      () => { const s = load(repo); claimOf(s, 'c3').verdict = 'misleading'; save(repo, s); },
      () => { const s = load(repo); claimOf(s, 'c3').kind = 'mixed'; claimOf(s, 'c3').status = 'suggested'; save(repo, s); },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const c3 = claimOf(load(repo), 'c3');
    assert.deepEqual([c3.verdict, c3.kind, c3.status], ['misleading', 'mixed', 'suggested']);
  });

  it('keeps claims and speakers added on both sides', () => {
    const result = mergeBranches(
      () => { const s = load(repo); s.claims.push(claim('c-5a1', 'the timetable was unrealistic', { speaker: 'critics' })); s.speakers.push(speaker('critics', 'Critics', { kind: 'group' })); save(repo, s); },
      () => { const s = load(repo); s.claims.push(claim('c-9f2', 'We will not raise fares this year', { speaker: 'ana-ribeiro', kind: 'direct' })); save(repo, s); },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const merged = load(repo);
    assert.deepEqual(merged.claims.map((c) => c.id), ['c1', 'c2', 'c-9f2', 'c3', 'c4', 'c-5a1']);
    assert.ok(merged.speakers.some((s) => s.id === 'critics'));
    assert.deepEqual(parseSidecar(repo.read(SIDECAR), SIDECAR).diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('reports a verdict changed two ways as a conflict, with both values visible on that claim only', () => {
    const result = mergeBranches(
      () => { const s = load(repo); claimOf(s, 'c3').verdict = 'false'; claimOf(s, 'c1').verdict = 'true'; save(repo, s); },
      () => { const s = load(repo); claimOf(s, 'c3').verdict = 'misleading'; save(repo, s); },
    );
    assert.equal(result.status, 1);
    assert.match(result.stdout, /CONFLICT \(content\): Merge conflict in ferry.txt.annotations.yaml/);
    assert.match(result.stderr, /conflict in claim c3 “that 40 jobs were at risk”: verdict changed both ways \(ours: false, theirs: misleading\)/);
    assert.match(repo.git('status', '--porcelain'), /^UU ferry.txt.annotations.yaml$/m);
    const text = repo.read(SIDECAR);
    assert.ok(!text.includes('<<<<<<<'), 'no line conflict markers');
    const data = parseYaml(text) as { claims: Array<Record<string, unknown>> };
    assert.deepEqual(data.claims.find((c) => c.id === 'c3')!.conflict, { verdict: { base: 'unverified', ours: 'false', theirs: 'misleading' } });
    assert.equal(data.claims.filter((c) => 'conflict' in c).length, 1);
    assert.equal(data.claims.find((c) => c.id === 'c1')!.verdict, 'true');
  });

  it('reports a delete against an edit as a conflict, keeping the edited claim visibly', () => {
    const result = mergeBranches(
      () => { const s = load(repo); s.claims = s.claims.filter((c) => c.id !== 'c2'); save(repo, s); },
      () => { const s = load(repo); claimOf(s, 'c2').verdict = 'false'; claimOf(s, 'c2').rationale = 'The budget assumes a 5% rise.'; save(repo, s); },
    );
    assert.equal(result.status, 1);
    assert.match(result.stderr, /conflict in claim c2 .*we deleted it, they edited it \(kept\)/);
    const data = parseYaml(repo.read(SIDECAR)) as { claims: Array<Record<string, unknown>> };
    const c2 = data.claims.find((c) => c.id === 'c2')!;
    assert.equal(c2.verdict, 'false');
    assert.equal(c2.rationale, 'The budget assumes a 5% rise.');
    assert.deepEqual(c2.conflict, { item: { ours: 'deleted', theirs: 'edited (kept)' } });
  });

  it('follows a re-anchoring on one branch while keeping the other branch\'s verdict', () => {
    const edited = 'Updated at 10:00 with the council vote.\n\n' + ARTICLE;
    const result = mergeBranches(
      () => { const s = load(repo); claimOf(s, 'c3').verdict = 'misleading'; save(repo, s); },
      () => {
        repo.write('ferry.txt', edited);
        const s = load(repo);
        reanchor(s, edited, '2025-03-02');
        save(repo, s);
      },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const merged = load(repo);
    const text = repo.read('ferry.txt');
    assert.equal(text, edited);
    const map = new OffsetMap(text);
    for (const c of merged.claims) assert.equal(map.slice(c.anchor.start, c.anchor.end), c.anchor.exact, c.id);
    assert.equal(claimOf(merged, 'c3').verdict, 'misleading');
  });

  it('merges anchors re-anchored on both branches without conflict, and they resolve in the merged text', () => {
    const oursText = 'Updated at 10:00.\n\n' + ARTICLE;
    const insertAt = ARTICLE.indexOf('The Dockworkers');
    const theirsText = ARTICLE.slice(0, insertAt) + 'A new paragraph about tides.\n\n' + ARTICLE.slice(insertAt);
    const result = mergeBranches(
      () => { repo.write('ferry.txt', oursText); const s = load(repo); reanchor(s, oursText, '2025-03-02'); save(repo, s); },
      () => { repo.write('ferry.txt', theirsText); const s = load(repo); reanchor(s, theirsText, '2025-03-03'); claimOf(s, 'c4').verdict = 'true'; save(repo, s); },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const merged = load(repo);
    const text = repo.read('ferry.txt');
    assert.ok(text.startsWith('Updated at 10:00.') && text.includes('A new paragraph about tides.'));
    for (const c of merged.claims) {
      const r = resolveAnchor(text, c.anchor);
      assert.ok(r.status === 'exact' || r.status === 'moved', `${c.id}: ${r.status}`);
      assert.equal(new OffsetMap(text).slice(r.start!, r.end!), c.anchor.exact);
    }
    assert.equal(claimOf(merged, 'c4').verdict, 'true');
  });

  it('falls back to a line merge for a sidecar that does not parse, and Git reports the conflict', () => {
    const result = mergeBranches(
      () => { const s = load(repo); claimOf(s, 'c1').verdict = 'true'; save(repo, s); },
      () => { repo.write(SIDECAR, repo.read(SIDECAR).replace('version: 1', 'version: 1\n  broken: [')); },
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /claimlens merge: .*YAML syntax error/);
    assert.match(repo.git('status', '--porcelain'), /^UU ferry.txt.annotations.yaml$/m);
  });
});

describe('claimlens merge run directly', function () {
  this.timeout(20000);
  it('writes the merged result into the ours file and exits 0', () => {
    const repo = new TempRepo();
    try {
      const base = baseSidecar();
      const ours = copy(base);
      const theirs = copy(base);
      claimOf(ours, 'c1').verdict = 'true';
      claimOf(theirs, 'c2').verdict = 'false';
      repo.write('base.yaml', serializeSidecar(base));
      repo.write('ours.yaml', serializeSidecar(ours));
      repo.write('theirs.yaml', serializeSidecar(theirs));
      const r = repo.claimlens('merge', 'base.yaml', 'ours.yaml', 'theirs.yaml', SIDECAR);
      assert.equal(r.status, 0, r.stderr);
      const merged = parseSidecar(repo.read('ours.yaml'), 'ours.yaml').sidecar!;
      assert.deepEqual([claimOf(merged, 'c1').verdict, claimOf(merged, 'c2').verdict], ['true', 'false']);
      // An empty base (added on both sides) is accepted.
      repo.write('empty.yaml', '');
      repo.write('ours.yaml', serializeSidecar(ours));
      assert.equal(repo.claimlens('merge', 'empty.yaml', 'ours.yaml', 'theirs.yaml').status, 1);
    } finally {
      repo.remove();
    }
  });
});
