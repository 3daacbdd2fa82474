/**
 * Text decoding and offsets.
 *
 * Annotations count offsets in Unicode code points (as the W3C Web Annotation
 * model and brat do); JavaScript strings and VS Code positions count UTF-16 code
 * units. Everything that crosses that boundary goes through {@link OffsetMap}.
 */

export interface DecodedText {
  /** The text with a leading UTF-8 BOM removed. Line ends are kept as they are. */
  text: string;
  hadBom: boolean;
}

export class UndecodableTextError extends Error {
  constructor(readonly reason: 'binary' | 'invalid-utf8', readonly byteOffset: number, utf16 = false) {
    super(
      utf16
        ? 'is UTF-16 text, not UTF-8: save it as UTF-8 (in VS Code: Save with Encoding) and try again'
        : reason === 'binary'
          ? `looks like a binary file (NUL byte at byte ${byteOffset})`
          : `is not valid UTF-8 (bad byte sequence at byte ${byteOffset})`,
    );
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a document's bytes as UTF-8; throws {@link UndecodableTextError} for binary or invalid input. */
export function decodeText(bytes: Uint8Array): DecodedText {
  // Windows editors save "Unicode" as UTF-16 with a byte-order mark: say so rather than "binary".
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new UndecodableTextError('binary', 0, true);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UndecodableTextError('binary', nul);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new UndecodableTextError('invalid-utf8', firstInvalidUtf8Byte(bytes));
  }
  const hadBom = text.charCodeAt(0) === 0xfeff;
  return { text: hadBom ? text.slice(1) : text, hadBom };
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

export function encodeText(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Converts between code-point offsets and UTF-16 offsets of one text in
 * O(log n), and in O(1) for text without astral characters (the usual case).
 */
export class OffsetMap {
  /** UTF-16 offsets of the high surrogate of every astral character, ascending. */
  private readonly astral: number[] = [];
  readonly utf16Length: number;
  readonly codePointLength: number;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.astral.push(i);
          i++;
        }
      }
    }
    this.utf16Length = text.length;
    this.codePointLength = text.length - this.astral.length;
  }

  get isIdentity(): boolean {
    return this.astral.length === 0;
  }

  /** Code-point offset → UTF-16 offset (clamped to the text). */
  toUtf16(codePointOffset: number): number {
    const cp = Math.max(0, Math.min(codePointOffset, this.codePointLength));
    if (this.astral.length === 0) return cp;
    // The astral character k (0-based) sits at code point astral[k] - k.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid] - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** UTF-16 offset → code-point offset. An offset inside a surrogate pair counts the pair as passed. */
  toCodePoint(utf16Offset: number): number {
    const u = Math.max(0, Math.min(utf16Offset, this.utf16Length));
    if (this.astral.length === 0) return u;
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid] < u - 1) lo = mid + 1;
      else hi = mid;
    }
    // lo = astral pairs wholly before u. An offset that splits a pair (pair at u-1)
    // lands on the code point after it, which the same formula gives.
    return u - lo;
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** SHA-256 of the text as UTF-8, hex; the sidecar's record of the text last annotated. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encodeText(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
