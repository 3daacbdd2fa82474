// Text that is not plain ASCII with LF line ends: a BOM, CRLF, astral characters, emoji and
// combining marks before annotated spans, binary files and invalid UTF-8 among the documents, a
// 20 MB single line, symbolic-link loops in the corpus folder.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, MAX_ANALYZED_BYTES } from '../../../src/core/analyze';
import { createAnchor, resolveAnchor } from '../../../src/core/anchor/anchor';
import { extractOrThrow } from '../../../src/core/extract/extractor';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { addClaimFromSpan, AnnotationStore } from '../../../src/core/sidecar/store';
import { decodeText, OffsetMap } from '../../../src/core/text';
import { ARTICLE, assertNoStackTrace, CLAIM_TEXT, cli, FaultyFileSystem, handWrittenSidecar, tempFolder } from './helpers';

const cp = (s: string) => [...s].length;

describe('robustness: BOM and CRLF', () => {
  it('a UTF-8 BOM is not counted: offsets start after it, anchors resolve, check passes', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(ARTICLE)]);
    const { text, hadBom } = decodeText(bytes);
    assert.equal(hadBom, true);
    assert.equal(text, ARTICLE);
    const claim = analyzeDocument(text).claims.find((c) => c.text.includes('bridge'));
    assert.ok(claim);
    assert.equal(new OffsetMap(text).slice(claim.start, claim.end), claim.text);
    const folder = tempFolder('bom');
    try {
      writeFileSync(join(folder.dir, 'a.txt'), bytes);
      // A sidecar saved with a BOM by some editor reads as well.
      writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), `\uFEFF${handWrittenSidecar('a.txt')}`);
      const run = await cli(['check'], folder.dir);
      assert.equal(run.stdout, '');
      assert.equal(run.code, 0, run.stderr);
    } finally {
      folder.remove();
    }
  });

  it('CRLF line ends: offsets count \\r, anchors resolve, the sidecar written stays LF', async () => {
    const crlf = ARTICLE.replace(/\n/g, '\r\n');
    const fs = new FaultyFileSystem();
    await fs.put('/n/a.txt', crlf);
    const store = new AnnotationStore(fs);
    const start = cp(crlf.slice(0, crlf.indexOf(CLAIM_TEXT)));
    const state = await store.update('/n/a.txt', (draft) => {
      addClaimFromSpan(draft, crlf, start, start + cp(CLAIM_TEXT), { note: 'first line\r\nsecond line' });
    }, { documentText: crlf });
    const yaml = (await fs.text('/n/a.txt.annotations.yaml'))!;
    assert.equal(yaml.includes('\r'), false, 'a carriage return reached the sidecar file');
    const claim = state.sidecar!.claims[0];
    assert.equal(claim.anchor.exact, CLAIM_TEXT);
    assert.equal(claim.anchor.suffix.startsWith('.\r\n'), true, 'the suffix keeps the document\'s CRLF');
    // Read back: same model, anchors exact.
    const reread = parseSidecar(yaml, 'a.txt.annotations.yaml').sidecar!;
    assert.deepEqual(reread.claims[0].anchor, claim.anchor);
    assert.equal(reread.claims[0].note, 'first line\r\nsecond line');
    assert.equal(resolveAnchor(crlf, reread.claims[0].anchor).status, 'exact');
    // The same article checked out with LF still finds the claim.
    const lf = resolveAnchor(ARTICLE, reread.claims[0].anchor);
    assert.equal(lf.status === 'moved' || lf.status === 'fuzzy', true, lf.status);
    assert.equal(new OffsetMap(ARTICLE).slice(lf.start!, lf.end!), CLAIM_TEXT);
  });

  it('a sidecar with CRLF line ends (Git autocrlf) is read, and the extractor handles CRLF text', () => {
    const parsed = parseSidecar(handWrittenSidecar('a.txt').replace(/\n/g, '\r\n'), 'a.txt.annotations.yaml');
    assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(parsed.sidecar?.claims[0].anchor.exact, CLAIM_TEXT);
    const crlf = ARTICLE.replace(/\n/g, '\r\n');
    for (const c of extractOrThrow(crlf).claims) assert.equal(new OffsetMap(crlf).slice(c.start, c.end), c.text);
  });
});

describe('robustness: astral characters, emoji and combining marks before annotated spans', () => {
  const PREFIXES = ['😀 ', '👩‍👩‍👧 family 🇫🇷 ', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 ', 'Cafe\u0301 Zoe\u0308 ', '\u{1F600}\u0301 ', '💬'.repeat(40) + ' '];

  for (const prefix of PREFIXES) {
    const text = `${prefix}${ARTICLE}`;
    it(`after ${JSON.stringify(prefix.slice(0, 12))}: OffsetMap, extractor and anchors agree in code points`, async () => {
      const map = new OffsetMap(text);
      const utf16 = text.indexOf(CLAIM_TEXT);
      const start = map.toCodePoint(utf16);
      assert.equal(start, cp(text.slice(0, utf16)));
      assert.equal(map.toUtf16(start), utf16);
      assert.equal(map.slice(start, start + cp(CLAIM_TEXT)), CLAIM_TEXT);
      // The extractor: offsets in code points, text equal to the slice.
      const claim = extractOrThrow(text).claims.find((c) => c.text.includes('bridge'));
      assert.ok(claim, 'the claim after the prefix was not found');
      assert.equal(map.slice(claim.start, claim.end), claim.text);
      assert.equal(text.slice(map.toUtf16(claim.start), map.toUtf16(claim.end)), claim.text);
      // Store: created, serialized, read back, resolved exactly.
      const fs = new FaultyFileSystem();
      await fs.put('/n/a.txt', text);
      const state = await new AnnotationStore(fs).update('/n/a.txt', (d) => void addClaimFromSpan(d, text, start, start + cp(CLAIM_TEXT)), { documentText: text });
      const reread = parseSidecar((await fs.text('/n/a.txt.annotations.yaml'))!, 'x').sidecar!;
      assert.equal(reread.claims[0].anchor.start, start);
      assert.deepEqual(reread.claims[0].anchor, state.sidecar!.claims[0].anchor);
      assert.deepEqual(resolveAnchor(text, reread.claims[0].anchor), { status: 'exact', start, end: start + cp(CLAIM_TEXT), score: 1 });
      // An emoji inserted before the span later: the span is found at its new place.
      const edited = `🎉${text}`;
      const moved = resolveAnchor(edited, reread.claims[0].anchor);
      assert.equal(moved.start, start + 1);
      assert.equal(new OffsetMap(edited).slice(moved.start!, moved.end!), CLAIM_TEXT);
    });
  }

  it('an offset inside a surrogate pair never splits the pair', () => {
    const map = new OffsetMap('a😀b');
    assert.equal(map.toCodePoint(2), 2, 'the middle of 😀 counts the pair as passed');
    assert.equal(map.toUtf16(2), 3);
    assert.equal(map.slice(1, 2), '😀');
    // Lone surrogates (broken text) are single code units, never merged.
    const lone = new OffsetMap('\uD800x\uDC00');
    assert.equal(lone.codePointLength, 3);
  });
});

describe('robustness: binary files, invalid UTF-8, symlink loops and a 20 MB single line in the corpus', () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => {
    folder = tempFolder('corpus');
    mkdirSync(join(folder.dir, 'news'));
    writeFileSync(join(folder.dir, 'news', 'good.txt'), ARTICLE);
    writeFileSync(join(folder.dir, 'news', 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    writeFileSync(join(folder.dir, 'news', 'latin1.md'), Buffer.from('Le maire a d\xe9clar\xe9 que le pont co\xfbterait cher.\n', 'latin1'));
    // Notepad's "Unicode": UTF-16 little-endian with a byte-order mark.
    writeFileSync(join(folder.dir, 'news', 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('The mayor said that the bridge was safe.\n', 'utf16le')]));
  });
  afterEach(() => folder.remove());

  it('claimlens extract skips binary and non-UTF-8 files with a clear warning and extracts the rest', async () => {
    const run = await cli(['extract', '--json', 'news'], folder.dir);
    assert.equal(run.code, 1, 'skipped files make the exit status 1');
    assert.deepEqual(run.stdout.trim().split('\n').map((l) => JSON.parse(l).path), [join('news', 'good.txt')]);
    assert.match(run.stderr, /news\/image\.txt: skipped: looks like a binary file \(NUL byte at byte 8\)/);
    assert.match(run.stderr, /news\/latin1\.md: skipped: is not valid UTF-8 \(bad byte sequence at byte 12\)/);
    assert.match(run.stderr, /news\/utf16\.txt: skipped: is UTF-16 text, not UTF-8: save it as UTF-8/);
    assertNoStackTrace(run.stderr);
  });

  it('claimlens check reports a sidecar whose document is binary or not UTF-8', async () => {
    writeFileSync(join(folder.dir, 'news', 'latin1.md.annotations.yaml'), handWrittenSidecar('latin1.md'));
    const run = await cli(['check', 'news'], folder.dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^news\/latin1\.md\.annotations\.yaml:3:\d+: error: the document latin1\.md is not valid UTF-8 \(bad byte sequence at byte 12\): annotations need a UTF-8 text document$/m);
  });

  it('claimlens index skips binary and non-UTF-8 files with a clear warning', async () => {
    const run = await cli(['index', 'build', '--jobs', '1', '--out', 'corpus-index.json', 'news'], folder.dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /image\.txt: skipped: .*binary file/);
    assert.match(run.stderr, /latin1\.md: skipped: .*not valid UTF-8/);
    assertNoStackTrace(run.stderr);
  });

  it('symbolic-link loops in the corpus folder: extract, check and index terminate and report the real files', async () => {
    symlinkSync('..', join(folder.dir, 'news', 'loop'));
    symlinkSync(join(folder.dir, 'news', 'self'), join(folder.dir, 'news', 'self'));
    mkdirSync(join(folder.dir, 'news', 'a'));
    symlinkSync(join(folder.dir, 'news', 'b'), join(folder.dir, 'news', 'a', 'to-b'));
    symlinkSync(join(folder.dir, 'news', 'a'), join(folder.dir, 'news', 'b'));
    writeFileSync(join(folder.dir, 'news', 'good.txt.annotations.yaml'), handWrittenSidecar('good.txt'));
    const extract = await cli(['extract', '--json', 'news'], folder.dir);
    assert.deepEqual(extract.stdout.trim().split('\n').map((l) => JSON.parse(l).path), [join('news', 'good.txt')]);
    const check = await cli(['check', 'news'], folder.dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stderr, /1 sidecar checked: 0 errors/);
    const index = await cli(['index', 'build', '--jobs', '1', '--out', 'i.json', 'news'], folder.dir);
    assert.match(index.stderr, /good\.txt|1 document/);
    assertNoStackTrace(extract.stderr + check.stderr + index.stderr);
  });

  it('a 20 MB single-line file: extract skips it with a clear warning, anchoring and the store handle it', async function () {
    this.timeout(30_000);
    const sentence = 'Council member Jane Roe said that the bridge would cost twice as much 😀 as planned. ';
    const big = sentence.repeat(Math.ceil((20 * 1024 * 1024) / sentence.length));
    writeFileSync(join(folder.dir, 'news', 'big.txt'), big);
    const run = await cli(['extract', '--json', 'news/big.txt', 'news/good.txt'], folder.dir);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout.trim()).path, join('news', 'good.txt'));
    assert.match(run.stderr, new RegExp(`news/big\\.txt: skipped: 20 MB, larger than the ${MAX_ANALYZED_BYTES / 1048576} MB ClaimLens analyses: .*split it`));
    const index = await cli(['index', 'build', '--jobs', '1', '--out', 'i.json', 'news'], folder.dir);
    assert.equal(index.code, 1);
    assert.match(index.stderr, /news\/big\.txt: skipped: 20 MB, larger than the 4 MB ClaimLens analyses/);
    assert.match(index.stderr, /good\.txt|document/);

    // Anchors at the start, middle and end of the line; an insertion at the front moves them all.
    const map = new OffsetMap(big);
    const spans = [0, Math.floor(map.codePointLength / 2), map.codePointLength - 60].map((s) => createAnchor(big, s, s + 40, map));
    for (const a of spans) assert.equal(resolveAnchor(big, a, { map }).status, 'exact');
    const edited = `Update: ${big}`;
    const editedMap = new OffsetMap(edited);
    for (const a of spans) {
      const r = resolveAnchor(edited, a, { map: editedMap });
      // The quote occurs hundreds of thousands of times: moved to the right place, or orphaned — never elsewhere.
      if (r.status !== 'orphaned') assert.equal(r.start, a.start + 8, `${r.status} at ${r.start}`);
    }
    // An anchor whose text is gone is orphaned (the fuzzy search is bounded), not hung.
    assert.equal(resolveAnchor(big, { exact: 'a sentence that never occurs in this file', prefix: '', suffix: '', start: 10_000_000, end: 10_000_041 }, { map }).status, 'orphaned');
    // The store records a claim on it (hashing and offsets over the whole text).
    const fs = new FaultyFileSystem();
    await fs.put('/n/big.txt', 'x');
    const state = await new AnnotationStore(fs).update('/n/big.txt', (d) => void addClaimFromSpan(d, big, 85, 150, {}, undefined, map), { documentText: big });
    assert.equal(state.sidecar!.claims[0].anchor.exact, map.slice(85, 150));
    assert.ok(readFileSync(join(folder.dir, 'news', 'big.txt')).length > 20 * 1024 * 1024);
  });

  it("the extractor on a long single line of repeated sentences stays linear (no id collision rescans)", function () {
    this.timeout(20_000);
    const sentence = 'Council member Jane Roe said that the bridge would cost twice as much as planned. ';
    const text = sentence.repeat(2000);
    const { claims } = extractOrThrow(text);
    assert.equal(claims.length, 2000);
    assert.equal(new Set(claims.map((c) => c.id)).size, 2000, 'claim ids must be unique');
    assert.equal(claims[2].id, `${claims[0].id}-3`);
  });
});

describe('robustness: empty documents', () => {
  it('claimlens extract on an empty file prints an empty result, exit 0', async () => {
    const folder = tempFolder('empty');
    try {
      writeFileSync(join(folder.dir, 'empty.txt'), '');
      writeFileSync(join(folder.dir, 'blank.md'), '\uFEFF\n\n   \r\n');
      const run = await cli(['extract', '--json', 'empty.txt', 'blank.md'], folder.dir);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.stdout.trim().split('\n').map((l) => JSON.parse(l)), [
        { path: 'empty.txt', speakers: [], claims: [], stances: [] },
        { path: 'blank.md', speakers: [], claims: [], stances: [] },
      ]);
    } finally {
      folder.remove();
    }
  });

  it('annotating in an empty document is refused with what to do, and no sidecar is created', async () => {
    const fs = new FaultyFileSystem();
    await fs.put('/n/empty.txt', '');
    const store = new AnnotationStore(fs);
    await assert.rejects(store.update('/n/empty.txt', (d) => void addClaimFromSpan(d, '', 0, 1), { documentText: '' }),
      /cannot annotate characters 0–1: the document has 0; select some text and try again/);
    await assert.rejects(store.update('/n/empty.txt', (d) => void addClaimFromSpan(d, '  \n', 0, 2), { documentText: '  \n' }),
      /the selection is only white space: select the words of the claim/);
    assert.deepEqual(fs.memory.list(), ['/n/empty.txt']);
  });
});
