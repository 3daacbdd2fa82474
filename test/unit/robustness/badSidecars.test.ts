// Bad sidecars: each one is reported with the file, the line and what to do, never with a stack
// trace; the store refuses to rewrite it (the person's text stays byte for byte); `claimlens check`
// reports it and exits 1 without changing anything.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { AnnotationStore, AnnotationStoreError, updateClaim } from '../../../src/core/sidecar/store';
import { ARTICLE, assertNoStackTrace, cli, FaultyFileSystem, handWrittenSidecar, tempFolder } from './helpers';

interface BadCase {
  name: string;
  yaml: string;
  code: string;
  line: number;
  /** What the message must say (the problem and what to do). */
  says: RegExp;
}

const valid = handWrittenSidecar('a.txt');
const lines = valid.split('\n');
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

const BILLION_LAUGHS = [
  'version: 1',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  'document: {name: a.txt}',
  'claims: *i',
  '',
].join('\n');

const CASES: BadCase[] = [
  {
    name: 'malformed YAML (an unclosed flow sequence)',
    yaml: valid.replace('    tags: []', '    tags: [politics, budget'),
    // yaml notices the missing ] on the next line, and reports it there.
    code: 'yaml-syntax', line: lineOf('tags: []') + 1, says: /YAML syntax error: .*end with a \]; fix the file by hand/,
  },
  {
    name: 'malformed YAML (a tab-indented key)',
    yaml: valid.replace('    verdict: mostly-false', '\tverdict: mostly-false'),
    code: 'yaml-syntax', line: lineOf('verdict: mostly-false'), says: /fix the file by hand/,
  },
  {
    name: 'a wrong type (speakers is a string)',
    yaml: 'version: 1\ndocument:\n  name: a.txt\nspeakers: nobody\nclaims: []\nstances: []\n',
    code: 'schema', line: 4, says: /speakers must be an array: fix the value/,
  },
  {
    name: 'a wrong type (an anchor offset is text)',
    yaml: valid.replace(/start: \d+/, 'start: ten'),
    code: 'schema', line: lineOf('start: '), says: /claims\[1\]\.anchor\.start must be an? (integer|number).*: fix the value/,
  },
  {
    name: 'an unknown version (newer)',
    yaml: valid.replace('version: 1', 'version: 7'),
    code: 'version', line: 1, says: /version 7, newer than this ClaimLens understands.*update ClaimLens/,
  },
  {
    name: 'an unknown version (not a number)',
    yaml: valid.replace('version: 1', 'version: beta'),
    code: 'version', line: 1, says: /unknown sidecar version "beta": this ClaimLens reads version 1/,
  },
  {
    name: 'duplicate claim ids',
    yaml: valid.replace('stances: []', [
      '  - id: c-bridge',
      '    anchor: {exact: Harbour news, prefix: "", suffix: "\\n\\n", start: 0, end: 12}',
      'stances: []',
    ].join('\n')).replace(/\nstances: \[\]\n  - id/, '\n  - id'),
    code: 'duplicate-id', line: 0, says: /claim id "c-bridge" is used twice .*give one of them another id/,
  },
  {
    name: 'a duplicated key',
    yaml: valid.replace('    verdict: mostly-false', '    verdict: mostly-false\n    verdict: false'),
    code: 'duplicate-key', line: lineOf('verdict: mostly-false') + 1, says: /keep one of the two entries/,
  },
  {
    name: 'Git conflict markers',
    yaml: valid.replace('    verdict: mostly-false', '<<<<<<< HEAD\n    verdict: mostly-false\n=======\n    verdict: false\n>>>>>>> theirs'),
    code: 'merge-conflict', line: lineOf('verdict: mostly-false'), says: /unresolved merge conflict at line \d+: resolve it/,
  },
  {
    name: 'a YAML alias bomb (billion laughs)',
    yaml: BILLION_LAUGHS,
    code: 'alias-bomb', line: 0, says: /too many YAML aliases .*remove the aliases/,
  },
  {
    name: 'an empty file',
    yaml: '',
    code: 'empty', line: 1, says: /the file is empty: add "version: 1"/,
  },
  {
    name: 'a file of comments only',
    yaml: '# nothing yet\n\n# still nothing\n',
    code: 'empty', line: 1, says: /the file is empty/,
  },
  {
    name: 'a __proto__ key',
    yaml: valid.replace('stances: []', 'stances: []\n__proto__:\n  polluted: yes'),
    code: 'forbidden-key', line: lineOf('stances: []') + 1, says: /the key "__proto__" is not allowed.*rename or remove it/,
  },
  {
    name: 'a constructor.prototype key inside a claim',
    yaml: valid.replace('    tags: []', '    tags: []\n    constructor:\n      prototype:\n        polluted: yes'),
    code: 'forbidden-key', line: lineOf('tags: []') + 1, says: /the key "constructor" is not allowed/,
  },
  {
    name: 'a list instead of a mapping',
    yaml: '- version: 1\n- claims: []\n',
    code: 'schema', line: 1, says: /a sidecar must be a YAML mapping/,
  },
  {
    name: 'several YAML documents',
    yaml: `${valid}\n---\n${valid}`,
    code: 'yaml-syntax', line: 0, says: /several YAML documents|fix the file by hand/,
  },
];

describe('robustness: bad sidecars', () => {
  afterEach(() => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });

  for (const c of CASES) {
    it(`${c.name}: reported at its line with what to do`, () => {
      const parsed = parseSidecar(c.yaml, '/news/a.txt.annotations.yaml');
      const error = parsed.diagnostics.find((d) => d.severity === 'error' && d.code === c.code);
      assert.ok(error, `no ${c.code} error in ${JSON.stringify(parsed.diagnostics, null, 1)}`);
      assert.equal(error.location, '/news/a.txt.annotations.yaml');
      if (c.line > 0) assert.equal(error.line, c.line, error.message);
      else assert.ok(error.line >= 1);
      assert.match(error.message, c.says);
      assertNoStackTrace(error.message);
      assert.equal(parsed.writable, false, 'a bad file must not be rewritten');
    });

    it(`${c.name}: the store refuses to write and leaves the file byte for byte`, async () => {
      const fs = new FaultyFileSystem();
      await fs.put('/news/a.txt', ARTICLE);
      await fs.put('/news/a.txt.annotations.yaml', c.yaml);
      const store = new AnnotationStore(fs);
      const state = await store.load('/news/a.txt');
      assert.equal(state.writable, false);
      await assert.rejects(
        store.update('/news/a.txt', (draft) => { if (draft.claims[0]) updateClaim(draft, draft.claims[0].id, { verdict: 'false' }); }),
        (e: unknown) => {
          assert.ok(e instanceof AnnotationStoreError, String(e));
          // Names the file, the line of the first problem, and what to do.
          assert.match(e.message, new RegExp(`^a\\.txt\\.annotations\\.yaml has errors \\(line ${c.line > 0 ? c.line : '\\d+'}: `));
          assert.match(e.message, /your change was not saved so that nothing in the file is lost: fix the file \(claimlens check lists the problems\)/);
          assertNoStackTrace(e.message);
          return true;
        },
      );
      assert.equal(await fs.text('/news/a.txt.annotations.yaml'), c.yaml);
      assert.deepEqual(fs.memory.list(), ['/news/a.txt', '/news/a.txt.annotations.yaml'], 'a temporary file was left behind');
    });
  }

  it('an alias bomb is answered (bounded), not expanded', () => {
    // A full expansion would be 9^9 strings; the bounded parser answers at once.
    const parsed = parseSidecar(BILLION_LAUGHS.replace('claims: *i', 'claims: *i\nx: *i\ny: *i'), 'bomb.annotations.yaml');
    assert.ok(parsed.diagnostics.some((d) => d.code === 'alias-bomb'));
  });

  it('deeply nested flow collections are refused with a line, not a stack overflow', () => {
    const parsed = parseSidecar(`version: 1\nclaims: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'deep.annotations.yaml');
    const error = parsed.diagnostics.find((d) => d.severity === 'error');
    assert.ok(error);
    assert.equal(error.line, 2);
    assert.match(error.message, /nested too deeply/);
  });

  it('__proto__ and constructor keys never reach Object.prototype, even in a model that is read', () => {
    const parsed = parseSidecar(valid.replace('document:', '"__proto__": {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\ndocument:'), 'x.annotations.yaml');
    assert.ok(parsed.sidecar);
    assert.equal(Object.getPrototypeOf(parsed.sidecar), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(JSON.stringify(parsed.sidecar).includes('polluted'), false);
  });

  it('a claim anchored beyond the end of the document is orphaned and kept, not moved or dropped', async () => {
    const fs = new FaultyFileSystem();
    const yaml = valid.replace(/start: \d+/, 'start: 5000').replace(/end: \d+/, 'end: 5054');
    await fs.put('/news/a.txt', 'Short.\n');
    await fs.put('/news/a.txt.annotations.yaml', yaml);
    const store = new AnnotationStore(fs);
    await store.load('/news/a.txt');
    const entry = store.get('/news/a.txt', 'Short.\n');
    assert.equal(entry?.resolutions?.get('c-bridge')?.status, 'orphaned');
    // Re-anchoring keeps the orphan untouched in the file.
    const { orphaned } = await store.reanchor('/news/a.txt', 'Short.\n');
    assert.equal(orphaned, 1);
    const after = await fs.text('/news/a.txt.annotations.yaml');
    assert.match(after ?? '', /start: 5000/);
    assert.match(after ?? '', /# checked against the council budget/);
  });
});

describe('robustness: claimlens check on bad sidecars', () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => (folder = tempFolder('check')));
  afterEach(() => folder.remove());

  for (const c of CASES) {
    it(`${c.name}: file:line:column: error: message, exit 1, file unchanged`, async () => {
      writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
      writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), c.yaml);
      const run = await cli(['check', '.'], folder.dir);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const expected = c.line > 0 ? `a.txt.annotations.yaml:${c.line}:` : 'a.txt.annotations.yaml:';
      const line = run.stdout.split('\n').find((l) => l.startsWith(expected) && /: error: /.test(l) && c.says.test(l));
      assert.ok(line, `no "${expected}… error: ${c.says}" line in:\n${run.stdout}`);
      assertNoStackTrace(run.stdout + run.stderr);
      assert.equal(readFileSync(join(folder.dir, 'a.txt.annotations.yaml'), 'utf8'), c.yaml);
    });
  }

  it('a sidecar whose document is missing: says which document and what to do', async () => {
    writeFileSync(join(folder.dir, 'gone.txt.annotations.yaml'), handWrittenSidecar('gone.txt'));
    const run = await cli(['check'], folder.dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^gone\.txt\.annotations\.yaml:3:\d+: error: the annotated document gone\.txt is missing beside this sidecar: restore or move it back, or delete the sidecar/m);
  });

  it('anchors beyond the end of the document: the claim is reported as orphaned, kept as is', async () => {
    writeFileSync(join(folder.dir, 'a.txt'), 'Short.\n');
    const yaml = valid.replace(/start: \d+/, 'start: 5000').replace(/end: \d+/, 'end: 5054');
    writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), yaml);
    const run = await cli(['check', '--json'], folder.dir);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    const orphan = report.diagnostics.find((d: { code: string }) => d.code === 'orphan');
    assert.equal(orphan.line, lineOf('exact: '), 'the anchor\'s mapping starts at its first key');
    assert.match(orphan.message, /claim c-bridge: its quote "the new bridge.*" is no longer in the document \(orphaned; kept as is\)/);
    assert.equal(readFileSync(join(folder.dir, 'a.txt.annotations.yaml'), 'utf8'), yaml);
  });

  it('an empty document with a sidecar: the claim is orphaned, no crash', async () => {
    writeFileSync(join(folder.dir, 'a.txt'), '');
    writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), valid);
    const run = await cli(['check'], folder.dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /error: claim c-bridge: .*orphaned/);
    assertNoStackTrace(run.stderr);
  });

  it('a sidecar that is binary or not UTF-8 is reported, not parsed', async () => {
    writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
    writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), Buffer.from([0x76, 0x65, 0x72, 0xff, 0xfe, 0x0a]));
    const run = await cli(['check'], folder.dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^a\.txt\.annotations\.yaml:1:1: error: the file is not valid UTF-8 \(bad byte sequence at byte 3\): a sidecar is UTF-8 text/m);
  });
});
