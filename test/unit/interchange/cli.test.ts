/** `claimlens export` and `claimlens import`, run in-process on temporary files. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { sha256Hex } from '../../../src/core/text';
import { ARTICLE, baseSidecar, claimOf, copy } from '../review/fixtures';

async function run(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    cwd,
    stdin: Readable.from([]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('claimlens export and import', () => {
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'claimlens-interchange-'));
    writeFileSync(path.join(dir, 'ferry.txt'), ARTICLE);
    const s = copy(baseSidecar());
    s.document.sha256 = await sha256Hex(ARTICLE);
    claimOf(s, 'c3').verdict = 'misleading';
    writeFileSync(path.join(dir, 'ferry.txt.annotations.yaml'), serializeSidecar(s));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exports ClaimReview JSON-LD for a document, with the publisher', async () => {
    const r = await run(dir, 'export', '--format', 'claimreview', '--publisher', 'Harbour Facts', 'ferry.txt');
    assert.equal(r.code, 0, r.stderr);
    const reviews = JSON.parse(r.stdout);
    assert.equal(reviews.length, 1);
    assert.equal(reviews[0].claimReviewed, 'that 40 jobs were at risk');
    assert.deepEqual(reviews[0].author, { '@type': 'Organization', name: 'Harbour Facts' });
  });

  it('exports CSV and Web Annotations to a file, and brat with mentions found in the text', async () => {
    assert.equal((await run(dir, 'export', '--format', 'csv', '--out', 'claims.csv', '.')).code, 0);
    const csv = readFileSync(path.join(dir, 'claims.csv'), 'utf8');
    assert.equal(csv.split('\r\n').length, 6);
    const wa = await run(dir, 'export', '--format', 'webannotation', 'ferry.txt.annotations.yaml');
    assert.equal(JSON.parse(wa.stdout).total, 4);
    const brat = await run(dir, 'export', '--format', 'brat', 'ferry.txt');
    assert.equal(brat.code, 0, brat.stderr);
    assert.match(brat.stdout, /^T\d+\tSource \d+ \d+\tAna Ribeiro$/m);
    assert.match(brat.stdout, /^T\d+\tCue \d+ \d+\tsaid$/m);
  });

  it('refuses unknown formats and missing annotations clearly', async () => {
    assert.equal((await run(dir, 'export', '--format', 'xml', 'ferry.txt')).code, 2);
    writeFileSync(path.join(dir, 'other.txt'), 'text');
    const missing = await run(dir, 'export', '--format', 'csv', 'other.txt');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'claimlens: other.txt: no annotations (expected other.txt.annotations.yaml next to it)\n');
  });

  it('round-trips through brat: export, import into a new sidecar that check accepts', async () => {
    const exported = await run(dir, 'export', '--format', 'brat', '--out', 'ferry.ann', 'ferry.txt');
    assert.equal(exported.code, 0, exported.stderr);
    const imported = await run(dir, 'import', '--format', 'brat', 'ferry.ann', '--text', 'ferry.txt', '--out', 'copy.annotations.yaml');
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /wrote copy.annotations.yaml: 4 claims from 4 attributions/);
    const parsed = parseSidecar(readFileSync(path.join(dir, 'copy.annotations.yaml'), 'utf8'), 'copy');
    assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(parsed.sidecar!.claims.map((c) => c.anchor.exact), baseSidecar().claims.map((c) => c.anchor.exact));
  });

  it('import never replaces an existing sidecar without --force', async () => {
    await run(dir, 'export', '--format', 'brat', '--out', 'ferry.ann', 'ferry.txt');
    const before = readFileSync(path.join(dir, 'ferry.txt.annotations.yaml'), 'utf8');
    const refused = await run(dir, 'import', '--format', 'brat', 'ferry.ann');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ferry.txt.annotations.yaml already exists: not replacing it \(use --force/);
    assert.equal(readFileSync(path.join(dir, 'ferry.txt.annotations.yaml'), 'utf8'), before);
    const forced = await run(dir, 'import', '--format', 'brat', 'ferry.ann', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(existsSync(path.join(dir, 'ferry.txt.annotations.yaml')));
  });
});
