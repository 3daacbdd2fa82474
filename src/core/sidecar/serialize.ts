/**
 * Writing a sidecar: deterministic, diff-friendly YAML.
 *
 * Layout (documented in the README's format section):
 * - keys in a fixed order (see the `*_ORDER` lists below); empty optional
 *   fields are left out; a null `speaker` is left out;
 * - speakers sorted by id, claims by anchor position (start, end, then id),
 *   stances by speaker then target — so the order never depends on the order
 *   in which people worked, and changing a claim's speaker or verdict never
 *   moves other entries;
 * - block style, two-space indent, LF line ends, final newline, a blank line
 *   between entries of the three lists so that Git hunks stay separate;
 * - no line folding (`lineWidth: 0`): a long quote stays on one line, so a
 *   changed word shows as one changed line instead of a re-flowed paragraph;
 *   quote context containing line breaks is written double-quoted with `\n`
 *   (and `\r` for CRLF documents) so it survives byte for byte.
 *
 * With the previous text of the file, the existing YAML document is updated in
 * place (yaml's Document API): nodes whose value did not change are kept as
 * they are, with their comments and style; unknown keys written by hand stay
 * where they are; entries are matched by id, not by position. Saving a model
 * that equals what the file holds returns the previous text unchanged.
 */
import { Document, isMap, isScalar, isSeq, type Node, parseDocument, Scalar, type ToStringOptions, YAMLMap, YAMLSeq, Pair } from 'yaml';
import type { Claim, Sidecar, SourceLink, Speaker, Stance } from './model';
import { TwoGenerationCache } from './cache';
import { copyData, utf8Length } from './data';
import { parseSidecar } from './parse';

export const TO_STRING_OPTIONS: ToStringOptions = {
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
  indentSeq: true,
  nullStr: 'null',
};

const ROOT_ORDER = ['version', 'document', 'speakers', 'claims', 'stances'];
const DOCUMENT_ORDER = ['name', 'sha256'];
const SPEAKER_ORDER = ['id', 'name', 'kind', 'role', 'aliases', 'note'];
const CLAIM_ORDER = ['id', 'speaker', 'kind', 'status', 'verdict', 'anchor', 'rationale', 'note', 'sources', 'tags', 'author', 'updated'];
const ANCHOR_ORDER = ['exact', 'start', 'end', 'prefix', 'suffix'];
const SOURCE_ORDER = ['url', 'title'];
const STANCE_ORDER = ['speaker', 'target', 'polarity', 'claims', 'summary', 'author', 'updated'];

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };
export type PlainMap = { [key: string]: Plain };

/** How one part of the file is matched and ordered when updating an existing document. */
export type Shape =
  | { type: 'scalar'; forceQuoted?: boolean }
  | { type: 'scalars' }
  | { type: 'map'; order: string[]; fields: Record<string, Shape>; defaults?: Record<string, Plain> }
  | { type: 'list'; item: Extract<Shape, { type: 'map' }>; identity: (item: PlainMap) => string; spaced: boolean };

const text: Shape = { type: 'scalar' };
const quoteText: Shape = { type: 'scalar', forceQuoted: true };
const SOURCE_SHAPE: Extract<Shape, { type: 'map' }> = { type: 'map', order: SOURCE_ORDER, fields: { url: text, title: text } };
const ANCHOR_SHAPE: Extract<Shape, { type: 'map' }> = {
  type: 'map', order: ANCHOR_ORDER,
  fields: { exact: quoteText, prefix: quoteText, suffix: quoteText, start: text, end: text },
};
const SPEAKER_SHAPE: Extract<Shape, { type: 'map' }> = {
  type: 'map', order: SPEAKER_ORDER, defaults: { kind: 'person' },
  fields: { id: text, name: text, kind: text, role: text, aliases: { type: 'scalars' }, note: text },
};
const CLAIM_SHAPE: Extract<Shape, { type: 'map' }> = {
  type: 'map', order: CLAIM_ORDER, defaults: { kind: 'direct', status: 'accepted', verdict: 'unverified' },
  fields: {
    id: text, speaker: text, kind: text, status: text, verdict: text, anchor: ANCHOR_SHAPE, rationale: text, note: text,
    sources: { type: 'list', item: SOURCE_SHAPE, identity: (s) => String(s.url), spaced: false },
    tags: { type: 'scalars' }, author: text, updated: text,
  },
};
const STANCE_SHAPE: Extract<Shape, { type: 'map' }> = {
  type: 'map', order: STANCE_ORDER,
  fields: { speaker: text, target: text, polarity: text, claims: { type: 'scalars' }, summary: text, author: text, updated: text },
};
const ROOT_SHAPE: Extract<Shape, { type: 'map' }> = {
  type: 'map', order: ROOT_ORDER,
  fields: {
    version: text,
    document: { type: 'map', order: DOCUMENT_ORDER, fields: { name: text, sha256: text } },
    speakers: { type: 'list', item: SPEAKER_SHAPE, identity: (s) => String(s.id), spaced: true },
    claims: { type: 'list', item: CLAIM_SHAPE, identity: (c) => String(c.id), spaced: true },
    stances: { type: 'list', item: STANCE_SHAPE, identity: (s) => `${s.speaker}\u0000${s.target}`, spaced: true },
  },
};

export class UnwritableSidecarError extends Error {}

/**
 * The YAML text for a sidecar. With `previousYamlText` (the file as it is on
 * disk), comments, unknown keys and untouched entries keep their exact text.
 * Throws {@link UnwritableSidecarError} when the previous text cannot be
 * parsed: rewriting it would lose what a person wrote.
 */
export function serializeSidecar(sidecar: Sidecar, previousYamlText?: string): string {
  const plain = toPlain(sidecar);
  if (previousYamlText === undefined || previousYamlText.trim() === '') return canonicalText(plain);

  const previous = parseSidecar(previousYamlText, 'previous');
  if (!previous.sidecar || !previous.writable) {
    const first = previous.diagnostics.find((d) => d.severity === 'error');
    throw new UnwritableSidecarError(
      `the file has errors${first ? ` (line ${first.line}: ${first.message})` : ''}; it is not rewritten so that nothing in it is lost`);
  }
  // A file that is exactly what this serializer writes for its own content
  // holds no comments, unknown keys or hand layout for the Document API to
  // keep; updating it in place gives the same bytes as writing the new
  // content afresh (asserted by the serializer tests), and the fresh text
  // comes from the per-entry cache, so a one-claim change renders one claim.
  // Except after a keep-chomping block scalar (`|+`): it swallows the blank line before the next
  // entry, which an in-place update keeps and a fresh rendering does not.
  const previousPlain = toPlain(previous.sidecar);
  if (!KEEP_CHOMP_HEADER.test(previousYamlText) && canonicalText(previousPlain) === previousYamlText) return canonicalText(plain);
  if (JSON.stringify(previousPlain) === JSON.stringify(plain)) return previousYamlText;
  return updatedInPlace(plain, previousYamlText);
}

/** The Document-API path: the previous file updated node by node (also used by tests as the reference). */
export function updatedInPlace(plain: PlainMap, previousYamlText: string): string {
  const source = previousYamlText.charCodeAt(0) === 0xfeff ? previousYamlText.slice(1) : previousYamlText;
  const doc = parseDocument(source, { keepSourceTokens: false });
  const root = doc.contents;
  if (!isMap(root)) return freshText(plain);
  syncMap(doc, root, plain, ROOT_SHAPE);
  return finish(doc.toString({ ...TO_STRING_OPTIONS, ...layoutOf(source) }));
}

/**
 * The indentation habits of a hand-written file, so that saving it does not
 * re-indent every line: yaml re-renders the whole document, and would
 * otherwise impose its own indent width and sequence style.
 */
export function layoutOf(yamlText: string): Pick<ToStringOptions, 'indent' | 'indentSeq' | 'flowCollectionPadding'> {
  const layout: Pick<ToStringOptions, 'indent' | 'indentSeq' | 'flowCollectionPadding'> = {};
  const nested = /^([^\s#-][^\n]*):[ \t]*\r?\n( +)[^\s-]/m.exec(yamlText);
  if (nested && nested[2].length >= 2 && nested[2].length <= 8) layout.indent = nested[2].length;
  const sequence = /^( *)[^\s#-][^\n]*:[ \t]*\r?\n( *)- /m.exec(yamlText);
  if (sequence) layout.indentSeq = sequence[2].length > sequence[1].length;
  if (/[{[] \S/.test(yamlText)) layout.flowCollectionPadding = true;
  else if (/[{[][^\s}\]]/.test(yamlText)) layout.flowCollectionPadding = false;
  return layout;
}

/** The sidecar as the plain object the file shows: fixed key order, canonical entry order, empties left out. */
export function toPlain(sidecar: Sidecar): PlainMap {
  const speakers = sortedEntries('speakers', sidecar.speakers).map(speakerPlain);
  const claims = sortedEntries('claims', sidecar.claims).map(claimPlain);
  const stances = sortedEntries('stances', sidecar.stances).map(stancePlain);
  return ordered(ROOT_ORDER, {
    ...headerPlainParts(sidecar),
    speakers: speakers.length ? speakers : undefined,
    claims: claims.length ? claims : undefined,
    stances: stances.length ? stances : undefined,
  });
}

export type SectionName = (typeof SECTIONS)[number];
/** An entry of one of the three lists. */
export type SidecarEntry = Speaker | Claim | Stance;

/** A copy of one list in file order (see the module comment). */
export function sortedEntries<E extends SidecarEntry>(section: SectionName, entries: readonly E[]): E[] {
  return [...entries].sort(entryOrder(section));
}

/** The comparison {@link toPlain} sorts a list by. */
export function entryOrder(section: SectionName): (a: SidecarEntry, b: SidecarEntry) => number {
  return (section === 'speakers' ? compareSpeakers : section === 'claims' ? compareClaims : compareStances) as (a: SidecarEntry, b: SidecarEntry) => number;
}

function compareSpeakers(a: Speaker, b: Speaker): number {
  return compare(a.id, b.id);
}
function compareStances(a: Stance, b: Stance): number {
  return compare(a.speaker, b.speaker) || compare(a.target, b.target);
}

/** One entry as {@link toPlain} writes it. */
export function entryPlain(section: SectionName, entry: SidecarEntry): PlainMap {
  return section === 'speakers' ? speakerPlain(entry as Speaker) : section === 'claims' ? claimPlain(entry as Claim) : stancePlain(entry as Stance);
}

/** The file's header (version and document) as {@link toPlain} writes it; undefined when it is not the usual two keys. */
export function headerPlain(sidecar: Sidecar): PlainMap | undefined {
  const header = ordered(ROOT_ORDER, headerPlainParts(sidecar));
  const keys = Object.keys(header);
  return keys.length === 2 && keys[0] === 'version' && keys[1] === 'document' ? header : undefined;
}

function headerPlainParts(sidecar: Sidecar): Record<string, Plain | undefined> {
  return {
    version: sidecar.version,
    document: ordered(DOCUMENT_ORDER, { name: sidecar.document.name, sha256: sidecar.document.sha256 || undefined }),
  };
}

/** What identifies an entry of a list across versions of the file (the key updates match entries by). */
export function entryIdentity(section: SectionName, plain: PlainMap): string {
  const shape = ROOT_SHAPE.fields[section];
  return shape.type === 'list' ? shape.identity(plain) : '';
}

/**
 * Whether two plain values of one part of the file (`part` 'header' or a
 * list's name) are written the same: what {@link createNode} reads of them is
 * equal (keys it does not read do not matter). A save runs this on every entry
 * of the file, so each part has its own comparison written out field by field;
 * {@link shapeEqual} is the general definition they follow (the tests hold
 * them to it).
 */
export function renderedSame(part: SectionName | 'header', a: PlainMap, b: PlainMap): boolean {
  switch (part) {
    case 'claims': return sameClaim(a, b);
    case 'speakers': return sameSpeaker(a, b);
    case 'stances': return sameStance(a, b);
    default: return sameHeader(a, b);
  }
}

type Fields = { [key: string]: Plain | undefined };

function sameClaim(a: Fields, b: Fields): boolean {
  return a === b || (a.id === b.id && a.verdict === b.verdict && a.status === b.status && a.kind === b.kind && a.speaker === b.speaker &&
    a.updated === b.updated && a.author === b.author && a.rationale === b.rationale && a.note === b.note &&
    sameAnchor(a.anchor, b.anchor) && sameList(a.sources, b.sources, sameSource) && sameScalars(a.tags, b.tags));
}

function sameAnchor(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (!isPlainMap(a) || !isPlainMap(b)) return false;
  return a.exact === b.exact && a.start === b.start && a.end === b.end && a.prefix === b.prefix && a.suffix === b.suffix;
}

function sameSource(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (!isPlainMap(a) || !isPlainMap(b)) return false;
  return a.url === b.url && a.title === b.title;
}

function sameSpeaker(a: Fields, b: Fields): boolean {
  return a === b || (a.id === b.id && a.name === b.name && a.kind === b.kind && a.role === b.role && a.note === b.note && sameScalars(a.aliases, b.aliases));
}

function sameStance(a: Fields, b: Fields): boolean {
  return a === b || (a.speaker === b.speaker && a.target === b.target && a.polarity === b.polarity && a.summary === b.summary &&
    a.author === b.author && a.updated === b.updated && sameScalars(a.claims, b.claims));
}

function sameHeader(a: Fields, b: Fields): boolean {
  if (a.version !== b.version) return false;
  const da = a.document;
  const db = b.document;
  if (da !== db && (!isPlainMap(da) || !isPlainMap(db) || da.name !== db.name || da.sha256 !== db.sha256)) return false;
  // The header's rendering reads the lists too: a header plain has none.
  for (const section of SECTIONS) if (a[section] !== undefined || b[section] !== undefined) return false;
  return true;
}

function sameScalars(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameList(a: Plain | undefined, b: Plain | undefined, same: (x: Plain | undefined, y: Plain | undefined) => boolean): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
  return true;
}

/**
 * Whether a model entry is written as `plain` is: renderedSame(section,
 * plain, entryPlain(section, entry)) without making the entry's plain form
 * (a save asks this of every entry of the file). Mirrors speakerPlain,
 * claimPlain and stancePlain field by field; the tests hold it to them.
 */
export function entryMatches(section: SectionName, entry: SidecarEntry, plain: PlainMap): boolean {
  return entryMatcher(section)(entry, plain);
}

/** {@link entryMatches} for one list (to pick once for a loop over its entries). */
export function entryMatcher(section: SectionName): (entry: SidecarEntry, plain: PlainMap) => boolean {
  return (section === 'claims' ? claimMatches : section === 'speakers' ? speakerMatches : stanceMatches) as (entry: SidecarEntry, plain: PlainMap) => boolean;
}

/** The identity {@link entryIdentity} gives the entry's plain form. */
export function modelIdentity(section: SectionName, entry: SidecarEntry): string {
  return section === 'stances' ? `${(entry as Stance).speaker}\u0000${(entry as Stance).target}` : String((entry as Claim | Speaker).id);
}

function claimMatches(c: Claim, p: Fields): boolean {
  const a = c.anchor;
  if (typeof a !== 'object' || a === null || !Array.isArray(c.sources)) return false; // claimPlain's own business
  const pa = p.anchor;
  if (!isPlainMap(pa) || pa.exact !== a.exact || pa.start !== a.start || pa.end !== a.end || pa.prefix !== nonEmpty(a.prefix) || pa.suffix !== nonEmpty(a.suffix)) return false;
  if (p.id !== c.id || p.verdict !== c.verdict || p.status !== c.status || p.kind !== c.kind || p.speaker !== (c.speaker ?? undefined) ||
    p.updated !== nonEmpty(c.updated) || p.author !== nonEmpty(c.author) || p.rationale !== nonEmpty(c.rationale) || p.note !== nonEmpty(c.note)) return false;
  if (!scalarsMatch(p.tags, c.tags)) return false;
  const sources = p.sources;
  if (c.sources.length === 0) return sources === undefined;
  if (!Array.isArray(sources) || sources.length !== c.sources.length) return false;
  for (let i = 0; i < sources.length; i++) {
    const ps = sources[i];
    const s = c.sources[i];
    if (typeof s !== 'object' || s === null || !isPlainMap(ps) || ps.url !== s.url || ps.title !== nonEmpty(s.title)) return false;
  }
  return true;
}

function speakerMatches(s: Speaker, p: Fields): boolean {
  return p.id === s.id && p.name === s.name && p.kind === s.kind && p.role === nonEmpty(s.role) && p.note === nonEmpty(s.note) && scalarsMatch(p.aliases, s.aliases);
}

function stanceMatches(s: Stance, p: Fields): boolean {
  return p.speaker === s.speaker && p.target === s.target && p.polarity === s.polarity && p.summary === nonEmpty(s.summary) &&
    p.author === nonEmpty(s.author) && p.updated === nonEmpty(s.updated) && scalarsMatch(p.claims, s.claims);
}

/** A plain list against the model's list as nonEmptyList gives it (an empty or missing list is left out). */
function scalarsMatch(plain: Plain | undefined, list: readonly unknown[] | undefined): boolean {
  return sameScalars(plain, nonEmptyList(list as Plain[] | undefined));
}

/**
 * Whether two values are written the same in a part of the given shape: the
 * general form of {@link renderedSame}. Scalars must be identical; a scalar
 * field holding an object is the same only as itself.
 */
export function shapeEqual(shape: Shape, a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  switch (shape.type) {
    case 'map': {
      if (!isPlainMap(a) || !isPlainMap(b)) return false;
      for (const key of shape.order) if (!shapeEqual(shape.fields[key] ?? text, a[key], b[key])) return false;
      return true;
    }
    case 'list':
    case 'scalars': {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (shape.type === 'list' ? !shapeEqual(shape.item, a[i], b[i]) : a[i] !== b[i]) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** The shape {@link shapeEqual} compares a part in (for tests). */
export function partShape(part: SectionName | 'header'): Shape {
  const shape = part === 'header' ? ROOT_SHAPE : ROOT_SHAPE.fields[part];
  return shape.type === 'list' ? shape.item : shape;
}

/** Claims in file order: by anchor position, then id. */
export function compareClaims(a: Claim, b: Claim): number {
  return a.anchor.start - b.anchor.start || a.anchor.end - b.anchor.end || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
function nonEmptyList<T>(value: T[] | undefined): T[] | undefined {
  return value && value.length ? value : undefined;
}

function ordered(order: string[], values: Record<string, Plain | undefined>): PlainMap {
  const out: PlainMap = {};
  for (const key of order) if (values[key] !== undefined) out[key] = values[key] as Plain;
  return out;
}

// The three below build what `ordered(…_ORDER, {…})` would, without the intermediate
// object: a save compares every entry of the file in this form.

/** Sets `key` when `value` is not undefined (keys are set in the order of the calls). */
function put(out: PlainMap, key: string, value: Plain | undefined): void {
  if (value !== undefined) out[key] = value;
}

function speakerPlain(s: Speaker): PlainMap {
  const out: PlainMap = {};
  put(out, 'id', s.id);
  put(out, 'name', s.name);
  put(out, 'kind', s.kind);
  put(out, 'role', nonEmpty(s.role));
  put(out, 'aliases', nonEmptyList(s.aliases));
  put(out, 'note', nonEmpty(s.note));
  return out;
}

function claimPlain(c: Claim): PlainMap {
  const a = c.anchor;
  const anchor: PlainMap = {};
  put(anchor, 'exact', a.exact);
  put(anchor, 'start', a.start);
  put(anchor, 'end', a.end);
  put(anchor, 'prefix', nonEmpty(a.prefix));
  put(anchor, 'suffix', nonEmpty(a.suffix));
  const out: PlainMap = {};
  put(out, 'id', c.id);
  put(out, 'speaker', c.speaker ?? undefined);
  put(out, 'kind', c.kind);
  put(out, 'status', c.status);
  put(out, 'verdict', c.verdict);
  out.anchor = anchor;
  put(out, 'rationale', nonEmpty(c.rationale));
  put(out, 'note', nonEmpty(c.note));
  put(out, 'sources', c.sources.length ? c.sources.map(sourcePlain) : undefined);
  put(out, 'tags', nonEmptyList(c.tags));
  put(out, 'author', nonEmpty(c.author));
  put(out, 'updated', nonEmpty(c.updated));
  return out;
}

function sourcePlain(s: SourceLink): PlainMap {
  const out: PlainMap = {};
  put(out, 'url', s.url);
  put(out, 'title', nonEmpty(s.title));
  return out;
}

function stancePlain(s: Stance): PlainMap {
  const out: PlainMap = {};
  put(out, 'speaker', s.speaker);
  put(out, 'target', s.target);
  put(out, 'polarity', s.polarity);
  put(out, 'claims', nonEmptyList(s.claims));
  put(out, 'summary', nonEmpty(s.summary));
  put(out, 'author', nonEmpty(s.author));
  put(out, 'updated', nonEmpty(s.updated));
  return out;
}

// --- building and updating YAML nodes ----------------------------------------

/** The whole file rendered at once through yaml's Document (the reference for {@link canonicalText}). */
export function freshText(plain: PlainMap): string {
  const doc = new Document();
  doc.contents = createNode(doc, plain, ROOT_SHAPE) as YAMLMap;
  return finish(doc.toString(TO_STRING_OPTIONS));
}

// --- the canonical text, one entry at a time ---------------------------------
//
// yaml renders a block sequence item the same way wherever it stands, given
// the same indentation: entries are joined by a line break, plus a blank line
// for `spaceBefore`. So the file is its header plus, per list, each entry
// rendered on its own (as the only entry of its list) and joined. The one
// context yaml passes between entries is "keep chomping": a block scalar
// ending in several line breaks (`|+`) swallows the next blank line. Entries
// whose rendering may hold one take the whole-document path.

const SECTIONS = ['speakers', 'claims', 'stances'] as const;
/** A block scalar header with the keep indicator (`|+`, `>2+`…). */
const KEEP_CHOMP_HEADER = /[|>]\d?\+\d?$/m;
const MAX_CACHED_ENTRIES = 40_000;

/** One part of the canonical text: the header (`part` 'header') or an entry of a list. */
export interface Rendered {
  readonly part: SectionName | 'header';
  /** What was rendered (never modified). */
  readonly plain: PlainMap;
  /** The header with its final line break; an entry from `  - ` to its last line, without one. */
  readonly text: string;
  /** May end in a keep-chomping block scalar, which swallows the blank line after it: only the whole-document path is exact then. */
  readonly mayKeepChomp: boolean;
  /**
   * The length of `text` in UTF-8. A file can be written as its parts' bytes joined: every
   * part (and every separator) starts with ASCII, so no surrogate pair is split between two
   * parts, and the encoding of the joined text is the parts' encodings joined.
   */
  readonly byteLength: number;
}

/** Renderings by the JSON of what was rendered. */
const renderings = new TwoGenerationCache<string, Rendered>(MAX_CACHED_ENTRIES);
/** The same renderings by their text: a text found here is what this serializer writes for `plain`. */
const renderingsByText = new TwoGenerationCache<string, Rendered>(MAX_CACHED_ENTRIES);

function cachedRender(part: Rendered['part'], plain: PlainMap, render: () => string): Rendered {
  const key = `${part === 'header' ? 'h' : part}\u0000${JSON.stringify(plain)}`;
  let rendered = renderings.get(key);
  if (rendered === undefined) {
    const text = render();
    // A block scalar header with the keep indicator (`|+`, `>2+`…); plain text that merely
    // looks like one only costs the slower path.
    rendered = Object.freeze({ part, plain: copyData(plain), text, mayKeepChomp: KEEP_CHOMP_HEADER.test(text), byteLength: utf8Length(text) });
    renderings.set(key, rendered);
  }
  if (renderingsByText.get(rendered.text) === undefined) renderingsByText.set(rendered.text, rendered);
  return rendered;
}

/** The canonical text of a header (see {@link headerPlain}). */
export function renderedHeader(header: PlainMap): Rendered {
  return cachedRender('header', header, () => freshText(header));
}

/** The canonical text of one entry of a list, as it stands in the file. */
export function renderedEntry(section: SectionName, item: PlainMap): Rendered {
  const shape = ROOT_SHAPE.fields[section];
  if (shape.type !== 'list') throw new Error(`not a list: ${section}`);
  return cachedRender(section, item, () => renderEntry(section, item, shape));
}

/** The rendering whose text this is, when this serializer wrote it lately (the text then is exactly what it writes for `plain`). */
export function renderingOfText(text: string): Rendered | undefined {
  return renderingsByText.get(text);
}

/** The text {@link freshText} gives, built from cached per-entry renderings. */
export function canonicalText(plain: PlainMap): string {
  const keys = Object.keys(plain);
  const headerKeys = keys.filter((k) => !(SECTIONS as readonly string[]).includes(k));
  // The layout below assumes the header (version, document) comes first and has two keys.
  if (headerKeys.length !== 2 || keys[0] !== headerKeys[0] || keys[1] !== headerKeys[1]) return freshText(plain);
  const header: PlainMap = { [headerKeys[0]]: plain[headerKeys[0]], [headerKeys[1]]: plain[headerKeys[1]] };
  const rendered = renderedHeader(header);
  if (rendered.mayKeepChomp) return freshText(plain);
  let text = rendered.text;
  for (const section of keys.slice(2)) {
    const items = plain[section];
    const shape = ROOT_SHAPE.fields[section];
    if (!Array.isArray(items) || shape.type !== 'list' || !(SECTIONS as readonly string[]).includes(section)) return freshText(plain);
    const texts: string[] = [];
    for (const item of items) {
      if (!isPlainMap(item)) return freshText(plain);
      const entry = renderedEntry(section as SectionName, item);
      if (entry.mayKeepChomp) return freshText(plain);
      texts.push(entry.text);
    }
    text += sectionText(section, texts);
  }
  // finish() turns any CR of the whole text into LF, which could join across entries: never
  // expected (CRs are written as escapes), but then only the whole-document path is exact.
  return text.includes('\r') ? freshText(plain) : text;
}

/**
 * One list as the canonical text has it after the header: a blank line, the
 * list's name, its entries separated by blank lines, a final line break.
 * Built by concatenation: V8 joins the pieces lazily, once, where
 * `Array.join` copies them at once, much slower for thousands of entries.
 */
export function sectionText(section: string, texts: readonly string[]): string {
  let text = `\n${section}:\n`;
  for (let i = 0; i < texts.length; i++) text += i === 0 ? texts[i] : `\n\n${texts[i]}`;
  return text + '\n';
}

/** One entry as yaml writes it as the first item of its list: `  - id: …` up to its last line, no final line break. */
function renderEntry(section: string, item: PlainMap, shape: Extract<Shape, { type: 'list' }>): string {
  const doc = new Document();
  const seq = new YAMLSeq();
  seq.items.push(createNode(doc, item, shape.item));
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(section), seq));
  doc.contents = map;
  const text = doc.toString(TO_STRING_OPTIONS);
  const head = `${section}:\n`;
  if (!text.startsWith(head) || !text.endsWith('\n')) throw new Error(`unexpected rendering of a ${section} entry`);
  return text.slice(head.length, -1);
}

function finish(yamlText: string): string {
  const lf = yamlText.replace(/\r\n?/g, '\n');
  return lf.endsWith('\n') ? lf : lf + '\n';
}

/** Strings that block scalars or plain style would not keep byte for byte. */
function needsDoubleQuotes(value: string, shape: Shape): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/.test(value)) return true;
  if (shape.type === 'scalar' && shape.forceQuoted === true && /[\n\t]/.test(value)) return true;
  // In a block scalar, white space at the start or at line ends is fragile
  // (editors strip it, whitespace-only lines change meaning): quote instead.
  return value.includes('\n') && (/[ \t]$/m.test(value) || /^[ \t]/.test(value));
}

function createScalar(value: Plain, shape: Shape): Scalar {
  const node = new Scalar(value);
  if (typeof value === 'string' && needsDoubleQuotes(value, shape)) node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

function createNode(doc: Document, value: Plain, shape: Shape): Node {
  if (shape.type === 'map' && isPlainMap(value)) {
    const map = new YAMLMap();
    for (const key of shape.order) {
      if (value[key] === undefined) continue;
      map.items.push(new Pair(new Scalar(key), createNode(doc, value[key], shape.fields[key] ?? text)));
    }
    if (shape === ROOT_SHAPE) {
      map.items.forEach((pair, i) => {
        if (i > 1) (pair.key as Scalar).spaceBefore = true;
      });
    }
    return map;
  }
  if ((shape.type === 'list' || shape.type === 'scalars') && Array.isArray(value)) {
    const seq = new YAMLSeq();
    value.forEach((item, i) => {
      const node = shape.type === 'list' ? createNode(doc, item, shape.item) : createScalar(item, text);
      if (shape.type === 'list' && shape.spaced && i > 0) node.spaceBefore = true;
      seq.items.push(node);
    });
    return seq;
  }
  return createScalar(value, shape);
}

function isPlainMap(value: Plain | undefined): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A node that stands for "nothing" (null, empty string, empty list): left alone when the model has nothing there. */
function isEmptyNode(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isScalar(node)) return node.value === null || node.value === '';
  if (isSeq(node) || isMap(node)) return node.items.length === 0;
  return false;
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function syncMap(doc: Document, map: YAMLMap, value: PlainMap, shape: Extract<Shape, { type: 'map' }>): void {
  for (const key of shape.order) {
    const wanted = value[key];
    const index = map.items.findIndex((p) => keyOf(p) === key);
    if (wanted === undefined) {
      if (index >= 0 && !isEmptyNode(map.items[index].value)) map.items.splice(index, 1);
      continue;
    }
    const fieldShape = shape.fields[key] ?? text;
    if (index >= 0) {
      const pair = map.items[index];
      pair.value = syncValue(doc, pair.value as Node | null, wanted, fieldShape);
      continue;
    }
    if (shape.defaults && shape.defaults[key] === wanted) continue; // absent already means this
    // Insert after the nearest known key that precedes it in the canonical order.
    const rank = shape.order.indexOf(key);
    let insertAt = 0;
    map.items.forEach((p, i) => {
      const k = keyOf(p);
      if (k !== undefined && shape.order.includes(k) && shape.order.indexOf(k) < rank) insertAt = i + 1;
    });
    const keyNode = new Scalar(key);
    if (shape === ROOT_SHAPE && insertAt > 1) keyNode.spaceBefore = true;
    map.items.splice(insertAt, 0, new Pair(keyNode, createNode(doc, wanted, fieldShape)));
  }
}

function syncValue(doc: Document, node: Node | null, value: Plain, shape: Shape): Node {
  if (shape.type === 'map') {
    if (!isMap(node) || !isPlainMap(value)) return createNode(doc, value, shape);
    syncMap(doc, node, value, shape);
    return node;
  }
  if (shape.type === 'list') {
    if (!isSeq(node) || !Array.isArray(value)) return createNode(doc, value, shape);
    syncList(doc, node, value as PlainMap[], shape);
    return node;
  }
  if (shape.type === 'scalars') {
    if (!isSeq(node) || !Array.isArray(value)) return createNode(doc, value, shape);
    const current = node.items.map((item) => (isScalar(item) ? item.value : undefined));
    if (current.length === value.length && current.every((v, i) => v === value[i])) return node;
    const unused = [...node.items];
    node.items = value.map((v) => {
      const reuse = unused.findIndex((item) => isScalar(item) && item.value === v);
      return reuse >= 0 ? unused.splice(reuse, 1)[0] : createScalar(v, text);
    });
    return node;
  }
  if (isScalar(node)) {
    if (node.value === value) return node;
    // A hand-written `verdict: true` (a YAML boolean) already says "true".
    if (typeof value === 'string' && typeof node.value === 'boolean' && String(node.value) === value) return node;
    node.value = value;
    // A changed value gets the style a fresh file would give it: the old
    // quoting may have been needed only by the old value ("true").
    node.type = typeof value === 'string' && needsDoubleQuotes(value, shape) ? Scalar.QUOTE_DOUBLE : undefined;
    return node;
  }
  return createScalar(value, shape);
}

function syncList(doc: Document, seq: YAMLSeq, values: PlainMap[], shape: Extract<Shape, { type: 'list' }>): void {
  const available = new Map<string, Node[]>();
  const firstNode = seq.items[0];
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const identity = shape.identity(item.toJSON() as PlainMap);
    const bucket = available.get(identity);
    if (bucket) bucket.push(item as Node);
    else available.set(identity, [item as Node]);
  }
  seq.items = values.map((value, i) => {
    const existing = available.get(shape.identity(value))?.shift();
    let node: Node;
    if (existing && isMap(existing)) {
      syncMap(doc, existing, value, shape.item);
      node = existing;
      // Blank lines are layout: keep a person's, but do not leave the first entry
      // with one or a moved former first entry without one.
      if (shape.spaced && i === 0) node.spaceBefore = false;
      else if (shape.spaced && existing === firstNode) node.spaceBefore = true;
    } else {
      node = createNode(doc, value, shape.item);
      if (shape.spaced && i > 0) node.spaceBefore = true;
    }
    return node;
  });
}
