import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decodeText, OffsetMap, UndecodableTextError, sha256Hex, encodeText } from '../../../src/core/text';
import { baseName, dirName, documentLocationFor, sidecarLocationFor } from '../../../src/core/fs';

describe('text decoding', () => {
  it('strips a UTF-8 BOM and reports it', () => {
    const decoded = decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x48, 0x69]));
    assert.equal(decoded.text, 'Hi');
    assert.equal(decoded.hadBom, true);
  });

  it('refuses binary files, naming the byte', () => {
    assert.throws(() => decodeText(new Uint8Array([0x41, 0x00, 0x42])), (e: unknown) =>
      e instanceof UndecodableTextError && e.reason === 'binary' && e.byteOffset === 1);
  });

  it('refuses invalid UTF-8, naming the first bad byte', () => {
    assert.throws(() => decodeText(new Uint8Array([0x41, 0x42, 0xc3, 0x28])), (e: unknown) =>
      e instanceof UndecodableTextError && e.reason === 'invalid-utf8' && e.byteOffset === 2);
  });

  it('keeps CRLF line ends as they are', () => {
    assert.equal(decodeText(encodeText('a\r\nb')).text, 'a\r\nb');
  });

  it('hashes text as UTF-8 SHA-256', async () => {
    assert.equal(await sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('OffsetMap (code points ↔ UTF-16)', () => {
  it('is the identity for text without astral characters', () => {
    const map = new OffsetMap('Élysée — “quote”');
    assert.equal(map.isIdentity, true);
    assert.equal(map.toUtf16(5), 5);
    assert.equal(map.toCodePoint(5), 5);
  });

  it('counts an emoji as one code point and two UTF-16 units', () => {
    const text = 'a😀b𝒳c';
    const map = new OffsetMap(text);
    assert.equal(map.codePointLength, 5);
    assert.equal(map.toUtf16(2), 3); // 'b'
    assert.equal(map.toUtf16(4), 6); // 'c'
    assert.equal(map.toCodePoint(6), 4);
    assert.equal(map.slice(1, 4), '😀b𝒳');
  });

  it('round-trips every code-point offset (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const map = new OffsetMap(text);
        const codePoints = Array.from(text);
        assert.equal(map.codePointLength, codePoints.length);
        for (let cp = 0; cp <= codePoints.length; cp++) {
          const u = map.toUtf16(cp);
          assert.equal(u, codePoints.slice(0, cp).join('').length);
          assert.equal(map.toCodePoint(u), cp);
        }
      }),
    );
  });
});

describe('sidecar locations', () => {
  it('puts the sidecar beside the document, for paths and URIs', () => {
    assert.equal(sidecarLocationFor('/w/seeds/a.txt'), '/w/seeds/a.txt.annotations.yaml');
    assert.equal(documentLocationFor('file:///w/a.txt.annotations.yaml'), 'file:///w/a.txt');
    assert.equal(documentLocationFor('/w/a.txt'), undefined);
    assert.equal(baseName('file:///w/seeds/a.txt'), 'a.txt');
    assert.equal(dirName('/w/seeds/a.txt'), '/w/seeds');
  });
});
