/**
 * The extraction of a document that is open in an editor, kept usable at every keystroke.
 *
 * The whole-document analysis (speaker clustering and quote continuation look at the whole text)
 * takes seconds on a large document, so it runs elsewhere (a worker thread) and stays the source
 * of truth. Meanwhile:
 * - before it first arrives, the part on screen is analysed on its own ({@link coverFocus}): a
 *   provisional extraction of a few paragraphs, grown as the reader scrolls;
 * - after an edit, the last extraction is carried through the edit and the paragraphs around the
 *   edit are analysed again ({@link applyEdit}), in milliseconds;
 * - a whole-document analysis that arrives after further edits is carried through them the same
 *   way ({@link rebase}) instead of being thrown away.
 *
 * Everything here is a pure function of its inputs; the window analysis is passed in. Each update
 * also says where its items may differ from the previous extraction carried through the edits
 * (`regions`), so that what shows them can update those regions alone.
 */
import type { DocumentExtraction, Span } from '../extract/types';
import { changedRegions, mergeSpans, stretchSpan, uncoveredParts, type CodePointEdit, type TextChange } from './edits';
import { applyPatch, itemsIn, planPatch, type Patch, type PlacedWindow, type WindowExtraction } from './extraction';
import { CodePointOffsets } from './offsets';
import { selectWindow, type WindowOptions } from './window';

/** Analyses one window of text (offsets relative to it, code points). */
export type WindowAnalyzer = (text: string) => WindowExtraction;

/**
 * Read access to a text by UTF-16 offsets (a string is one). An editor's document gives pieces of
 * its text without making the whole of it into one string, which a large document makes slow.
 */
export interface TextReader {
  readonly length: number;
  slice(start: number, end: number): string;
}

/**
 * An open document's extraction as it stands. After an edit it is only planned (what to drop,
 * what to add: cheap); the extraction itself is built the first time it is read, which can wait
 * for a moment when the editor is idle (`built`), while `itemsIn` already gives the items of the
 * regions that changed.
 */
export class LiveExtraction {
  private made: DocumentExtraction | undefined;
  private pending: { base: LiveExtraction; patch: Patch } | undefined;

  constructor(
    source: DocumentExtraction | { base: LiveExtraction; patch: Patch },
    /** True: a whole-document analysis of exactly this text. False: provisional. */
    readonly complete: boolean,
    /** Code-point spans of the text analysed so far, sorted and merged (the whole text when complete). */
    readonly covered: readonly Span[],
    /** Code point ↔ UTF-16 offsets of the text. */
    readonly offsets: CodePointOffsets,
  ) {
    if ('patch' in source) this.pending = source;
    else this.made = source;
  }

  get extraction(): DocumentExtraction {
    if (!this.made) {
      const { base, patch } = this.pending!;
      this.made = applyPatch(base.extraction, patch);
      this.pending = undefined;
    }
    return this.made;
  }

  /** Whether the extraction is built (reading it costs nothing). */
  get built(): boolean {
    return this.made !== undefined;
  }

  /** The claims and mentions whose start is in `ranges` (code points, closed), without building the whole extraction. */
  itemsIn(ranges: readonly Span[]): DocumentExtraction {
    if (this.made) return itemsIn(this.made, NO_CHANGE, ranges);
    return itemsIn(this.pending!.base.extraction, this.pending!.patch, ranges);
  }

  /**
   * The next extraction (not built): this one through `edits`, with `windows` spliced in. When
   * this one is not built either, the patches add up on the last built extraction, so that a burst
   * of edits never builds the whole extraction in between.
   */
  next(edits: readonly CodePointEdit[], windows: readonly PlacedWindow[]): { base: LiveExtraction; patch: Patch } {
    if (this.made) return { base: this, patch: planPatch(this.made, edits, windows) };
    const { base, patch } = this.pending!;
    return { base, patch: planPatch(base.extraction, edits, windows, patch) };
  }
}

/** A new live extraction, and the regions (code points) where its items may differ from the last one's, carried through the edits. */
export interface LiveUpdate {
  live: LiveExtraction;
  /** The edits from the last text to this one (none when only more of the same text was analysed). */
  edits: CodePointEdit[];
  regions: Span[];
}

export interface IncrementalOptions {
  /** The window analysed around what is on screen. */
  viewport: WindowOptions;
  /** The window analysed around an edit. */
  edit: WindowOptions;
  /** A rebase that would analyse more than this much text (UTF-16 units) gives up. */
  maxRebaseLength: number;
  /** An edit changing more than this much text (UTF-16 units, removed + inserted) is not patched: start over. */
  maxEditLength: number;
}

export const DEFAULT_INCREMENTAL_OPTIONS: IncrementalOptions = {
  viewport: { minLength: 2_000, maxLength: 10_000 },
  edit: { minLength: 800, maxLength: 3_000 },
  maxRebaseLength: 24_000,
  maxEditLength: 16_000,
};

const EMPTY: DocumentExtraction = { speakers: [], claims: [], stances: [] };
const NO_CHANGE: Patch = { edits: [], claims: [], mentions: new Map(), speakers: [], dropped: [] };

/** The offsets of a text; a text with a lone surrogate (not from any UTF-8 file) is read as if its surrogates were letters. */
export function offsetsOf(text: string): CodePointOffsets {
  return CodePointOffsets.of(text) ?? CodePointOffsets.of(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))!;
}

const whole = (offsets: CodePointOffsets): Span[] => (offsets.codePointLength > 0 ? [[0, offsets.codePointLength]] : []);

/** A whole-document analysis of `text`. */
export function completeExtraction(text: string, extraction: DocumentExtraction, offsets = offsetsOf(text)): LiveExtraction {
  return new LiveExtraction(extraction, true, whole(offsets), offsets);
}

/** Nothing analysed yet. */
export function emptyExtraction(text: string, offsets = offsetsOf(text)): LiveExtraction {
  return new LiveExtraction(EMPTY, false, [], offsets);
}

/**
 * Analyses what of `focus` (UTF-16 spans of the text, e.g. the lines on screen) has not been
 * analysed yet, with the paragraphs around it. Undefined when everything in focus is covered.
 */
export function coverFocus(live: LiveExtraction, text: TextReader, focus: readonly Span[], analyze: WindowAnalyzer, options: IncrementalOptions = DEFAULT_INCREMENTAL_OPTIONS): LiveUpdate | undefined {
  if (live.complete || focus.length === 0) return undefined;
  const offsets = live.offsets;
  const wanted: Span[] = [];
  for (const [s, e] of mergeSpans(focus)) {
    wanted.push(...uncoveredParts(offsets.toCodePoint(s), Math.max(offsets.toCodePoint(e), offsets.toCodePoint(s) + 1), live.covered));
  }
  const inText = wanted.filter(([s]) => s < offsets.codePointLength);
  if (inText.length === 0) return undefined;
  const { windows, placed } = analyzeAround(text, offsets, inText, options.viewport, analyze, Infinity)!;
  return {
    live: new LiveExtraction(live.next([], placed), false, mergeSpans([...live.covered, ...windows]), offsets),
    edits: [],
    regions: windows,
  };
}

/**
 * `live` after an editor's changes (in order, UTF-16, each against the text the previous ones
 * left) that made `text`: carried through the edits, with the paragraphs around them analysed
 * again. Only the text around the edits is read. Undefined when the changes do not fit (made on
 * another text, or `text` is not what they make) or change too much text to patch: start over.
 */
export function applyEdit(
  live: LiveExtraction, changes: readonly TextChange[], text: TextReader, analyze: WindowAnalyzer,
  options: IncrementalOptions = DEFAULT_INCREMENTAL_OPTIONS,
): LiveUpdate | undefined {
  let changed = 0;
  for (const c of changes) changed += c.rangeLength + c.text.length;
  if (changed > options.maxEditLength) return undefined;
  const applied = live.offsets.apply(changes);
  if (!applied || applied.offsets.utf16Length !== text.length) return undefined;
  const offsets = applied.offsets;
  let covered: Span[] = [...live.covered];
  for (const edit of applied.edits) covered = mergeSpans(covered.map(([s, e]) => stretchSpan(s, e, edit)));
  const regions = changedRegions(applied.edits);
  const { windows, placed } = analyzeAround(text, offsets, regions, options.edit, analyze, Infinity)!;
  const next = live.next(applied.edits, placed);
  return {
    live: new LiveExtraction(next, false, mergeSpans([...covered, ...windows]), offsets),
    edits: applied.edits,
    regions: mergeSpans([...regions, ...windows, ...next.patch.dropped]),
  };
}

/**
 * A whole-document analysis of an older text (`full`) brought to the current text (`text`,
 * `offsets`) through the edits made since (`edits`, in order): carried through them, the
 * paragraphs around every edit analysed again. Undefined when that would analyse more than
 * options.maxRebaseLength (edits all over the document): better wait for the next one.
 */
export function rebase(
  full: LiveExtraction, edits: readonly CodePointEdit[], text: TextReader, offsets: CodePointOffsets, analyze: WindowAnalyzer,
  options: IncrementalOptions = DEFAULT_INCREMENTAL_OPTIONS,
): LiveExtraction | undefined {
  if (edits.length === 0) return full;
  const around = analyzeAround(text, offsets, changedRegions(edits), options.edit, analyze, options.maxRebaseLength);
  if (!around) return undefined;
  return new LiveExtraction(full.next(edits, around.placed), false, whole(offsets), offsets);
}

/**
 * Analyses the windows around `regions` (code points): their code-point spans and extractions.
 * Undefined when the windows together exceed `budget` (UTF-16 units).
 */
function analyzeAround(
  text: TextReader, offsets: CodePointOffsets, regions: readonly Span[], window: WindowOptions, analyze: WindowAnalyzer, budget: number,
): { windows: Span[]; placed: PlacedWindow[] } | undefined {
  const utf16 = mergeSpans(regions.map(([s, e]) => {
    const from = offsets.toUtf16(s);
    const to = offsets.toUtf16(e);
    // Only the text within reach of the window is read.
    const chunkStart = Math.max(0, Math.min(from, to) - window.maxLength - 2);
    const chunkEnd = Math.min(text.length, Math.max(from, to) + window.maxLength + 2);
    const w = selectWindow(text.slice(chunkStart, chunkEnd), from - chunkStart, to - chunkStart, window);
    return [w.start + chunkStart, w.end + chunkStart] as Span;
  }));
  let total = 0;
  for (const [s, e] of utf16) total += e - s;
  if (total > budget) return undefined;
  const windows: Span[] = [];
  const placed: PlacedWindow[] = [];
  for (const [s, e] of utf16) {
    if (e <= s) continue;
    const start = offsets.toCodePoint(s);
    placed.push({ start, extraction: analyze(text.slice(s, e)) });
    windows.push([start, offsets.toCodePoint(e)]);
  }
  return { windows, placed };
}
