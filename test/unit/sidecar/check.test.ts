import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import check from '../../../src/cli/commands/check';
import type { CliIO } from '../../../src/cli/io';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { sha256Hex } from '../../../src/core/text';
import { DOCUMENT_TEXT, sampleSidecar } from './fixtures';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    cwd, stdin: new PassThrough(), env: {},
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await check.run(args, io);
  return { code, stdout, stderr };
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (!name.startsWith('loop')) walk(p);
      } else out[path.relative(dir, p)] = readFileSync(p, 'utf8') + String(st.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

describe('claimlens check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'claimlens-check-'));
    mkdirSync(path.join(dir, 'news'));
    writeFileSync(path.join(dir, 'news/bridge.txt'), DOCUMENT_TEXT);
    const s = sampleSidecar();
    s.document.sha256 = await sha256Hex(DOCUMENT_TEXT);
    writeFileSync(path.join(dir, 'news/bridge.txt.annotations.yaml'), serializeSidecar(s));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a good sidecar and prints a summary on stderr', async () => {
    const r = await run([], dir);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'claimlens check: 1 sidecar checked: 0 errors, 0 warnings, 0 info\n');
    assert.equal(r.code, 0);
  });

  it('reports orphans as errors and moved quotes as warnings, with file:line:column, changing nothing', async () => {
    const edited = 'Correction appended on Friday.\n' + DOCUMENT_TEXT.replace(/A city engineer.*\n/, '');
    writeFileSync(path.join(dir, 'news/bridge.txt'), edited);
    const before = snapshot(dir);
    const r = await run(['news'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    const sidecar = readFileSync(path.join(dir, 'news/bridge.txt.annotations.yaml'), 'utf8').split('\n');
    const orphan = lines.find((l) => l.includes('c-optimistic'))!;
    assert.match(orphan, /^news\/bridge\.txt\.annotations\.yaml:(\d+):(\d+): error: claim c-optimistic: its quote "“optimistic at best\.”" is no longer in the document/);
    const line = Number(/:(\d+):/.exec(orphan)![1]);
    assert.equal(sidecar[line - 1].trim(), 'exact: “optimistic at best.”');
    assert.match(lines.find((l) => l.includes('c-bridge'))!, /: warning: claim c-bridge: its quote .* moved to document line 2, column 43/);
    assert.ok(lines.some((l) => /: info: the document changed since/.test(l)));
    assert.match(r.stderr, /1 error, 2 warnings, 1 info/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('reports a missing document', async () => {
    rmSync(path.join(dir, 'news/bridge.txt'));
    const r = await run([], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /news\/bridge\.txt\.annotations\.yaml:3:9: error: the annotated document bridge\.txt is missing/);
  });

  it('reports conflict markers, and prints JSON for machines', async () => {
    const file = path.join(dir, 'news/bridge.txt.annotations.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    verdict: "true"\n', '<<<<<<< ours\n    verdict: "true"\n=======\n    verdict: "false"\n>>>>>>> theirs\n'));
    const r = await run(['--json'], dir);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.summary.error, 1);
    assert.equal(json.diagnostics[0].code, 'merge-conflict');
    assert.equal(json.diagnostics[0].path, 'news/bridge.txt.annotations.yaml');
    assert.match(json.diagnostics[0].message, /^unresolved merge conflict at line \d+: resolve it, then run claimlens check$/);
  });

  it('skips node_modules and .git, survives symlink loops, and rejects unknown options', async () => {
    mkdirSync(path.join(dir, 'node_modules/pkg'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/pkg/x.txt.annotations.yaml'), 'not: [valid');
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git/y.txt.annotations.yaml'), 'not: [valid');
    symlinkSync(dir, path.join(dir, 'news/loop'));
    writeFileSync(path.join(dir, 'news/bridge.txt.annotations.yaml.tmp-ab12cd34'), 'version: 1\ndocu'); // left by a crash
    const r = await run(['.'], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stderr, /1 sidecar checked/);
    await assert.rejects(run(['--fix'], dir), /Unknown option '--fix'/);
  });

  it('reports a path that does not exist', async () => {
    const r = await run(['nowhere'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /nowhere:1:1: error: no such file or folder/);
  });

  it('reports binary documents and invalid UTF-8 sidecars', async () => {
    writeFileSync(path.join(dir, 'news/bridge.txt'), Buffer.from([0x41, 0x00, 0x42]));
    writeFileSync(path.join(dir, 'news/bad.txt.annotations.yaml'), Buffer.from([0x76, 0xff, 0x0a]));
    const r = await run([], dir);
    assert.match(r.stdout, /bad\.txt\.annotations\.yaml:1:1: error: the file is not valid UTF-8/);
    assert.match(r.stdout, /bridge\.txt\.annotations\.yaml:\d+:\d+: error: the document bridge\.txt looks like a binary file/);
  });
});
