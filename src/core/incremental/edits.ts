/**
 * Text edits in code points, and how offsets move through them.
 *
 * An editor reports a change as a UTF-16 range of the text before the change and the text put in
 * its place; several changes of one event apply one after the other (each one's offsets refer to
 * the text left by the previous ones). Extractions count code points, so the changes are turned
 * into {@link CodePointEdit}s first (CodePointOffsets.apply), and everything else works in code points.
 */
import type { Span } from '../extract/types';

/** One change as editors report it: UTF-16 offsets into the text before it. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** The code points [start, end) of the text before the edit were replaced by `inserted` code points. */
export interface CodePointEdit {
  start: number;
  end: number;
  inserted: number;
}

/**
 * A span of the text before the edit, in the text after it; undefined when the edit touches it
 * (replaces or inserts inside it: its words are no longer what the span was found on). Text
 * inserted right at a span's start or end leaves the span's own words as they were.
 */
export function mapSpan(start: number, end: number, edit: CodePointEdit): Span | undefined {
  if (end <= edit.start) return [start, end];
  if (start >= edit.end) {
    const delta = edit.inserted - (edit.end - edit.start);
    return [start + delta, end + delta];
  }
  return undefined;
}

/** mapSpan through several edits in order. */
export function mapSpanThrough(start: number, end: number, edits: readonly CodePointEdit[]): Span | undefined {
  let s = start;
  let e = end;
  for (const edit of edits) {
    const mapped = mapSpan(s, e, edit);
    if (!mapped) return undefined;
    [s, e] = mapped;
  }
  return [s, e];
}

/**
 * A span of the text before the edit stretched over the edit when they meet: for regions ("this
 * part was analysed", "this part changed") rather than for words. Never undefined.
 */
export function stretchSpan(start: number, end: number, edit: CodePointEdit): Span {
  const delta = edit.inserted - (edit.end - edit.start);
  const newEnd = edit.start + edit.inserted;
  if (end < edit.start) return [start, end];
  if (start > edit.end) return [start + delta, end + delta];
  return [Math.min(start, edit.start), end >= edit.end ? Math.max(end + delta, newEnd) : newEnd];
}

/**
 * The regions of the final text that edits changed (inserted text, or the point where text was
 * deleted), merged where they meet, in order. The surroundings of these regions are what must be
 * analysed again.
 */
export function changedRegions(edits: readonly CodePointEdit[]): Span[] {
  let regions: Span[] = [];
  for (const edit of edits) {
    const next: Span[] = [];
    let merged: Span = [edit.start, edit.start + edit.inserted];
    for (const [s, e] of regions) {
      if (e < edit.start || s > edit.end) {
        next.push(stretchSpan(s, e, edit));
      } else {
        const [ms, me] = stretchSpan(s, e, edit);
        merged = [Math.min(merged[0], ms), Math.max(merged[1], me)];
      }
    }
    next.push(merged);
    regions = mergeSpans(next);
  }
  return regions;
}

/** Sorted, with overlapping or touching spans merged. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The parts of [start, end) that none of `covered` (merged, sorted) covers. */
export function uncoveredParts(start: number, end: number, covered: readonly Span[]): Span[] {
  const out: Span[] = [];
  let at = start;
  for (const [s, e] of covered) {
    if (e <= at) continue;
    if (s >= end) break;
    if (s > at) out.push([at, s]);
    at = Math.max(at, e);
    if (at >= end) break;
  }
  if (at < end) out.push([at, end]);
  return out;
}
