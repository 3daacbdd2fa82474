/**
 * Which part of a text to analyse around a region of interest (what is on screen, what was just
 * edited): the region widened to whole paragraphs, then by more paragraphs up to a minimum size
 * (attribution needs context: "He added" two paragraphs after the name), never beyond a maximum
 * (the analysis of a window runs on the editor's thread and must stay short).
 *
 * Offsets here are UTF-16 (string indices): windows are cut from the string. Boundaries are, best
 * first: a paragraph start (after a blank line), a line start, a sentence start, a space; a window
 * never splits a surrogate pair.
 */

export interface WindowOptions {
  /** Grow the window by whole paragraphs until it is at least this long (when the text allows). */
  minLength: number;
  /** Never longer than this. */
  maxLength: number;
}

export interface TextWindow {
  start: number;
  end: number;
}

/** The window to analyse for the focus [focusStart, focusEnd) (UTF-16 offsets). */
export function selectWindow(text: string, focusStart: number, focusEnd: number, options: WindowOptions): TextWindow {
  const length = text.length;
  const maxLength = Math.max(1, options.maxLength);
  let from = clamp(Math.min(focusStart, focusEnd), 0, length);
  let to = clamp(Math.max(focusStart, focusEnd), 0, length);
  // A focus larger than the window: keep its beginning (the top of the screen, the start of a paste).
  if (to - from > maxLength) to = from + maxLength;
  const slack = maxLength - (to - from);
  let start = boundaryBefore(text, from, Math.max(0, from - Math.floor(slack / 2)));
  let end = boundaryAfter(text, to, Math.min(length, to + (maxLength - (to - start))));
  // The paragraphs around, one at a time on each side, until the window is long enough.
  const minLength = Math.min(options.minLength, maxLength);
  while (end - start < minLength) {
    let grew = false;
    if (start > 0) {
      const next = boundaryBefore(text, start - 1, Math.max(0, end - maxLength));
      if (next < start) { start = next; grew = true; }
    }
    if (end < length && end - start < minLength) {
      const next = boundaryAfter(text, afterBreak(text, end), Math.min(length, start + maxLength));
      if (next > end) { end = next; grew = true; }
    }
    if (!grew) break;
  }
  return { start: avoidSplit(text, start), end: avoidSplit(text, end) };
}

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/** Start of the line holding `pos` (after the previous \n or lone \r). */
function lineStart(text: string, pos: number): number {
  for (let i = pos - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) return i + 1;
  }
  return 0;
}

/** End of the line holding `pos` (the index of its line break, or the text's end). */
function lineEnd(text: string, pos: number): number {
  for (let i = pos; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
  }
  return text.length;
}

/**
 * The best boundary at or before `pos` and not before `limit`: the start of the paragraph holding
 * `pos`, else the farthest line start within reach, else a sentence start, a space, or `limit`.
 */
function boundaryBefore(text: string, pos: number, limit: number): number {
  let best = -1;
  let at = lineStart(text, pos);
  while (at >= limit) {
    best = at;
    if (at === 0) return 0;
    const previous = lineStart(text, at - 1);
    if (isBlank(text, previous, at)) return at;
    at = previous;
  }
  if (best >= 0) return best;
  // One line longer than the reach: cut between sentences, else between words, as far out as allowed.
  let space = -1;
  for (let i = Math.max(1, limit); i <= pos; i++) {
    const c = text.charCodeAt(i - 1);
    if (c !== 0x20 && c !== 0x09) continue;
    if (endsSentence(text, i - 1)) return i;
    if (space < 0) space = i;
  }
  return space >= 0 ? space : limit;
}

/** Whether the text just before `at` closes a sentence (`.`, `!` or `?`, maybe followed by closing quotes or brackets). */
function endsSentence(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && CLOSERS.has(text.charCodeAt(i))) i--;
  const c = i >= 0 ? text.charCodeAt(i) : 0;
  return c === 0x2e || c === 0x21 || c === 0x3f;
}

const CLOSERS = new Set(['"', "'", '\u201d', '\u2019', ')', ']'].map((c) => c.charCodeAt(0)));

/** The mirror of boundaryBefore: the end of the paragraph holding `pos`, else the farthest line end within reach, … */
function boundaryAfter(text: string, pos: number, limit: number): number {
  const length = text.length;
  if (pos >= length) return length;
  let best = -1;
  let at = lineEnd(text, pos);
  while (at <= limit) {
    best = at;
    if (at >= length) return length;
    const nextStart = afterBreak(text, at);
    const next = lineEnd(text, nextStart);
    if (isBlank(text, nextStart, next)) return at;
    at = next;
  }
  if (best >= 0) return best;
  let space = -1;
  for (let i = Math.min(limit, length - 1); i > pos; i--) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) continue;
    if (endsSentence(text, i)) return i;
    if (space < 0) space = i;
  }
  return space >= 0 ? space : limit;
}

/** The offset after the line break at `at` (\r\n counts as one). */
function afterBreak(text: string, at: number): number {
  return at + (text.charCodeAt(at) === 0x0d && text.charCodeAt(at + 1) === 0x0a ? 2 : 1);
}

/** Moves an offset that would split a surrogate pair to before the pair. */
function avoidSplit(text: string, at: number): number {
  if (at <= 0 || at >= text.length) return at;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff ? at - 1 : at;
}
