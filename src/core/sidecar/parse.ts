/**
 * Reading a sidecar: YAML text → {@link Sidecar} plus diagnostics that point at
 * the offending line and column and say what to do.
 *
 * The parser is lenient where it can be (missing optional fields get their
 * defaults, unknown fields are ignored here and kept by the serializer) and
 * strict where guessing could lose work: a file with errors is still shown,
 * but {@link ParsedSidecar.writable} is false and the store refuses to rewrite
 * it until a person has fixed it.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type ParsedNode } from 'yaml';
import type { Diagnostic, Severity } from '../diagnostics';
import { type Anchor, type Claim, type ClaimKind, type ClaimStatus, type DocumentRef, type Polarity, SIDECAR_VERSION, type Sidecar, type SourceLink, type Speaker, type SpeakerKind, type Stance } from './model';
import schemaJson from './sidecar.schema.json';
import { DEFAULT_VERDICT_SCALE, findVerdict, type VerdictScale } from './verdicts';
import { TwoGenerationCache } from './cache';

export interface ParseOptions {
  /** Verdicts off this scale are reported as warnings (default: the default scale). */
  verdictScale?: VerdictScale;
}

export interface ParsedSidecar {
  /** Undefined only when the file cannot be understood at all. */
  sidecar?: Sidecar;
  diagnostics: Diagnostic[];
  /**
   * False when writing the model back could lose or change something a person
   * wrote (syntax or schema errors, duplicate ids, forbidden keys): the store
   * refuses to write such a file. Dangling references alone keep it writable.
   */
  writable: boolean;
  /** 1-based line and column of the node at a path such as `['claims', 2, 'anchor']` (for tools that report on the model). */
  locate?: (path: readonly (string | number)[]) => { line: number; column: number };
}

/** Larger sidecars are refused: a sidecar of a few thousand claims is well under 4 MB. */
export const MAX_SIDECAR_CHARS = 16 * 1024 * 1024;
/** Aliases a sidecar may use before it is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Findings that do not make the file unsafe to write back. */
const WRITABLE_CODES = new Set(['merge-conflict-item', 'unknown-speaker', 'unknown-claim', 'unknown-verdict', 'yaml-warning', 'anchor-length']);

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?$/;

export function parseSidecar(yamlText: string, location: string, options: ParseOptions = {}): ParsedSidecar {
  try {
    return parseSidecarUnguarded(yamlText, location, options);
  } catch (error) {
    // A bug or an input nobody foresaw must still end as a finding, not a crash.
    return {
      diagnostics: [{
        location, line: 1, column: 1, severity: 'error', code: 'unreadable',
        message: `ClaimLens could not read this file (${firstLine(String((error as Error)?.message ?? error))}); it is left untouched: please report the problem with the file attached`,
      }],
      writable: false,
    };
  }
}

function parseSidecarUnguarded(yamlText: string, location: string, options: ParseOptions): ParsedSidecar {
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Severity, code: string, message: string, line = 1, column = 1, endLine?: number, endColumn?: number) => {
    diagnostics.push({ location, line, column, ...(endLine ? { endLine, endColumn } : {}), severity, code, message });
  };
  let locate: ParsedSidecar['locate'];
  const done = (sidecar?: Sidecar): ParsedSidecar => ({
    ...(sidecar ? { sidecar } : {}),
    ...(locate ? { locate } : {}),
    diagnostics,
    writable: sidecar !== undefined && diagnostics.every((d) => d.severity !== 'error' || WRITABLE_CODES.has(d.code)),
  });

  if (yamlText.length > MAX_SIDECAR_CHARS) {
    report('error', 'too-large', `the file is ${Math.round(yamlText.length / 1048576)} MB, more than a sidecar can reasonably hold (${MAX_SIDECAR_CHARS / 1048576} MB): check that it is really a ClaimLens sidecar`);
    return done();
  }
  const text = yamlText.charCodeAt(0) === 0xfeff ? yamlText.slice(1) : yamlText;

  // Conflict markers first: YAML would report them as confusing syntax errors.
  const conflictLine = findConflictMarker(text);
  if (conflictLine) {
    report('error', 'merge-conflict', `unresolved merge conflict at line ${conflictLine}: resolve it, then run claimlens check`, conflictLine, 1);
    return done();
  }
  // Empty when no line has anything but white space before a `#` (stops at the first real line).
  if (!/^\s*[^\s#]/m.test(text)) {
    report('error', 'empty', 'the file is empty: add "version: 1" and a "document:" section, or delete the file');
    return done();
  }

  // Deeply nested flow collections make the YAML parser recurse for seconds
  // before it gives up; a sidecar never nests more than a few levels.
  const deepAt = excessiveFlowNesting(text);
  if (deepAt !== undefined) {
    const line = text.slice(0, deepAt).split('\n').length;
    report('error', 'yaml-syntax', `YAML syntax error: the file is nested too deeply to be a sidecar (more than ${MAX_FLOW_DEPTH} levels of [ or {); fix the file by hand, then run claimlens check`, line, 1);
    return done();
  }

  const quick = (options as { quick?: boolean }).quick === false ? undefined : quickParse(text, location, options);
  if (quick) return quick;

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const pos = (offset: number) => lineCounter.linePos(offset);
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? pos(error.pos[0]);
    const duplicate = error.code === 'DUPLICATE_KEY';
    report('error', duplicate ? 'duplicate-key' : 'yaml-syntax',
      duplicate ? `${firstLine(error.message)}: keep one of the two entries` : `YAML syntax error: ${yamlProblem(error.message)}; fix the file by hand, then run claimlens check`,
      at.line, at.col);
  }
  if (doc.errors.length) return done();
  for (const warning of doc.warnings) {
    const at = warning.linePos?.[0] ?? pos(warning.pos[0]);
    report('warning', 'yaml-warning', firstLine(warning.message), at.line, at.col);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const first = firstAlias(doc.contents);
    const at = first?.range ? pos(first.range[0]) : { line: 1, col: 1 };
    const message = error instanceof ReferenceError
      ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): the file looks like an alias bomb; remove the aliases (*name) and write the values out`
      : `the YAML cannot be read: ${firstLine((error as Error).message)}`;
    report('error', error instanceof ReferenceError ? 'alias-bomb' : 'yaml-syntax', message, at.line, at.col);
    return done();
  }

  const nodeRange = (node: Node | null | undefined): [number, number, number, number] => {
    const range = (node as ParsedNode | undefined)?.range;
    if (!range) return [1, 1, 1, 1];
    const a = pos(range[0]);
    const b = pos(range[1]);
    return [a.line, a.col, b.line, b.col];
  };
  const reportAt = (node: Node | null | undefined, severity: Severity, code: string, message: string) => {
    const [l, c, el, ec] = nodeRange(node);
    report(severity, code, message, l, c, el, ec);
  };
  const at = (path: readonly (string | number)[], key = false) => nodeAtPath(doc, path, key);
  locate = (path) => {
    const [line, column] = nodeRange(at(path));
    return { line, column };
  };

  if (!isMap(doc.contents) || !isPlainObject(data)) {
    reportAt(doc.contents, 'error', 'schema', 'a sidecar must be a YAML mapping with "version", "document", "speakers", "claims" and "stances": this file is something else');
    return done();
  }

  // Keys that could reach an object's prototype are refused wherever they are.
  forEachForbiddenKey(doc.contents, (keyNode, name) =>
    reportAt(keyNode, 'error', 'forbidden-key', `the key "${name}" is not allowed (it could tamper with programs reading the file): rename or remove it`));
  stripForbiddenKeys(data);

  const version = data.version;
  if (version === undefined) {
    reportAt(doc.contents, 'error', 'version', `"version" is missing: add "version: ${SIDECAR_VERSION}" at the top of the file`);
    return done();
  }
  if (version !== SIDECAR_VERSION) {
    reportAt(at(['version']), 'error', 'version',
      typeof version === 'number' && version > SIDECAR_VERSION
        ? `this sidecar has version ${version}, newer than this ClaimLens understands (${SIDECAR_VERSION}): update ClaimLens`
        : `unknown sidecar version ${JSON.stringify(version)}: this ClaimLens reads version ${SIDECAR_VERSION}`);
    return done();
  }

  // `verdict: true` / `verdict: false` written by hand are YAML booleans: read them as the verdict keys they mean.
  if (Array.isArray(data.claims)) {
    for (const claim of data.claims) {
      if (isPlainObject(claim) && typeof claim.verdict === 'boolean') claim.verdict = String(claim.verdict);
    }
  }

  const validate = schemaValidator();
  if (!validate(data)) {
    for (const e of relevantSchemaErrors(validate.errors ?? [])) {
      const path = pointerToPath(e.instancePath);
      const target = e.keyword === 'additionalProperties' ? at([...path, String(e.params.additionalProperty)], true) : at(path);
      reportAt(target, 'error', 'schema', schemaMessage(e, path));
    }
  }

  const sidecar = buildModel(data, options.verdictScale ?? DEFAULT_VERDICT_SCALE);
  checkConsistency(sidecar, data, at, reportAt, options.verdictScale ?? DEFAULT_VERDICT_SCALE);
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return done(sidecar);
}

// --- the quick path for clean files ------------------------------------------
//
// Parsing 5,000 claims with yaml takes seconds, and the store parses every file
// it reads and checks every file it writes. A file laid out the way the
// serializer writes it (a header, then `speakers:`/`claims:`/`stances:` with
// entries starting at `  - ` and every other line indented by four or blank)
// is read one block at a time: the header, and each entry. A block is parsed
// and checked once and then cached by its text, so an edit re-parses only the
// entries it touched, and the store can check a file it assembles from blocks
// it already holds without splitting the text again (see parseBlocks). The
// result is used only when it is clean (no YAML error or warning, no alias,
// valid schema, no finding at all); anything else is parsed again as a whole
// document so that every diagnostic has its exact line and column.

export type SectionName = 'speakers' | 'claims' | 'stances';

/**
 * One block of a sidecar in the serializer's layout: the header (everything
 * before the first list), or one entry of a list. Made only by
 * {@link headerBlock} and {@link entryBlock}, after checking that the block
 * parses cleanly on its own and reads the same inside any file of that layout;
 * the data is shared by every file holding the block and never modified.
 */
export interface SidecarBlock {
  /** The header with its final line break; or an entry from its `  - ` line to its last line, without the line break. */
  readonly text: string;
  /** The header mapping, or the entry. */
  readonly data: Readonly<Record<string, unknown>>;
  /** How the block's `[`/`{` nesting combines with the blocks before it (see {@link nestingAfter}). */
  readonly nesting: Nesting;
}

/** A file as blocks: header, then the non-empty lists in file order. */
export interface SidecarLayout {
  readonly header: SidecarBlock;
  readonly sections: ReadonlyArray<{ readonly name: SectionName; readonly entries: readonly SidecarBlock[] }>;
  /**
   * For a layout read from a text: whether the text is exactly the blocks
   * joined the way the serializer joins them (header; per list a blank line,
   * `name:`, entries separated by blank lines; a final line break).
   */
  readonly asWritten?: boolean;
}

const QUICK_SECTION_NAMES: readonly SectionName[] = ['speakers', 'claims', 'stances'];
const QUICK_SECTIONS = new Set<string>(QUICK_SECTION_NAMES);
const MAX_CACHED_BLOCKS = 40_000;
/** Cached result for text that cannot be a block. */
const UNCLEAN = Symbol('unclean');
const entryBlocks = new TwoGenerationCache<string, SidecarBlock | typeof UNCLEAN>(MAX_CACHED_BLOCKS);
const headerBlocks = new TwoGenerationCache<string, SidecarBlock | typeof UNCLEAN>(256);
/**
 * What has been checked of a block, kept with it (a save asks this of every
 * block of the file). The key is not exported: a block made elsewhere has no
 * record, and a layout holding one is not trusted.
 */
const CHECKED = Symbol('checked');
interface BlockChecks {
  /** The part of a file (the header, or an entry of this list) whose schema the data passed. */
  schema?: SectionName | 'header';
  /** The verdict scale under which the entry passed checkConsistency's checks of one entry alone. */
  alone?: VerdictScale;
  /** What another module found about the block under a verdict scale (see {@link blockNote}). */
  note?: { scale: VerdictScale; value: unknown };
}
type CheckedBlock = SidecarBlock & { readonly [CHECKED]: BlockChecks };

function checksOf(block: SidecarBlock): BlockChecks | undefined {
  return (block as Partial<CheckedBlock>)[CHECKED];
}

/**
 * What a module found about a block under a verdict scale and kept with it
 * (snapshot.ts keeps whether the block's text is the serializer's rendering of
 * what it reads as): undefined when nothing was kept for this scale.
 */
export function blockNote(block: SidecarBlock, scale: VerdictScale): unknown {
  const note = checksOf(block)?.note;
  return note?.scale === scale ? note.value : undefined;
}

/** Keeps a finding with a block (see {@link blockNote}); one scale at a time. */
export function setBlockNote(block: SidecarBlock, scale: VerdictScale, value: unknown): void {
  const checks = checksOf(block);
  if (checks) checks.note = { scale, value };
}
/** The layout a model was read from, for the store (see {@link layoutOfModel}). */
const layouts = new WeakMap<Sidecar, SidecarLayout>();
/** A block scalar header with the keep indicator (`|+`, `>2+`…): the blank lines after it belong to it. */
const KEEP_CHOMP_HEADER = /[|>]\d?\+\d?$/m;
/** Keys that could reach a prototype are reported with their position by the whole-document path. */
const FORBIDDEN_WORD = /__proto__|constructor|prototype/;
/** Lines that make a whole-document parse report something else than a clean block would. */
const HEADER_UNSAFE_LINE = /^(---|\.\.\.|%|<{7}|>{7}|={7}|\|{7}|(speakers|claims|stances):$)/m;

function plainBlockText(text: string): boolean {
  return !text.includes('\r') && !text.includes('\t') && !FORBIDDEN_WORD.test(text);
}

/** The clean, parsed header block for this text (lines before the first list, ending in one line break), or undefined. */
export function headerBlock(text: string): SidecarBlock | undefined {
  let block = headerBlocks.get(text);
  if (block === undefined) {
    const own = ownCopy(text);
    block = makeHeaderBlock(own) ?? UNCLEAN;
    headerBlocks.set(own, block);
  }
  return block === UNCLEAN ? undefined : block;
}

function makeHeaderBlock(text: string): SidecarBlock | undefined {
  if (!text.endsWith('\n') || text.charCodeAt(0) === 0xfeff || !plainBlockText(text) || HEADER_UNSAFE_LINE.test(text)) return undefined;
  const data = cleanData(text);
  if (!isPlainObject(data) || Object.keys(data).some((key) => QUICK_SECTIONS.has(key))) return undefined;
  return madeBlock(text, data);
}

/**
 * The clean, parsed block for the text of one list entry (first line `  - `,
 * the others blank or indented by four; no final line break unless blank lines
 * belong to a keep-chomping block scalar), or undefined.
 */
export function entryBlock(text: string): SidecarBlock | undefined {
  let block = entryBlocks.get(text);
  if (block === undefined) {
    const own = ownCopy(text);
    block = makeEntryBlock(own) ?? UNCLEAN;
    entryBlocks.set(own, block);
  }
  return block === UNCLEAN ? undefined : block;
}

function makeEntryBlock(text: string): SidecarBlock | undefined {
  if (!text.startsWith('  - ') || !plainBlockText(text)) return undefined;
  // Only the first line may start an entry; a final blank line only after `|+`.
  if (/\n(?!    |\n|$)/.test(text) || (text.endsWith('\n') && !KEEP_CHOMP_HEADER.test(text))) return undefined;
  // The list's name does not change how its entry reads.
  const data = cleanData(`entries:\n${text}\n`);
  if (!isPlainObject(data) || !Array.isArray(data.entries) || data.entries.length !== 1 || !isPlainObject(data.entries[0])) return undefined;
  return madeBlock(text, data.entries[0]);
}

function madeBlock(text: string, data: Record<string, unknown>): SidecarBlock {
  const block: CheckedBlock = Object.freeze({ text, data, nesting: nestingOf(text), [CHECKED]: {} });
  return block;
}

/** The data of a text that parses without error, warning or alias; undefined otherwise. */
function cleanData(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length || doc.warnings.length || firstAlias(doc.contents) !== undefined) return undefined;
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The blocks of a file in the serializer's layout, or undefined when it is laid
 * out otherwise or a block is not clean. Walks the text by offsets: only the
 * blocks are cut out (as slices, copied only when new to the cache).
 */
function quickLayout(text: string): SidecarLayout | undefined {
  const n = text.length;
  if (!text.endsWith('\n')) return undefined;
  const lineEnd = (at: number) => text.indexOf('\n', at); // found: the text ends with one
  let at = 0;
  while (at < n && sectionAt(text, at) === undefined) at = lineEnd(at) + 1;
  if (at === 0) return undefined; // no header
  // The header: its lines, then blank lines that are layout (see entry blocks below).
  const firstLineEnd = lineEnd(0);
  let headerEnd = at;
  while (headerEnd - 1 > firstLineEnd && text.charCodeAt(headerEnd - 2) === 0x0a) headerEnd--;
  let headerText = text.slice(0, headerEnd);
  if (headerEnd < at && KEEP_CHOMP_HEADER.test(headerText)) headerText = text.slice(0, (headerEnd = at));
  const header = headerBlock(headerText);
  if (!header) return undefined;
  // Whether the text is laid out exactly as the serializer joins its parts: one blank line
  // after the header and after every entry but the last of the file, none elsewhere.
  let asWritten = at - headerEnd === (at < n ? 1 : 0);
  const sections: { name: SectionName; entries: SidecarBlock[] }[] = [];
  while (at < n) {
    const name = sectionAt(text, at);
    if (name === undefined || sections.some((s) => s.name === name)) return undefined;
    at = lineEnd(at) + 1;
    if (at >= n || !text.startsWith('  - ', at)) return undefined;
    const entries: SidecarBlock[] = [];
    while (at < n && text.startsWith('  - ', at)) {
      // An entry: its `  - ` line, then lines that are blank or indented by four.
      const firstEnd = lineEnd(at);
      let next = firstEnd + 1;
      while (next < n && (text.charCodeAt(next) === 0x0a || text.startsWith('    ', next))) next = lineEnd(next) + 1;
      // Blank lines at its end are layout (between entries) and left out, so that an entry
      // has the same text wherever it stands; except after a keep-chomping block scalar,
      // whose value they end.
      let end = next - 1;
      while (end > firstEnd && text.charCodeAt(end - 1) === 0x0a) end--;
      let entryText = text.slice(at, end);
      if (end < next - 1 && KEEP_CHOMP_HEADER.test(entryText)) entryText = text.slice(at, (end = next - 1));
      const block = entryBlock(entryText);
      if (!block) return undefined;
      entries.push(block);
      asWritten &&= next - 1 - end === (next < n ? 1 : 0);
      at = next;
    }
    sections.push({ name, entries });
  }
  return { header, sections, asWritten };
}

/** The list whose `name:` line starts at `at`, if one does. */
function sectionAt(text: string, at: number): SectionName | undefined {
  for (const name of QUICK_SECTION_NAMES) {
    if (text.startsWith(name, at) && text.startsWith(':\n', at + name.length)) return name;
  }
  return undefined;
}

/**
 * A copy of a slice of a larger text that does not keep that text alive (a
 * cached block outlives the file it was read from): V8 flattens the joined
 * string into a new one before slicing it.
 */
function ownCopy(slice: string): string {
  return (' ' + slice).slice(1);
}

/** The layout a clean model was read from by {@link parseSidecar} or {@link parseBlocks}; undefined for other models. */
export function layoutOfModel(sidecar: Sidecar): SidecarLayout | undefined {
  return layouts.get(sidecar);
}

/**
 * Reads a file assembled from blocks — `text` must be exactly the header's
 * text, then per list a blank line, `name:`, and its entries' texts separated
 * by blank lines, and a final line break — giving what {@link parseSidecar}
 * gives for `text` when that is clean; undefined when it might not be (then
 * parse `text`). Unchanged blocks cost nothing: they were parsed and checked
 * when they were made.
 */
export function parseBlocks(layout: SidecarLayout, text: string, location: string, options: ParseOptions = {}, earlier?: EarlierModel): ParsedSidecar | undefined {
  // The whole-file checks of parseSidecar, from the blocks: size, then flow nesting
  // (no block has conflict markers, a BOM or a bare document marker).
  if (text.length > MAX_SIDECAR_CHARS || !checksOf(layout.header)) return undefined;
  let nesting = nestingAfter(0, layout.header.nesting);
  if (nesting === undefined) return undefined;
  const data: Record<string, unknown> = { ...layout.header.data };
  for (const section of layout.sections) {
    if (!QUICK_SECTIONS.has(section.name) || Object.prototype.hasOwnProperty.call(data, section.name) || section.entries.length === 0) return undefined;
    const items: unknown[] = new Array(section.entries.length);
    for (let i = 0; i < section.entries.length; i++) {
      const block = section.entries[i];
      if (!checksOf(block) || (nesting = nestingAfter(nesting, block.nesting)) === undefined) return undefined;
      items[i] = block.data;
    }
    data[section.name] = items;
  }
  if (data.version !== SIDECAR_VERSION) return undefined;
  // Cached block data is shared between parses: it is only read from here on.
  if (Array.isArray(data.claims) && data.claims.some((c) => isPlainObject(c) && typeof c.verdict === 'boolean')) return undefined;
  // The schema holds for the file exactly when it holds for the header and for every entry.
  if (!schemaHolds('header', layout.header)) return undefined;
  for (const section of layout.sections) {
    // Indexed loops: this runs over every entry of the file on each save.
    for (let i = 0; i < section.entries.length; i++) if (!schemaHolds(section.name, section.entries[i])) return undefined;
  }
  const scale = options.verdictScale ?? DEFAULT_VERDICT_SCALE;
  const sidecar = buildModel(data, scale, earlier && reuseFrom(earlier, layout));
  let clean = true;
  const none: readonly SidecarBlock[] = [];
  const blocksOf = (name: SectionName) => layout.sections.find((s) => s.name === name)?.entries ?? none;
  const speakers = blocksOf('speakers');
  const claims = blocksOf('claims');
  const stances = blocksOf('stances');
  const checkedAlone = (section: SectionName, i: number) =>
    checksOf((section === 'claims' ? claims : section === 'speakers' ? speakers : stances)[i])!.alone === scale;
  checkConsistency(sidecar, data, () => undefined, () => { clean = false; }, scale, checkedAlone);
  if (!clean) return undefined;
  for (const section of layout.sections) for (let i = 0; i < section.entries.length; i++) checksOf(section.entries[i])!.alone = scale;
  layouts.set(sidecar, layout);
  let full: ParsedSidecar | undefined;
  // Positions are wanted rarely (check reports on a clean file): parse the whole document then.
  const locate = (path: readonly (string | number)[]) => {
    full ??= parseSidecarUnguarded(text, location, { ...options, quick: false } as ParseOptions);
    return full.locate?.(path) ?? { line: 1, column: 1 };
  };
  return { sidecar, diagnostics: [], writable: true, locate };
}

/**
 * A model read earlier (by parseBlocks or parseSidecar, with the same verdict
 * scale) whose entries a new read may share: `indexOf(list, index)` names the
 * entry of `model` that stood on the same block as the new entry at `index`
 * (or -1). A model entry is made from its block's data alone, so the same
 * block gives an equal entry; each pairing is checked against the blocks the
 * earlier model was read from. The store treats models as read-only (edits
 * go to copies), so sharing entries between them is safe.
 */
export interface EarlierModel {
  readonly model: Sidecar;
  readonly indexOf: (section: SectionName, index: number) => number;
}

function reuseFrom(earlier: EarlierModel, layout: SidecarLayout): EntryReuse | undefined {
  const before = layouts.get(earlier.model);
  if (!before) return undefined;
  const blocksBefore = new Map(before.sections.map((s) => [s.name, s.entries]));
  const blocksNow = new Map(layout.sections.map((s) => [s.name, s.entries]));
  return (section, index) => {
    const j = earlier.indexOf(section, index);
    const list = earlier.model[section];
    if (j < 0 || j >= list.length || blocksBefore.get(section)?.[j] !== blocksNow.get(section)?.[index]) return undefined;
    return list[j];
  };
}

function quickParse(text: string, location: string, options: ParseOptions): ParsedSidecar | undefined {
  const layout = quickLayout(text);
  return layout && parseBlocks(layout, text, location, options);
}

function schemaHolds(part: SectionName | 'header', block: SidecarBlock): boolean {
  const checks = checksOf(block)!;
  if (checks.schema === part) return true;
  if (!partValidator(part)(block.data)) return false;
  checks.schema = part;
  return true;
}

// Flow nesting, block by block. parseSidecar refuses a file where `[`/`{` nest
// deeper than MAX_FLOW_DEPTH anywhere, counting through the whole text (a `]`
// or `}` at depth 0 is ignored). Over one block, from a starting depth d, that
// walk ends at max(d + sum, sum - lowest) and peaks at max(d + highest, rise),
// where sum, lowest and highest are the final, lowest and highest running
// totals of +1/-1 from 0, and rise the largest climb above an earlier low.

interface Nesting { sum: number; lowest: number; highest: number; rise: number }

function nestingOf(text: string): Nesting {
  let sum = 0;
  let lowest = 0;
  let highest = 0;
  let rise = 0;
  const brackets = /[[\]{}]/g;
  for (let m = brackets.exec(text); m; m = brackets.exec(text)) {
    const c = m[0];
    sum += c === '[' || c === '{' ? 1 : -1;
    if (sum < lowest) lowest = sum;
    if (sum > highest) highest = sum;
    if (sum - lowest > rise) rise = sum - lowest;
  }
  return { sum, lowest, highest, rise };
}

/** The depth after a block entered at `depth`, or undefined when it nests too deeply. */
function nestingAfter(depth: number, n: Nesting): number | undefined {
  if (Math.max(depth + n.highest, n.rise) > MAX_FLOW_DEPTH) return undefined;
  return Math.max(depth + n.sum, n.sum - n.lowest);
}

// ---------------------------------------------------------------------------

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

const MAX_FLOW_DEPTH = 256;

/** Offset where `[`/`{` nesting first exceeds {@link MAX_FLOW_DEPTH} (brackets in quotes count too: harmless at this depth). */
function excessiveFlowNesting(text: string): number | undefined {
  let depth = 0;
  // The regular expression skips the text between brackets much faster than a loop over characters.
  const brackets = /[[\]{}]/g;
  for (let m = brackets.exec(text); m; m = brackets.exec(text)) {
    if (m[0] === '[' || m[0] === '{') {
      if (++depth > MAX_FLOW_DEPTH) return m.index;
    } else if (depth > 0) depth--;
  }
  return undefined;
}

/** yaml's messages, reworded where they speak to programmers. */
function yamlProblem(message: string): string {
  const line = firstLine(message);
  if (/call stack/i.test(line)) return 'the file is nested too deeply to be a sidecar';
  if (/multiple documents/i.test(line)) return 'the file holds several YAML documents (separated by ---) but a sidecar is one';
  return line;
}

function findConflictMarker(text: string): number | undefined {
  if (!/^(<{7}|>{7}|={7}|\|{7})/m.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  let firstMarker: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (CONFLICT_MARKER.test(lines[i])) {
      // `<<<<<<<` is where the conflict starts; report it when present.
      if (lines[i].startsWith('<<<<<<<')) return i + 1;
      firstMarker ??= i + 1;
    }
  }
  return firstMarker;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstAlias(node: unknown): Node | undefined {
  if (isAlias(node)) return node;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      const found = isPair(item) ? firstAlias(item.key) ?? firstAlias(item.value) : firstAlias(item);
      if (found) return found;
    }
  }
  return undefined;
}

function forEachForbiddenKey(node: unknown, visit: (keyNode: Node, name: string) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && FORBIDDEN_KEYS.has(key)) visit(pair.key as Node, key);
      forEachForbiddenKey(pair.value, visit);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) forEachForbiddenKey(item, visit);
  }
}

function stripForbiddenKeys(value: unknown, depth = 0): void {
  if (depth > 64 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) stripForbiddenKeys(item, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) delete (value as Record<string, unknown>)[key];
    else stripForbiddenKeys((value as Record<string, unknown>)[key], depth + 1);
  }
}

/**
 * The node at a path of keys and indexes (the value node; or with `key`, the
 * key node of the last step), or the deepest node reached. Follows an alias
 * one step at a time, never expanding it.
 */
export function nodeAtPath(doc: Document, path: readonly (string | number)[], key = false): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const step = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return node as Node;
      if (key && i === path.length - 1) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step] !== undefined) {
      node = node.items[step];
    } else {
      return node as Node;
    }
  }
  return node as Node;
}

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(schemaJson);
  return compiled;
}

const DEFINITION_OF: Record<SectionName, string> = { speakers: 'speaker', claims: 'claim', stances: 'stance' };
const partValidators = new Map<SectionName | 'header', ValidateFunction>();
let partsAjv: Ajv | undefined;
/**
 * Yes/no validators for the parts of a file: the header under the whole schema
 * (it holds no lists), an entry under its list's item definition — the schema
 * puts no condition on a list beyond its items.
 */
function partValidator(part: SectionName | 'header'): ValidateFunction {
  let validate = partValidators.get(part);
  if (!validate) {
    if (!partsAjv) {
      partsAjv = new Ajv({ strict: false });
      partsAjv.addSchema(schemaJson);
    }
    const ref = part === 'header' ? schemaJson.$id : `${schemaJson.$id}#/definitions/${DEFINITION_OF[part]}`;
    validate = partsAjv.getSchema(ref);
    if (!validate) throw new Error(`no schema for ${ref}`);
    partValidators.set(part, validate);
  }
  return validate;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => {
    const unescaped = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(unescaped) ? Number(unescaped) : unescaped;
  });
}

/** Drops the noise ajv adds for `anyOf`/`$ref` branches, keeping one error per place and kind. */
function relevantSchemaErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword === 'anyOf' || e.keyword === 'if') return false;
    // The verdict's anyOf offers the default scale as completion; any string passes.
    if (e.schemaPath.includes('/verdict/anyOf/')) return false;
    const id = `${e.instancePath}|${e.keyword}|${e.params.missingProperty ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function describePath(path: readonly (string | number)[]): string {
  if (!path.length) return 'the file';
  return path.map((p, i) => (typeof p === 'number' ? `[${p + 1}]` : i === 0 ? p : `.${p}`)).join('');
}

function schemaMessage(e: ErrorObject, path: (string | number)[]): string {
  const where = describePath(path);
  switch (e.keyword) {
    case 'required':
      return `${where} is missing "${e.params.missingProperty}": add it`;
    case 'type': {
      const wanted = String(e.params.type).replace(',', ' or ');
      return `${where} must be ${/^[aeiou]/.test(wanted) ? 'an' : 'a'} ${wanted}: fix the value`;
    }
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}: fix the value`;
    case 'pattern':
      return `${where} ${patternHint(path)}: fix the value`;
    case 'minLength':
      return `${where} must not be empty: fill it in or remove it`;
    case 'minimum':
      return `${where} must be ${e.params.limit} or more: fix the value`;
    default:
      return `${where} ${e.message ?? 'is not valid'}: fix the value`;
  }
}

function patternHint(path: (string | number)[]): string {
  const last = path[path.length - 1];
  switch (last) {
    case 'url': return 'must be a link starting with http:// or https://';
    case 'sha256': return 'must be 64 hexadecimal digits (ClaimLens writes it; you can delete it)';
    case 'updated': return 'must be an ISO 8601 date such as 2025-03-28 or 2025-03-28T14:05:00Z';
    case 'verdict': return 'must be a verdict key of lowercase letters, digits and dashes, e.g. mostly-true';
    case 'id': return 'must be an id of letters, digits, dots, dashes and underscores';
    default: return 'has the wrong form';
  }
}

// --- the model --------------------------------------------------------------

const SPEAKER_KINDS: readonly SpeakerKind[] = ['person', 'organization', 'group', 'anonymous'];
const CLAIM_KINDS: readonly ClaimKind[] = ['direct', 'indirect', 'mixed'];
const STATUSES: readonly ClaimStatus[] = ['suggested', 'accepted', 'rejected'];
const POLARITIES: readonly Polarity[] = ['support', 'oppose', 'neutral', 'mixed'];

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
function strList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str).filter((s): s is string => s !== undefined) : [];
}
function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}
function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;
}
function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((v) => (isPlainObject(v) ? v : {})) : [];
}
/**
 * Builds the model leniently: every item of the file becomes an item of the
 * model (so nothing is dropped on a later write), with defaults for missing
 * optional fields. Schema errors are reported separately.
 */
function buildModel(data: Record<string, unknown>, scale: VerdictScale, reuse?: EntryReuse): Sidecar {
  return {
    version: SIDECAR_VERSION,
    document: buildDocument(data),
    speakers: list(data.speakers).map((s, i) => (reuse?.('speakers', i) as Speaker | undefined) ?? buildSpeaker(s)),
    claims: list(data.claims).map((c, i) => (reuse?.('claims', i) as Claim | undefined) ?? buildClaim(c, scale)),
    stances: list(data.stances).map((s, i) => (reuse?.('stances', i) as Stance | undefined) ?? buildStance(s)),
  };
}

function buildDocument(data: Record<string, unknown>): DocumentRef {
  const document = isPlainObject(data.document) ? data.document : {};
  return { name: str(document.name) ?? '', sha256: str(document.sha256) ?? '' };
}

/** A model with what a clean header block reads as, and no entries. */
export function modelOfHeader(block: SidecarBlock): Sidecar {
  return { version: SIDECAR_VERSION, document: buildDocument(block.data), speakers: [], claims: [], stances: [] };
}

/** What a clean entry block reads as: the entry parseSidecar puts in its model for it (made anew). */
export function modelEntryOf(section: SectionName, block: SidecarBlock, scale: VerdictScale): Speaker | Claim | Stance {
  const data = block.data as Record<string, unknown>;
  return section === 'speakers' ? buildSpeaker(data) : section === 'claims' ? buildClaim(data, scale) : buildStance(data);
}

/** An entry of an earlier model that was built from the same block as the entry at `index` (see parseBlocks). */
type EntryReuse = (section: SectionName, index: number) => Speaker | Claim | Stance | undefined;

// Optional fields are set only when present, in the order the types list them.

function buildSpeaker(s: Record<string, unknown>): Speaker {
  const speaker = { id: str(s.id) ?? '', name: str(s.name) ?? '', kind: oneOf(s.kind, SPEAKER_KINDS, 'person') } as Speaker;
  setOptional(speaker, 'role', s.role);
  speaker.aliases = strList(s.aliases);
  setOptional(speaker, 'note', s.note);
  return speaker;
}

function buildClaim(c: Record<string, unknown>, scale: VerdictScale): Claim {
  const a = isPlainObject(c.anchor) ? c.anchor : {};
  const anchor: Anchor = { exact: str(a.exact) ?? '', prefix: str(a.prefix) ?? '', suffix: str(a.suffix) ?? '', start: int(a.start), end: int(a.end) };
  const sources: SourceLink[] = list(c.sources).map((l) => {
    const link: SourceLink = { url: str(l.url) ?? '' };
    setOptional(link, 'title', l.title);
    return link;
  });
  const claim = {
    id: str(c.id) ?? '',
    anchor,
    speaker: c.speaker === null || c.speaker === undefined ? null : str(c.speaker) ?? null,
    kind: oneOf(c.kind, CLAIM_KINDS, 'direct'),
    status: oneOf(c.status, STATUSES, 'accepted'),
    verdict: str(c.verdict) ?? scale.defaultVerdict,
  } as Claim;
  setOptional(claim, 'rationale', c.rationale);
  setOptional(claim, 'note', c.note);
  claim.sources = sources;
  claim.tags = strList(c.tags);
  setOptional(claim, 'author', c.author);
  setOptional(claim, 'updated', c.updated);
  return claim;
}

function buildStance(s: Record<string, unknown>): Stance {
  const stance: Stance = { speaker: str(s.speaker) ?? '', target: str(s.target) ?? '', polarity: oneOf(s.polarity, POLARITIES, 'neutral'), claims: strList(s.claims) };
  setOptional(stance, 'summary', s.summary);
  setOptional(stance, 'author', s.author);
  setOptional(stance, 'updated', s.updated);
  return stance;
}

/** Sets an optional string field when the file has a value for it. */
function setOptional<T extends object>(target: T, key: keyof T & string, value: unknown): void {
  const text = str(value);
  if (text !== undefined) (target as Record<string, unknown>)[key] = text;
}

/** `[...text].length` without making the array: a surrogate pair is one code point, a lone surrogate one too. */
function codePointLength(text: string): number {
  if (!/[\ud800-\udfff]/.test(text)) return text.length;
  return text.length - (text.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
}

/**
 * The findings that need more than the YAML and the schema: duplicate ids,
 * references to missing speakers or claims, verdicts off the scale, anchors
 * whose offsets disagree with their text, merge-conflict blocks. Checks that
 * look at one entry alone are skipped where `checkedAlone(list, index)` says
 * that entry passed them before (parseBlocks remembers clean blocks).
 */
function checkConsistency(
  sidecar: Sidecar,
  data: Record<string, unknown>,
  at: (path: readonly (string | number)[], key?: boolean) => Node | undefined,
  reportAt: (node: Node | null | undefined, severity: Severity, code: string, message: string) => void,
  scale: VerdictScale,
  checkedAlone: (section: SectionName, index: number) => boolean = () => false,
): void {
  const speakerIds = new Map<string, number>();
  sidecar.speakers.forEach((s, i) => {
    if (!s.id) return;
    const first = speakerIds.get(s.id);
    if (first !== undefined) reportAt(at(['speakers', i, 'id']), 'error', 'duplicate-id', `speaker id "${s.id}" is used twice (also speakers[${first + 1}]): give one of them another id`);
    else speakerIds.set(s.id, i);
  });
  const claimIds = new Map<string, number>();
  sidecar.claims.forEach((c, i) => {
    if (!c.id) return;
    const first = claimIds.get(c.id);
    if (first !== undefined) reportAt(at(['claims', i, 'id']), 'error', 'duplicate-id', `claim id "${c.id}" is used twice (also claims[${first + 1}]): give one of them another id`);
    else claimIds.set(c.id, i);
  });
  const rawClaims = Array.isArray(data.claims) ? data.claims : [];
  sidecar.claims.forEach((c, i) => {
    if (c.speaker !== null && c.speaker !== '' && !speakerIds.has(c.speaker)) {
      reportAt(at(['claims', i, 'speaker']), 'error', 'unknown-speaker', `claim "${c.id}" names speaker "${c.speaker}", who is not listed under speakers: add the speaker or correct the id`);
    }
    if (checkedAlone('claims', i)) return;
    const raw = isPlainObject(rawClaims[i]) ? rawClaims[i] : {};
    if (typeof raw.verdict === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(raw.verdict) && !findVerdict(scale, c.verdict)) {
      reportAt(at(['claims', i, 'verdict']), 'warning', 'unknown-verdict',
        `verdict "${c.verdict}" is not on the verdict scale (${scale.verdicts.map((v) => v.key).join(', ')}): use one of these or add it to the claimlens.verdicts setting`);
    }
    const a = c.anchor;
    if (a.exact && a.end < a.start) {
      reportAt(at(['claims', i, 'anchor', 'end']), 'error', 'schema', `claims[${i + 1}].anchor.end is before its start: fix the offsets or delete them and run claimlens check`);
    } else if (a.exact && codePointLength(a.exact) !== a.end - a.start) {
      reportAt(at(['claims', i, 'anchor']), 'warning', 'anchor-length',
        `claims[${i + 1}].anchor spans ${a.end - a.start} characters but "exact" has ${codePointLength(a.exact)}: the text is found by "exact"; re-anchor to update the offsets`);
    }
  });
  // A `conflict` block is what `claimlens merge` leaves on an item both branches changed
  // differently (see review/conflictMarkup.ts). The file stays valid YAML, so the block must be
  // reported here or the conflict would pass review silently.
  for (const section of ['speakers', 'claims', 'stances'] as const) {
    const items = Array.isArray(data[section]) ? (data[section] as unknown[]) : [];
    items.forEach((item, i) => {
      if (checkedAlone(section, i) || !isPlainObject(item) || !Object.prototype.hasOwnProperty.call(item, 'conflict')) return;
      const block = item.conflict;
      const fields = isPlainObject(block) ? Object.keys(block).join(', ') : 'unknown field';
      const name = typeof item.id === 'string' ? `"${item.id}"` : `${section}[${i + 1}]`;
      const what = section === 'claims' ? 'claim' : section === 'speakers' ? 'speaker' : 'stance';
      reportAt(at([section, i, 'conflict'], true), 'error', 'merge-conflict-item',
        `unresolved ClaimLens merge conflict in ${what} ${name} (${fields}): keep the value you want in the field, then delete the \`conflict\` block`);
    });
  }
  const stanceKeys = new Map<string, number>();
  sidecar.stances.forEach((s, i) => {
    if (s.speaker && !speakerIds.has(s.speaker)) {
      reportAt(at(['stances', i, 'speaker']), 'error', 'unknown-speaker', `stance ${i + 1} is held by speaker "${s.speaker}", who is not listed under speakers: add the speaker or correct the id`);
    }
    s.claims.forEach((id, k) => {
      if (!claimIds.has(id)) reportAt(at(['stances', i, 'claims', k]), 'error', 'unknown-claim', `stance ${i + 1} cites claim "${id}", which is not listed under claims: correct the id or remove it`);
    });
    const key = `${s.speaker}\u0000${s.target}`;
    const first = stanceKeys.get(key);
    if (first !== undefined && s.speaker && s.target) {
      reportAt(at(['stances', i]), 'error', 'duplicate-id', `stance of "${s.speaker}" on "${s.target}" is listed twice (also stances[${first + 1}]): merge them into one`);
    } else stanceKeys.set(key, i);
  });
}
