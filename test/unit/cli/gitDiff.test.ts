/**
 * Readable annotation diffs in Git: `claimlens git-setup`, `git diff` through
 * `claimlens textconv`, and `claimlens diff` on files and revisions.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { updateGitAttributes, shellQuote } from '../../../src/cli/commands/gitSetup';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { ARTICLE, baseSidecar, claimOf, copy } from '../review/fixtures';
import { CLI, TempRepo } from '../review/gitRepo';

const SIDECAR = 'ferry.txt.annotations.yaml';

function setVerdict(repo: TempRepo, id: string, verdict: string): void {
  const text = repo.read(SIDECAR);
  const s = parseSidecar(text, SIDECAR).sidecar!;
  claimOf(s, id).verdict = verdict;
  repo.write(SIDECAR, serializeSidecar(s, text));
}

describe('.gitattributes update', () => {
  it('appends the ClaimLens line, keeping every other line', () => {
    assert.equal(updateGitAttributes(''), '*.annotations.yaml diff=claimlens merge=claimlens\n');
    assert.equal(updateGitAttributes('*.png binary\n# docs\n'), '*.png binary\n# docs\n*.annotations.yaml diff=claimlens merge=claimlens\n');
  });

  it('is idempotent and keeps CRLF files CRLF', () => {
    const once = updateGitAttributes('*.png binary\r\n');
    assert.equal(once, '*.png binary\r\n*.annotations.yaml diff=claimlens merge=claimlens\r\n');
    assert.equal(updateGitAttributes(once), once);
  });

  it('replaces other diff/merge settings on the sidecar line but keeps its other attributes', () => {
    assert.equal(updateGitAttributes('*.annotations.yaml -diff text eol=lf merge=union\n'), '*.annotations.yaml text eol=lf diff=claimlens merge=claimlens\n');
  });

  it('quotes paths for the shell only when needed', () => {
    assert.equal(shellQuote('/usr/bin/node'), '/usr/bin/node');
    assert.equal(shellQuote("/home/o'neil/my cli.js"), `'/home/o'\\''neil/my cli.js'`);
  });
});

describe('claimlens git-setup, textconv and diff in a Git repository', function () {
  this.timeout(30000);
  let repo: TempRepo;

  beforeEach(() => {
    repo = new TempRepo();
    repo.write('ferry.txt', ARTICLE);
    repo.write(SIDECAR, serializeSidecar(baseSidecar()));
    repo.write('.gitattributes', '*.png binary\n');
    repo.commitAll('base annotations');
  });

  afterEach(() => repo.remove());

  it('refuses to run outside a Git repository', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'claimlens-nogit-'));
    try {
      const r = spawnSync(process.execPath, [CLI, 'git-setup'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /is not inside a Git repository/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configures textconv and the merge driver, idempotently', () => {
    assert.equal(repo.claimlens('git-setup').status, 0);
    const again = repo.claimlens('git-setup');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already has the ClaimLens line/);
    assert.equal(repo.read('.gitattributes'), '*.png binary\n*.annotations.yaml diff=claimlens merge=claimlens\n');
    const textconv = repo.git('config', 'diff.claimlens.textconv').trim();
    assert.ok(textconv.endsWith(' textconv'));
    assert.ok(textconv.includes(process.execPath), textconv); // absolute Node path: not installed globally here
    assert.ok(repo.git('config', 'merge.claimlens.driver').trim().endsWith(' merge %O %A %B %P'));
    assert.match(repo.git('check-attr', 'diff', 'merge', '--', 'x/y.txt.annotations.yaml'), /diff: claimlens\n.*merge: claimlens/);
  });

  it('makes git diff show the verdict change next to the quote', () => {
    setVerdict(repo, 'c3', 'false');
    const before = repo.git('diff');
    assert.match(before, /^-    verdict: unverified$/m);
    assert.ok(!before.includes('claim c3'));
    assert.equal(repo.claimlens('git-setup').status, 0);
    repo.commitAll('setup'); // commits the verdict change and .gitattributes together
    const shown = repo.git('show', 'HEAD', '--', SIDECAR);
    assert.match(shown, /^ claim c3: “that 40 jobs were at risk”\n-  verdict: unverified\n\+  verdict: false$/m);
    assert.match(shown, /^@@ .* @@ claim c\d: /m); // hunk headers name the nearest claim above
    setVerdict(repo, 'c1', 'mostly-true');
    assert.match(repo.git('diff'), /^ claim c1: “the new ferry would cut crossing times by half”\n-  verdict: unverified\n\+  verdict: mostly-true$/m);
  });

  it('claimlens diff --git lists semantic changes against the working tree and between revisions', () => {
    setVerdict(repo, 'c3', 'false');
    const work = repo.claimlens('diff', '--git', 'HEAD');
    assert.equal(work.status, 0, work.stderr);
    assert.equal(work.stdout, 'ferry.txt\n  ~ verdict unverified → false on “that 40 jobs were at risk”\n');
    repo.commitAll('c3 is false');
    const range = repo.claimlens('diff', '--json', '--git', 'HEAD~1..HEAD');
    assert.equal(range.status, 0, range.stderr);
    const json = JSON.parse(range.stdout);
    assert.deepEqual(json.changes.map((c: { kind: string; document: string; before: string; after: string }) => [c.kind, c.document, c.before, c.after]), [
      ['claim-verdict', 'ferry.txt', 'unverified', 'false'],
    ]);
    assert.equal(repo.claimlens('diff', '--git', 'HEAD~1..HEAD', 'no-such-folder').stdout, '');
  });

  it('claimlens diff --git reports an added sidecar and refuses option-like revisions', () => {
    const other = copy(baseSidecar());
    other.document.name = 'second.txt';
    repo.write('second.txt.annotations.yaml', serializeSidecar(other));
    repo.commitAll('second');
    const r = repo.claimlens('diff', '--git', 'HEAD~1..HEAD');
    assert.equal(r.stdout, 'second.txt\n  + annotations added (4 claims, 3 speakers)\n', r.stderr);
    const bad = repo.claimlens('diff', '--git', '--output=/tmp/x');
    assert.equal(bad.status, 2);
  });

  it('claimlens diff compares two files and exits 0 with changes, 1 on a broken file', () => {
    const after = copy(baseSidecar());
    claimOf(after, 'c4').speaker = 'dockworkers-union';
    repo.write('old.annotations.yaml', serializeSidecar(baseSidecar()));
    repo.write('new.annotations.yaml', serializeSidecar(after));
    const r = repo.claimlens('diff', 'old.annotations.yaml', 'new.annotations.yaml');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'new\n  ~ claim “the council had ignored two safety reports” re-attributed from Tom Okafor to Dockworkers Union\n');
    const added = repo.claimlens('diff', '/dev/null', 'new.annotations.yaml');
    assert.match(added.stdout, /\+ annotations added/);
    repo.write('broken.annotations.yaml', 'version: [\n');
    const broken = repo.claimlens('diff', 'old.annotations.yaml', 'broken.annotations.yaml');
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /^claimlens: cannot compare: broken.annotations.yaml:\d+:\d+: error: YAML syntax error/);
  });

  it('textconv shows a file that does not parse as it is, so git diff keeps working', () => {
    repo.write('broken.annotations.yaml', 'version: 1\nclaims: [\n');
    const r = repo.claimlens('textconv', 'broken.annotations.yaml');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\(not a valid ClaimLens sidecar — line \d+: .*; shown as it is\)\nversion: 1\nclaims: \[\n$/);
  });
});
