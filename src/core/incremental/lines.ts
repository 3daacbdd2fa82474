/**
 * Line and column of UTF-16 offsets, as editors count them: lines end at \r\n, \n or \r, columns
 * count UTF-16 units, an offset between \r and \n is at the end of its line.
 *
 * Built once per text (one pass), then each lookup is a binary search: turning the 20,000 spans of
 * a large document into editor ranges takes milliseconds this way.
 */
export class LineIndex {
  /** UTF-16 offset where each line starts. */
  private readonly starts: number[] = [0];
  /** UTF-16 offset where each line's content ends (its line break, or the end of the text). */
  private readonly ends: number[] = [];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.ends.push(i);
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      this.starts.push(i + 1);
    }
    this.ends.push(text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Line and column (0-based) of a UTF-16 offset, clamped to the text. */
  position(offset: number): { line: number; character: number } {
    const at = Math.max(0, Math.min(offset, this.ends[this.ends.length - 1]));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(at, this.ends[lo]) - this.starts[lo] };
  }
}
