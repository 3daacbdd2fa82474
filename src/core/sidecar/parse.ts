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
import { type Anchor, type Claim, type ClaimKind, type ClaimStatus, type Polarity, SIDECAR_VERSION, type Sidecar, type SourceLink, type Speaker, type SpeakerKind, type Stance } from './model';
import schemaJson from './sidecar.schema.json';
import { DEFAULT_VERDICT_SCALE, findVerdict, type VerdictScale } from './verdicts';

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
  if (/^\s*$/.test(text.replace(/^\s*#.*$/gm, ''))) {
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
// Parsing 5,000 claims with yaml takes seconds, and the store parses the file it
// is about to write. A file laid out the way the serializer writes it (header,
// then `speakers:`/`claims:`/`stances:` with entries starting at `  - ` and
// everything else indented by four or more) is parsed one entry at a time, each
// entry's data cached by its text: an edit re-parses only the entries it
// touched. The result is used only when it is clean (no YAML error or warning,
// no alias, valid schema, no finding at all); anything else is parsed again as
// a whole document so that every diagnostic has its exact line and column.

const QUICK_SECTIONS = new Set(['speakers', 'claims', 'stances']);
const MAX_CACHED_BLOCKS = 40_000;
let blocksNow = new Map<string, unknown>();
let blocksBefore = new Map<string, unknown>();
/** A value no block parses to: marks a block that cannot take the quick path. */
const UNCLEAN = Symbol('unclean');

/** The data of one block of text (a header, or `section:` plus one entry), or UNCLEAN. */
function blockData(blockText: string): unknown {
  let data = blocksNow.get(blockText);
  if (data !== undefined) return data;
  data = blocksBefore.get(blockText);
  if (data === undefined) {
    const doc = parseDocument(blockText, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
    if (doc.errors.length || doc.warnings.length || firstAlias(doc.contents) !== undefined) data = UNCLEAN;
    else {
      try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? UNCLEAN;
      } catch {
        data = UNCLEAN;
      }
    }
  }
  if (blocksNow.size >= MAX_CACHED_BLOCKS) {
    blocksBefore = blocksNow;
    blocksNow = new Map();
  }
  blocksNow.set(blockText, data);
  return data;
}

/** The file's data assembled from cached blocks, or undefined when the layout is not the serializer's. */
function quickData(text: string): Record<string, unknown> | undefined {
  if (!text.endsWith('\n') || text.includes('\r') || text.includes('\t')) return undefined;
  // Keys that could reach a prototype are reported with their position by the full path.
  if (/__proto__|constructor|prototype/.test(text)) return undefined;
  const lines = text.split('\n');
  lines.pop();
  let i = 0;
  const sectionStart = /^(speakers|claims|stances):$/;
  while (i < lines.length && !sectionStart.test(lines[i])) {
    if (/^(---|\.\.\.|%)/.test(lines[i])) return undefined;
    i++;
  }
  const header = blockData(lines.slice(0, i).join('\n') + '\n');
  if (!isPlainObject(header)) return undefined;
  const data: Record<string, unknown> = { ...header };
  for (const key of Object.keys(header)) if (QUICK_SECTIONS.has(key)) return undefined;
  while (i < lines.length) {
    const section = lines[i].slice(0, -1);
    if (!QUICK_SECTIONS.has(section) || section in data) return undefined;
    const items: unknown[] = [];
    i++;
    if (i >= lines.length || !lines[i].startsWith('  - ')) return undefined;
    while (i < lines.length && lines[i].startsWith('  - ')) {
      let end = i + 1;
      while (end < lines.length && (lines[end] === '' || lines[end].startsWith('    '))) end++;
      const item = blockData(`${section}:\n${lines.slice(i, end).join('\n')}\n`);
      if (!isPlainObject(item) || !Array.isArray(item[section]) || item[section].length !== 1) return undefined;
      items.push(item[section][0]);
      i = end;
    }
    data[section] = items;
    if (i < lines.length && !sectionStart.test(lines[i])) return undefined;
  }
  return data;
}

function quickParse(text: string, location: string, options: ParseOptions): ParsedSidecar | undefined {
  const data = quickData(text);
  if (!data || data.version !== SIDECAR_VERSION) return undefined;
  // Cached block data is shared between parses: it is only read from here on.
  if (Array.isArray(data.claims) && data.claims.some((c) => isPlainObject(c) && typeof c.verdict === 'boolean')) return undefined;
  const validate = schemaValidator();
  if (!validate(data)) return undefined;
  const scale = options.verdictScale ?? DEFAULT_VERDICT_SCALE;
  const sidecar = buildModel(data, scale);
  let clean = true;
  checkConsistency(sidecar, data, () => undefined, () => { clean = false; }, scale);
  if (!clean) return undefined;
  let full: ParsedSidecar | undefined;
  // Positions are wanted rarely (check reports on a clean file): parse the whole document then.
  const locate = (path: readonly (string | number)[]) => {
    full ??= parseSidecarUnguarded(text, location, { ...options, quick: false } as ParseOptions);
    return full.locate?.(path) ?? { line: 1, column: 1 };
  };
  return { sidecar, diagnostics: [], writable: true, locate };
}

// ---------------------------------------------------------------------------

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

const MAX_FLOW_DEPTH = 256;

/** Offset where `[`/`{` nesting first exceeds {@link MAX_FLOW_DEPTH} (brackets in quotes count too: harmless at this depth). */
function excessiveFlowNesting(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
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
/** Copies only the optional string fields that are present. */
function optional<K extends string>(source: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = str(source[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Builds the model leniently: every item of the file becomes an item of the
 * model (so nothing is dropped on a later write), with defaults for missing
 * optional fields. Schema errors are reported separately.
 */
function buildModel(data: Record<string, unknown>, scale: VerdictScale): Sidecar {
  const document = isPlainObject(data.document) ? data.document : {};
  const speakers: Speaker[] = list(data.speakers).map((s) => ({
    id: str(s.id) ?? '',
    name: str(s.name) ?? '',
    kind: oneOf(s.kind, SPEAKER_KINDS, 'person'),
    ...optional(s, ['role'] as const),
    aliases: strList(s.aliases),
    ...optional(s, ['note'] as const),
  }));
  const claims: Claim[] = list(data.claims).map((c) => {
    const a = isPlainObject(c.anchor) ? c.anchor : {};
    const anchor: Anchor = { exact: str(a.exact) ?? '', prefix: str(a.prefix) ?? '', suffix: str(a.suffix) ?? '', start: int(a.start), end: int(a.end) };
    const sources: SourceLink[] = list(c.sources).map((l) => ({ url: str(l.url) ?? '', ...optional(l, ['title'] as const) }));
    return {
      id: str(c.id) ?? '',
      anchor,
      speaker: c.speaker === null || c.speaker === undefined ? null : str(c.speaker) ?? null,
      kind: oneOf(c.kind, CLAIM_KINDS, 'direct'),
      status: oneOf(c.status, STATUSES, 'accepted'),
      verdict: str(c.verdict) ?? scale.defaultVerdict,
      ...optional(c, ['rationale', 'note'] as const),
      sources,
      tags: strList(c.tags),
      ...optional(c, ['author', 'updated'] as const),
    };
  });
  const stances: Stance[] = list(data.stances).map((s) => ({
    speaker: str(s.speaker) ?? '',
    target: str(s.target) ?? '',
    polarity: oneOf(s.polarity, POLARITIES, 'neutral'),
    claims: strList(s.claims),
    ...optional(s, ['summary', 'author', 'updated'] as const),
  }));
  return {
    version: SIDECAR_VERSION,
    document: { name: str(document.name) ?? '', sha256: str(document.sha256) ?? '' },
    speakers,
    claims,
    stances,
  };
}

function checkConsistency(
  sidecar: Sidecar,
  data: Record<string, unknown>,
  at: (path: readonly (string | number)[], key?: boolean) => Node | undefined,
  reportAt: (node: Node | null | undefined, severity: Severity, code: string, message: string) => void,
  scale: VerdictScale,
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
    const raw = isPlainObject(rawClaims[i]) ? rawClaims[i] : {};
    if (typeof raw.verdict === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(raw.verdict) && !findVerdict(scale, c.verdict)) {
      reportAt(at(['claims', i, 'verdict']), 'warning', 'unknown-verdict',
        `verdict "${c.verdict}" is not on the verdict scale (${scale.verdicts.map((v) => v.key).join(', ')}): use one of these or add it to the claimlens.verdicts setting`);
    }
    const a = c.anchor;
    if (a.exact && a.end < a.start) {
      reportAt(at(['claims', i, 'anchor', 'end']), 'error', 'schema', `claims[${i + 1}].anchor.end is before its start: fix the offsets or delete them and run claimlens check`);
    } else if (a.exact && [...a.exact].length !== a.end - a.start) {
      reportAt(at(['claims', i, 'anchor']), 'warning', 'anchor-length',
        `claims[${i + 1}].anchor spans ${a.end - a.start} characters but "exact" has ${[...a.exact].length}: the text is found by "exact"; re-anchor to update the offsets`);
    }
  });
  // A `conflict` block is what `claimlens merge` leaves on an item both branches changed
  // differently (see review/conflictMarkup.ts). The file stays valid YAML, so the block must be
  // reported here or the conflict would pass review silently.
  for (const section of ['speakers', 'claims', 'stances'] as const) {
    const items = Array.isArray(data[section]) ? (data[section] as unknown[]) : [];
    items.forEach((item, i) => {
      if (!isPlainObject(item) || !Object.prototype.hasOwnProperty.call(item, 'conflict')) return;
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
