/**
 * Code point ↔ UTF-16 offsets of a text that keeps changing, without reading the whole text at
 * every change: the UTF-16 positions of its astral characters (surrogate pairs), carried through
 * each change. Most texts have none, and then the conversions are the identity.
 *
 * Reading a whole large text again is what an editor must not do at every keystroke (building a
 * 1 MB string costs milliseconds), so the text itself is only read once, when the map is made.
 */
import type { CodePointEdit, TextChange } from './edits';

export class CodePointOffsets {
  private constructor(
    /** UTF-16 offsets of the high surrogate of every astral character, ascending. */
    private readonly astral: readonly number[],
    readonly utf16Length: number,
  ) {}

  /**
   * The map of a text. Undefined when the text holds a lone surrogate (not valid Unicode text, so
   * not from a UTF-8 file; a change next to it could pair it with another one).
   */
  static of(text: string): CodePointOffsets | undefined {
    const astral: number[] = [];
    if (!scan(text, 0, astral)) return undefined;
    return new CodePointOffsets(astral, text.length);
  }

  get codePointLength(): number {
    return this.utf16Length - this.astral.length;
  }

  /** Whether the text has astral characters (when not, both offsets are the same). */
  get hasAstral(): boolean {
    return this.astral.length > 0;
  }

  /** Code-point offset → UTF-16 offset (clamped to the text). */
  toUtf16(codePoint: number): number {
    const cp = Math.max(0, Math.min(codePoint, this.codePointLength));
    const astral = this.astral;
    if (astral.length === 0) return cp;
    // The astral character k (0-based) sits at code point astral[k] - k.
    let lo = 0;
    let hi = astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (astral[mid]! - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** UTF-16 offset → code-point offset; an offset inside a pair counts the pair as passed. */
  toCodePoint(utf16: number): number {
    const u = Math.max(0, Math.min(utf16, this.utf16Length));
    const astral = this.astral;
    if (astral.length === 0) return u;
    let lo = 0;
    let hi = astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (astral[mid]! < u - 1) lo = mid + 1;
      else hi = mid;
    }
    return u - lo;
  }

  /**
   * The map after editor changes (in order, UTF-16, each against the text the previous ones left),
   * and the same changes as code-point edits. Undefined when a change does not fit the text (made
   * on another version), splits an astral character, or puts a lone surrogate at its edge: the
   * caller makes the map again from the new text.
   */
  apply(changes: readonly TextChange[]): { offsets: CodePointOffsets; edits: CodePointEdit[] } | undefined {
    let current: CodePointOffsets = this;
    const edits: CodePointEdit[] = [];
    for (const change of changes) {
      const start = change.rangeOffset;
      const end = change.rangeOffset + change.rangeLength;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > current.utf16Length || end < start) return undefined;
      const astral = current.astral;
      if (current.splits(start) || current.splits(end)) return undefined;
      const inserted: number[] = [];
      if (!scan(change.text, 0, inserted)) return undefined;
      edits.push({ start: current.toCodePoint(start), end: current.toCodePoint(end), inserted: change.text.length - inserted.length });
      const delta = change.text.length - (end - start);
      const before = lowerBound(astral, start);
      const after = lowerBound(astral, end);
      const next = [...astral.slice(0, before), ...inserted.map((p) => p + start), ...astral.slice(after).map((p) => p + delta)];
      current = new CodePointOffsets(next, current.utf16Length + delta);
    }
    return { offsets: current, edits };
  }

  /** Whether a UTF-16 offset falls between the two halves of an astral character. */
  private splits(at: number): boolean {
    const i = lowerBound(this.astral, at - 1);
    return i < this.astral.length && this.astral[i] === at - 1;
  }
}

/** Records astral characters of `text` (offsets + base) into `into`; false at a lone surrogate. */
function scan(text: string, base: number, into: number[]): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const d = text.charCodeAt(i + 1);
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      into.push(base + i);
      i++;
    } else {
      return false;
    }
  }
  return true;
}

/** First index of a sorted list whose value is >= x. */
function lowerBound(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
