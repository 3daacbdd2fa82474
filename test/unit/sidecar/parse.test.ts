import assert from 'node:assert/strict';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { sampleSidecar } from './fixtures';

const LOC = 'docs/bridge.txt.annotations.yaml';
const GOOD = serializeSidecar(sampleSidecar());

function only(yamlText: string, code: string) {
  const result = parseSidecar(yamlText, LOC);
  const found = result.diagnostics.filter((d) => d.code === code);
  assert.ok(found.length > 0, `expected a ${code} diagnostic, got ${JSON.stringify(result.diagnostics)}`);
  return { result, d: found[0] };
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split('\n').length;
}

describe('parseSidecar', () => {
  it('reads a well-formed sidecar without findings', () => {
    const r = parseSidecar(GOOD, LOC);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.writable, true);
    assert.deepEqual(r.sidecar?.claims.map((c) => c.id), ['c-bridge', 'c-foundations', 'c-optimistic']);
    assert.equal(r.sidecar?.claims[0].verdict, 'misleading');
  });

  it('fills defaults for optional fields a person left out', () => {
    const r = parseSidecar('version: 1\ndocument:\n  name: a.txt\nclaims:\n  - id: c1\n    anchor: { exact: hi, start: 0, end: 2 }\n', LOC);
    assert.deepEqual(r.diagnostics, []);
    const c = r.sidecar!.claims[0];
    assert.deepEqual([c.kind, c.status, c.verdict, c.speaker, c.tags, c.sources, c.anchor.prefix], ['direct', 'accepted', 'unverified', null, [], [], '']);
  });

  it('reports YAML syntax errors with their line and leaves no model', () => {
    const text = 'version: 1\ndocument:\n  name: "unclosed\nclaims: []\n';
    const { result, d } = only(text, 'yaml-syntax');
    assert.equal(result.sidecar, undefined);
    assert.equal(result.writable, false);
    assert.equal(d.severity, 'error');
    assert.ok(d.line >= 3, `line ${d.line}`);
    assert.match(d.message, /fix the file by hand/);
  });

  it('names unresolved Git conflict markers with their line', () => {
    const text = GOOD.replace('    verdict: "true"\n', '<<<<<<< HEAD\n    verdict: "true"\n=======\n    verdict: "false"\n>>>>>>> theirs\n');
    assert.notEqual(text, GOOD);
    const { result, d } = only(text, 'merge-conflict');
    const line = lineOf(text, '<<<<<<<');
    assert.equal(d.line, line);
    assert.equal(d.message, `unresolved merge conflict at line ${line}: resolve it, then run claimlens check`);
    assert.equal(result.sidecar, undefined);
  });

  it('refuses an alias bomb quickly instead of expanding it', () => {
    let bomb = 'version: 1\ndocument: {name: a.txt}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 12; i++) bomb += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const { result, d } = only(bomb, 'alias-bomb');
    assert.equal(result.sidecar, undefined);
    assert.equal(d.line, 4);
    assert.match(d.message, /alias bomb/);
  });

  it('refuses __proto__ and constructor keys without polluting prototypes', () => {
    const text = GOOD.replace('document:\n', 'document:\n  __proto__:\n    polluted: yes\n').replace('  - id: c-bridge\n', '  - id: c-bridge\n    constructor: oops\n');
    const r = parseSidecar(text, LOC);
    const forbidden = r.diagnostics.filter((d) => d.code === 'forbidden-key');
    assert.equal(forbidden.length, 2);
    assert.equal(forbidden[0].line, lineOf(text, '__proto__'));
    assert.equal(forbidden[1].line, lineOf(text, 'constructor:'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(r.sidecar!.document), Object.prototype);
    assert.equal(r.writable, false);
  });

  it('refuses an unknown version and says what to do', () => {
    const { result, d } = only(GOOD.replace('version: 1', 'version: 7'), 'version');
    assert.equal(result.sidecar, undefined);
    assert.equal(d.line, 1);
    assert.match(d.message, /version 7, newer .*update ClaimLens/);
    assert.match(only(GOOD.replace('version: 1\n', ''), 'version').d.message, /"version" is missing/);
  });

  it('reports schema errors at the offending node with a readable path', () => {
    const text = GOOD.replace('    kind: mixed\n', '    kind: shouted\n').replace('    status: accepted\n', '    status: 3\n');
    const r = parseSidecar(text, LOC);
    const schema = r.diagnostics.filter((d) => d.code === 'schema');
    const kind = schema.find((d) => d.message.includes('kind'))!;
    assert.equal(kind.line, lineOf(text, 'kind: shouted'));
    assert.match(kind.message, /claims\[3\]\.kind must be one of "direct", "indirect", "mixed"/);
    const status = schema.find((d) => d.message.includes('status'))!;
    assert.equal(status.line, lineOf(text, 'status: 3'));
    assert.match(status.message, /must be a string/);
    assert.equal(r.writable, false);
  });

  it('reports a missing required field on the entry that lacks it', () => {
    const text = GOOD.replace(/ {4}anchor:\n(?: {6}.*\n)+?(?= {4}\w)/, '');
    const { d } = only(text, 'schema');
    assert.match(d.message, /claims\[1\] is missing "anchor": add it/);
    assert.equal(d.line, lineOf(text, '- id: c-bridge'));
  });

  it('reports duplicate ids at the second one', () => {
    const text = GOOD.replace('id: c-foundations', 'id: c-bridge');
    const { result, d } = only(text, 'duplicate-id');
    assert.equal(d.line, text.split('\n').findIndex((l, i) => l.includes('id: c-bridge') && i > lineOf(text, 'id: c-bridge')) + 1);
    assert.match(d.message, /claim id "c-bridge" is used twice/);
    assert.equal(result.writable, false);
  });

  it('reports references to unknown speakers and claims but stays writable', () => {
    const text = GOOD.replace('speaker: ana-ruiz\n    kind', 'speaker: ana-ruis\n    kind').replace('      - c-foundations', '      - c-nowhere');
    const r = parseSidecar(text, LOC);
    const speaker = r.diagnostics.find((d) => d.code === 'unknown-speaker')!;
    assert.equal(speaker.line, lineOf(text, 'ana-ruis'));
    assert.match(speaker.message, /"ana-ruis", who is not listed under speakers: add the speaker or correct the id/);
    const claim = r.diagnostics.find((d) => d.code === 'unknown-claim')!;
    assert.equal(claim.line, lineOf(text, 'c-nowhere'));
    assert.equal(r.writable, true);
  });

  it('reads an unquoted verdict: true as the verdict "true"', () => {
    const r = parseSidecar(GOOD.replace('verdict: "true"', 'verdict: true'), LOC);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.sidecar?.claims[1].verdict, 'true');
  });

  it('warns about a verdict off the scale', () => {
    const { d, result } = only(GOOD.replace('verdict: misleading', 'verdict: pants-on-fire'), 'unknown-verdict');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /not on the verdict scale/);
    assert.equal(result.sidecar?.claims[0].verdict, 'pants-on-fire');
  });

  it('handles empty, non-mapping and duplicate-key files', () => {
    assert.match(only('', 'empty').d.message, /empty/);
    assert.match(only('# only a comment\n', 'empty').d.message, /empty/);
    assert.equal(only('- a\n- b\n', 'schema').result.sidecar, undefined);
    const dup = only('version: 1\nversion: 1\ndocument: {name: a}\n', 'duplicate-key');
    assert.equal(dup.d.line, 2);
  });

  it('answers deeply nested and multi-document input with a finding, not a crash', () => {
    const deep = only('version: 1\ndocument: {name: a}\nx: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 'yaml-syntax');
    assert.match(deep.d.message, /nested too deeply/);
    assert.match(only('version: 1\ndocument: {name: a}\n---\nversion: 1\n', 'yaml-syntax').d.message, /several YAML documents/);
  });

  it('accepts a UTF-8 BOM and CRLF line ends', () => {
    const r = parseSidecar('\uFEFF' + GOOD.replace(/\n/g, '\r\n'), LOC);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.sidecar?.claims.length, 3);
  });

  it('warns when an anchor span does not match the length of its quote', () => {
    const text = GOOD.replace(/end: (\d+)/, (_, n) => `end: ${Number(n) + 5}`);
    assert.equal(only(text, 'anchor-length').d.severity, 'warning');
  });

  it('refuses a huge file without parsing it', () => {
    const r = parseSidecar('a'.repeat(17 * 1024 * 1024), LOC);
    assert.equal(r.sidecar, undefined);
    assert.equal(r.diagnostics[0].code, 'too-large');
  });
});
