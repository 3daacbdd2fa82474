/**
 * Saving one change to a large sidecar without rendering, checking or
 * encoding the whole file again.
 *
 * A {@link CanonicalSnapshot} is a proof about one file text: it is exactly
 * what {@link serializeSidecar} writes for the model parseSidecar reads from
 * it (the serializer's canonical text). It holds the text, its UTF-8 bytes
 * and, per entry, the parsed and checked block (parse.ts), the plain data the
 * block reads as, and where the entry stands in the text and the bytes.
 *
 * The proof is made block by block: a block is "proven" when its text is one
 * this process's serializer rendered (serialize.ts remembers its renderings
 * by text) from data written the same as what the block reads as. A layout of
 * proven blocks, in the order the serializer sorts into and joined exactly
 * the way it joins them, is the canonical text of the model read from it.
 *
 * For such a file serializeSidecar(draft, text) takes its canonical branch
 * and gives the draft's canonical text, header and entries rendered one by
 * one. {@link renderChange} builds that same text, keeping every entry whose
 * data is written the same as before (its bytes are copied from the old file
 * in long runs) and rendering only the others; the store then checks the
 * result with parseBlocks, which parses only the new blocks. What cannot be
 * decided this way (a keep-chomping block scalar, an entry that is not clean
 * on its own, a file that is not canonical or not rendered by this process)
 * is left to the general path: serializeSidecar and parseSidecar on the whole
 * text.
 */
import type { Sidecar } from './model';
import { blockNote, entryBlock, headerBlock, layoutOfModel, modelEntryOf, modelOfHeader, type ParsedSidecar, setBlockNote, type SidecarBlock, type SidecarLayout } from './parse';
import {
  entryIdentity, entryMatcher, entryOrder, entryPlain, headerPlain, modelIdentity, type PlainMap, type Rendered, renderedEntry, renderedHeader, renderedSame, renderingOfText,
  type SectionName, type SidecarEntry, sortedEntries,
} from './serialize';
import { encodeText } from '../text';
import type { VerdictScale } from './verdicts';

const SECTIONS: readonly SectionName[] = ['speakers', 'claims', 'stances'];

/** A block whose text is the serializer's rendering of what it reads as. */
interface ProvenPart {
  readonly block: SidecarBlock;
  /** What the block reads as, in the serializer's plain form (never modified). */
  readonly plain: PlainMap;
  /** The length of the block's text in UTF-8. */
  readonly byteLength: number;
  /** The entry's identity in its list (id; speaker and target for stances); '' for the header. */
  readonly identity: string;
}

interface SnapshotSection {
  readonly name: SectionName;
  readonly parts: readonly ProvenPart[];
  /** Where each entry starts in the text (UTF-16 units) and in the bytes (a sidecar is far below 2 GB). */
  readonly textStarts: Int32Array;
  readonly byteStarts: Int32Array;
}

/** A stretch of a snapshot's text held by one string that is not a join of others (see {@link Splice}). */
interface Segment {
  /** Where it starts in the text. */
  readonly at: number;
  readonly text: string;
}

export interface CanonicalSnapshot {
  readonly text: string;
  /** The text as consecutive segments, for cutting it without copying it (see {@link Splice}). */
  readonly segments: readonly Segment[];
  /** The text in UTF-8 (without a byte-order mark). */
  readonly bytes: Uint8Array;
  /** The header stands at the start. */
  readonly header: ProvenPart;
  /** The lists in file order (empty lists are not in the file). */
  readonly sections: readonly SnapshotSection[];
}

/**
 * The proof of a block as a part of a file (the header or an entry of a
 * list) under a verdict scale (a claim's default verdict comes from it): a
 * proven part, or undefined. Kept with the block (parse.ts's blockNote).
 */
function proven(part: Rendered['part'], block: SidecarBlock, scale: VerdictScale): ProvenPart | undefined {
  const known = blockNote(block, scale) as { part: Rendered['part']; proof: ProvenPart | null } | undefined;
  if (known?.part === part) return known.proof ?? undefined;
  // A text this process has not rendered (yet) may be rendered later: nothing is kept then.
  const rendered = renderingOfText(block.text);
  if (!rendered) return undefined;
  // What parseSidecar's model holds for the block, made anew (private: never handed out).
  const read = part === 'header' ? headerPlain(modelOfHeader(block)) : entryPlain(part, modelEntryOf(part, block, scale));
  const proof = read && rendered.part === part && !rendered.mayKeepChomp && rendered.text === block.text && renderedSame(part, rendered.plain, read)
    ? { block, plain: read, byteLength: rendered.byteLength, identity: part === 'header' ? '' : entryIdentity(part, read) }
    : null;
  setBlockNote(block, scale, { part, proof });
  return proof ?? undefined;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The snapshot of a file — `layout` its blocks (of parseSidecar's model, or
 * assembled by renderChange), `text` its text, `fileBytes` its bytes — when
 * the file is canonical and all its blocks are proven; else undefined.
 */
export function canonicalSnapshot(layout: SidecarLayout, text: string, fileBytes: Uint8Array, scale: VerdictScale): CanonicalSnapshot | undefined {
  if (!layout.asWritten) return undefined;
  const header = proven('header', layout.header, scale);
  if (!header) return undefined;
  const sections: { name: SectionName; parts: ProvenPart[] }[] = [];
  let rank = -1;
  for (const section of layout.sections) {
    // Lists stand in the serializer's order; an empty list is not written.
    const next = SECTIONS.indexOf(section.name);
    if (next <= rank || section.entries.length === 0) return undefined;
    rank = next;
    const order = entryOrder(section.name) as unknown as (a: PlainMap, b: PlainMap) => number;
    const parts: ProvenPart[] = new Array(section.entries.length);
    for (let i = 0; i < parts.length; i++) {
      const part = proven(section.name, section.entries[i], scale);
      if (!part) return undefined;
      // The plain form keeps the fields the serializer sorts by where the model has them;
      // a stable sort keeps a sorted list as it is.
      if (i > 0 && order(parts[i - 1].plain, part.plain) > 0) return undefined;
      parts[i] = part;
    }
    sections.push({ name: section.name, parts });
  }
  const bytes = startsWithBom(fileBytes) ? fileBytes.subarray(UTF8_BOM.length) : fileBytes;
  const placed = place(header, sections);
  if (placed.textLength !== text.length || placed.byteLength !== bytes.length) return undefined;
  // The text read from the file is one flat string.
  return { text, segments: [{ at: 0, text }], bytes, header, sections: placed.sections };
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

/** `\n<name>:\n` before a list's entries. */
function headLength(name: SectionName): number {
  return name.length + 3;
}
const SEPARATOR = '\n\n';
const TAIL = '\n';

/**
 * Where the parts of a canonical text stand: the header, then per list a
 * blank line, `name:`, the entries separated by blank lines, a line break
 * (the layout of serialize.ts's canonicalText). Separators are ASCII: as many
 * bytes as characters.
 */
function place(header: ProvenPart, sections: ReadonlyArray<{ name: SectionName; parts: readonly ProvenPart[] }>): { textLength: number; byteLength: number; sections: SnapshotSection[] } {
  let text = header.block.text.length;
  let byte = header.byteLength;
  const placed = sections.map(({ name, parts }) => {
    const textStarts = new Int32Array(parts.length);
    const byteStarts = new Int32Array(parts.length);
    text += headLength(name);
    byte += headLength(name);
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        text += SEPARATOR.length;
        byte += SEPARATOR.length;
      }
      textStarts[i] = text;
      byteStarts[i] = byte;
      text += parts[i].block.text.length;
      byte += parts[i].byteLength;
    }
    text += TAIL.length;
    byte += TAIL.length;
    return { name, parts, textStarts, byteStarts };
  });
  return { textLength: text, byteLength: byte, sections: placed };
}

/** Entries' positions by identity per list, made for a snapshot when an entry is not found in step. */
const positions = new WeakMap<SnapshotSection, Map<string, number>>();

function positionOf(section: SnapshotSection, identity: string): number {
  let byIdentity = positions.get(section);
  if (!byIdentity) {
    byIdentity = new Map(section.parts.map((part, i) => [part.identity, i]));
    positions.set(section, byIdentity);
  }
  return byIdentity.get(identity) ?? -1;
}

/** An entry of the new text: one the old file has (its index there; a number, so that keeping costs no object) or one rendered now. */
type NewEntry = number | Rendered;

function isKept(entry: NewEntry): entry is number {
  return typeof entry === 'number';
}

export interface RenderedChange {
  /** The new file text: exactly what serializeSidecar(draft, snapshot's text) gives. */
  readonly text: string;
  /** `text` as segments (see {@link CanonicalSnapshot.segments}). */
  readonly segments: readonly Segment[];
  /** `text` in UTF-8. */
  readonly bytes: Uint8Array;
  /** The new text as blocks, or undefined when a new part is not a clean block on its own (then parse `text` whole). */
  readonly layout?: SidecarLayout;
  /** How many parts (entries, header) were rendered now rather than kept. */
  readonly rendered: number;
  /** The snapshot the change was rendered against, and which of its parts the new text keeps. */
  readonly from: CanonicalSnapshot;
  /** Where the entry at `index` of a list stood in the old file (the snapshot's text), or -1 for an entry rendered now. */
  readonly keptFrom: (section: SectionName, index: number) => number;
  readonly header: NewEntry;
  readonly sections: ReadonlyArray<{ readonly name: SectionName; readonly entries: readonly NewEntry[] }>;
}

/**
 * The draft's canonical text, rendered against a snapshot of the file it was
 * made from: 'unchanged' when it is the snapshot's text; undefined when only
 * the whole-document path is exact (a keep-chomping block scalar, a line break
 * the serializer does not write as it is, a header that is not version and document).
 */
export function renderChange(draft: Sidecar, snapshot: CanonicalSnapshot): RenderedChange | 'unchanged' | undefined {
  const plain = headerPlain(draft);
  if (!plain) return undefined;
  let rendered = 0;
  let header: NewEntry = 0;
  if (!renderedSame('header', plain, snapshot.header.plain)) {
    const fresh = renderedHeader(plain);
    if (!usable(fresh)) return undefined;
    header = fresh;
    rendered++;
  }
  let unchanged = rendered === 0;
  const sections: { name: SectionName; entries: NewEntry[] }[] = [];
  for (const name of SECTIONS) {
    const list: readonly SidecarEntry[] = draft[name];
    const old = snapshot.sections.find((s) => s.name === name);
    if (list.length === 0) {
      if (old) unchanged = false;
      continue; // an empty list is not written
    }
    if (!old || old.parts.length !== list.length) unchanged = false;
    const sorted = sortedEntries<SidecarEntry>(name, list);
    const entries: NewEntry[] = new Array(sorted.length);
    const matches = entryMatcher(name);
    // The old entry of the same identity is looked for in step first: both lists are sorted alike.
    let step = 0;
    for (let i = 0; i < sorted.length; i++) {
      const identity = modelIdentity(name, sorted[i]);
      let j = -1;
      if (old) {
        j = old.parts[step]?.identity === identity ? step : old.parts[step + 1]?.identity === identity ? step + 1 : positionOf(old, identity);
        if (j >= 0) step = j + 1;
      }
      if (j >= 0 && matches(sorted[i], old!.parts[j].plain)) {
        entries[i] = j;
        if (j !== i) unchanged = false;
        continue;
      }
      const fresh = renderedEntry(name, entryPlain(name, sorted[i]));
      if (!usable(fresh)) return undefined;
      entries[i] = fresh;
      rendered++;
      unchanged = false;
    }
    sections.push({ name, entries });
  }
  if (unchanged) return 'unchanged';
  return assemble(snapshot, header, sections, rendered);
}

/** canonicalText renders the whole document instead when a part may keep-chomp or holds a CR. */
function usable(rendered: Rendered): boolean {
  return !rendered.mayKeepChomp && !rendered.text.includes('\r');
}

/** The new text, its bytes and its blocks. */
function assemble(old: CanonicalSnapshot, header: NewEntry, sections: ReadonlyArray<{ name: SectionName; entries: readonly NewEntry[] }>, rendered: number): RenderedChange {
  const splice = new Splice(old);
  if (isKept(header)) splice.keep(0, old.header.block.text.length, 0, old.header.byteLength);
  else splice.add(header.text, encodeText(header.text));
  for (const { name, entries } of sections) {
    const before = old.sections.find((s) => s.name === name);
    let previous = -2;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const j = isKept(entry) ? entry : -1;
      // The list's head (or the separator) and the entry, as they stood in the old file when they did.
      if (i === 0 && j === 0) splice.keepThrough(before!, before!.textStarts[0] - headLength(name), before!.byteStarts[0] - headLength(name), 0);
      else if (i > 0 && j > 0 && j === previous + 1) splice.keepThrough(before!, textEnd(before!, j - 1), byteEnd(before!, j - 1), j);
      else {
        splice.add(i === 0 ? `\n${name}:\n` : SEPARATOR);
        if (j >= 0) splice.keepThrough(before!, before!.textStarts[j], before!.byteStarts[j], j);
        else splice.add((entry as Rendered).text, encodeText((entry as Rendered).text));
      }
      previous = j;
    }
    const last = before ? before.parts.length - 1 : -1;
    if (previous >= 0 && previous === last) splice.keep(textEnd(before!, last), textEnd(before!, last) + TAIL.length, byteEnd(before!, last), byteEnd(before!, last) + TAIL.length);
    else splice.add(TAIL);
  }
  const byName = new Map(sections.map((s) => [s.name, s.entries]));
  const keptFrom = (section: SectionName, index: number) => {
    const entry = byName.get(section)?.[index];
    return entry !== undefined && isKept(entry) ? entry : -1;
  };
  const { text, segments } = splice.text();
  return { text, segments, bytes: splice.bytes(), layout: layoutOf(old, header, sections), rendered, from: old, keptFrom, header, sections };
}

/** Where old entry `j` of a list ends in the text and in the bytes. */
function textEnd(section: SnapshotSection, j: number): number {
  return section.textStarts[j] + section.parts[j].block.text.length;
}
function byteEnd(section: SnapshotSection, j: number): number {
  return section.byteStarts[j] + section.parts[j].byteLength;
}

/** More segments than this and the text is copied into one string: cutting it stays cheap. */
const MAX_SEGMENTS = 512;

/**
 * The new file as pieces: stretches of the old file (merged while they follow
 * each other there) and new pieces, so that a save of one changed entry
 * copies a few long runs of bytes instead of thousands of entries. The text is
 * joined from the same pieces, cut from the old text's segments: V8 joins and
 * cuts strings without copying them, except that cutting a string that is
 * itself a join copies all of it first; so the old text is never cut, only
 * its segments, which are not joins.
 */
class Splice {
  private readonly pieces: Array<{ textFrom: number; textTo: number; byteFrom: number; byteTo: number } | { text: string; bytes: Uint8Array }> = [];
  private byteLength = 0;

  constructor(private readonly old: CanonicalSnapshot) {}

  /** Keeps the old file from (textFrom, byteFrom) to the end of old entry `j` of `section`. */
  keepThrough(section: SnapshotSection, textFrom: number, byteFrom: number, j: number): void {
    this.keep(textFrom, textEnd(section, j), byteFrom, byteEnd(section, j));
  }

  keep(textFrom: number, textTo: number, byteFrom: number, byteTo: number): void {
    const last = this.pieces[this.pieces.length - 1];
    if (last && 'textTo' in last && last.textTo === textFrom && last.byteTo === byteFrom) {
      last.textTo = textTo;
      last.byteTo = byteTo;
    } else {
      this.pieces.push({ textFrom, textTo, byteFrom, byteTo });
    }
    this.byteLength += byteTo - byteFrom;
  }

  /** A new piece; `bytes` may be left out for ASCII. */
  add(text: string, bytes: Uint8Array = asciiBytes(text)): void {
    this.pieces.push({ text, bytes });
    this.byteLength += bytes.length;
  }

  bytes(): Uint8Array {
    const bytes = new Uint8Array(this.byteLength);
    let at = 0;
    for (const piece of this.pieces) {
      const from = 'textTo' in piece ? this.old.bytes.subarray(piece.byteFrom, piece.byteTo) : piece.bytes;
      bytes.set(from, at);
      at += from.length;
    }
    return bytes;
  }

  text(): { text: string; segments: Segment[] } {
    const old = this.old.segments;
    const segments: Segment[] = [];
    let text = '';
    const push = (piece: string) => {
      segments.push({ at: text.length, text: piece });
      text += piece;
    };
    for (const piece of this.pieces) {
      if (!('textTo' in piece)) {
        push(piece.text);
        continue;
      }
      // The old segments the stretch covers (found by halving), cut to it.
      let lo = 0;
      let hi = old.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (old[mid].at <= piece.textFrom) lo = mid;
        else hi = mid - 1;
      }
      for (let k = lo; k < old.length && old[k].at < piece.textTo; k++) {
        const { at, text: segment } = old[k];
        const from = Math.max(piece.textFrom, at) - at;
        const to = Math.min(piece.textTo, at + segment.length) - at;
        if (to > from) push(from === 0 && to === segment.length ? segment : segment.slice(from, to));
      }
    }
    if (segments.length <= MAX_SEGMENTS) return { text, segments };
    // Copied into one string: the join with a leading space is made flat before it is cut.
    const flat = (' ' + text).slice(1);
    return { text: flat, segments: [{ at: 0, text: flat }] };
  }
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The parts as checked blocks (made for the rendered ones now), or undefined when a rendered part is not a clean block. */
function layoutOf(old: CanonicalSnapshot, header: NewEntry, sections: ReadonlyArray<{ name: SectionName; entries: readonly NewEntry[] }>): SidecarLayout | undefined {
  const headerNow = isKept(header) ? old.header.block : headerBlock(header.text);
  if (!headerNow) return undefined;
  const blockSections: { name: SectionName; entries: SidecarBlock[] }[] = [];
  for (const { name, entries } of sections) {
    const before = old.sections.find((s) => s.name === name);
    const blocks: SidecarBlock[] = new Array(entries.length);
    for (let i = 0; i < blocks.length; i++) {
      const entry = entries[i];
      const block = isKept(entry) ? before!.parts[entry].block : entryBlock(entry.text);
      if (!block) return undefined;
      blocks[i] = block;
    }
    blockSections.push({ name, entries: blocks });
  }
  // Joined the way the serializer joins its parts (see assemble).
  return { header: headerNow, sections: blockSections, asWritten: true };
}

/**
 * The snapshot of a text the store assembled with {@link renderChange} and
 * read back with parseBlocks into `parsed`: kept parts are proven already, the
 * rendered ones are proven now (their text must be what the serializer
 * writes for what they read as), and the lists must be in the order the
 * serializer sorts into.
 */
export function snapshotAfterWrite(change: RenderedChange, parsed: ParsedSidecar, scale: VerdictScale): CanonicalSnapshot | undefined {
  const layout = change.layout;
  if (!layout || !parsed.sidecar || layoutOfModel(parsed.sidecar) !== layout) return undefined;
  const old = change.from;
  const header = isKept(change.header) ? old.header : proven('header', layout.header, scale);
  if (!header) return undefined;
  const sections: { name: SectionName; parts: ProvenPart[] }[] = [];
  for (let k = 0; k < change.sections.length; k++) {
    const { name, entries } = change.sections[k];
    const before = old.sections.find((s) => s.name === name);
    const blocks = layout.sections[k].entries;
    const order = entryOrder(name) as unknown as (a: PlainMap, b: PlainMap) => number;
    const parts: ProvenPart[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const part = isKept(entry) ? before!.parts[entry] : proven(name, blocks[i], scale);
      if (!part || (i > 0 && order(parts[i - 1].plain, part.plain) > 0)) return undefined;
      parts[i] = part;
    }
    sections.push({ name, parts });
  }
  const placed = place(header, sections);
  if (placed.textLength !== change.text.length || placed.byteLength !== change.bytes.length) return undefined;
  return { text: change.text, segments: change.segments, bytes: change.bytes, header, sections: placed.sections };
}
