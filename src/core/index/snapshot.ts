/**
 * The persisted form of a corpus index (format version 2), one JSON text with
 * one document per line:
 *
 * ```
 * {"format":"claimlens-index","version":2,"extractor":"extractor-1","registry":1,"speakerIds":{"person:emmanuel macron":"emmanuel-macron",…},
 * "documents":[
 * {"location":"…","sha256":"…","mtime":0,"size":0,"speakers":[["macron","Macron","person",null,[],2,1,"surname:macron:"],…],"extraction":{"speakers":[…],"claims":[…],"stances":[…]}},
 * …
 * ],
 * "table":[["…","…",0,0,1234,56,1300,9000],…],"tableOffset":1234567}
 * ```
 *
 * - The last line, optional (the core writes `\n]}` instead), is a table of
 *   where each document's summaries and extraction are in the file (byte
 *   offsets and lengths, with the document's location, hash, time and size),
 *   and `tableOffset` where that line starts: a reader takes the last bytes of
 *   the file, then the table, and never reads the documents it does not need.
 *   A reader that finds no valid table reads the file line by line.
 * - `extraction` has exactly the shape of one `claimlens extract --json` line
 *   (without `path`), so shard outputs and snapshots merge the same way. It is
 *   always the LAST field of its line, after the marker `,"extraction":`, so a
 *   reader can take everything before it (the head) without parsing the
 *   extraction, and keep the extraction's bytes where they are (on disk) until
 *   someone asks for that document.
 * - `speakers` summarises the document's speakers for the registry
 *   (registry.ts, `SpeakerSummary`): a restart rebuilds the speaker registry
 *   from the heads alone. `registry` is the version of the clustering rules
 *   that made the keys in it.
 * - `sha256` is that of the text as UTF-8 (BOM not included; '' when unknown,
 *   e.g. merged from shard outputs); `mtime`/`size` are optional and only let a
 *   restart skip reading unchanged files.
 *
 * Version 1 (no `speakers`, no `registry`) is read as "outdated": its speaker
 * ids are kept, its documents are extracted again.
 *
 * Changes file (`<index>.changes`, JSON Lines, written by the CLI): a few
 * changed documents are appended there instead of rewriting a large index.
 * Its first line names the index it applies to
 * (`{"format":"claimlens-index-changes","version":1,"base":"<id>"}`); then,
 * in order: document lines as above (a newer copy of the document),
 * `{"removed":"<location>"}`, and `{"speakerIds":{…}}` (ids given since). A
 * last line without its newline was cut short by a crash and is ignored.
 */
import type { DocumentExtraction } from '../extract/types';
import { REGISTRY_RULES_VERSION, type SpeakerSummary } from './registry';

export const SNAPSHOT_FORMAT = 'claimlens-index';
export const SNAPSHOT_VERSION = 2;

/** What precedes each document's extraction on its line; it cannot occur earlier on the line (quotes in strings are escaped). */
export const EXTRACTION_MARKER = ',"extraction":';
/** What precedes each document's speaker summaries on its line: a reader can take the fields before it alone. */
export const SPEAKERS_MARKER = ',"speakers":';

export interface DocumentRecord {
  location: string;
  /** Hex SHA-256 of the text; '' when unknown (merged from shard outputs). */
  sha256: string;
  mtime?: number;
  size?: number;
  extraction: DocumentExtraction;
}

/** A document line without its extraction. */
export interface DocumentHead {
  location: string;
  sha256: string;
  mtime?: number;
  size?: number;
  speakers: SpeakerSummary[];
}

export interface SnapshotHeader {
  /** Names this very file (a writer's random id): a changes file applies to the index it names only. */
  id?: string;
  extractor: string;
  /** The clustering rules version the persisted registry keys were made with. */
  registry: number;
  speakerIds: Record<string, string>;
  /** Set when the file is an older format: only the speaker ids were kept, every document is to be extracted again. */
  outdatedVersion?: number;
}

export interface IndexSnapshot extends SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  documents: (DocumentRecord & { speakers?: SpeakerSummary[] })[];
}

export class SnapshotError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = new Set(['person', 'organization', 'group', 'anonymous']);

/** Checks the shape of one document's extraction; returns a problem or undefined. */
export function extractionProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'extraction is not an object';
  if (!Array.isArray(v.speakers)) return 'speakers is not a list';
  if (!Array.isArray(v.claims)) return 'claims is not a list';
  for (const s of v.speakers) {
    if (!isObject(s) || typeof s.id !== 'string' || typeof s.name !== 'string' || typeof s.kind !== 'string' || !Array.isArray(s.mentions) || !Array.isArray(s.aliases)) {
      return 'a speaker lacks id, name, kind, aliases or mentions';
    }
  }
  for (const c of v.claims) {
    if (!isObject(c) || typeof c.id !== 'string' || typeof c.start !== 'number' || typeof c.end !== 'number' || !(c.speaker === null || typeof c.speaker === 'string')) {
      return 'a claim lacks id, start, end or speaker';
    }
  }
  if (v.stances !== undefined && !Array.isArray(v.stances)) return 'stances is not a list';
  return undefined;
}

/** Checks a persisted list of speaker summaries; returns a problem or undefined. */
export function summariesProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return '"speakers" is not a list';
  for (const s of v) {
    if (!Array.isArray(s) || s.length !== 8 || typeof s[0] !== 'string' || typeof s[1] !== 'string' || !KINDS.has(s[2] as string) ||
      !(s[3] === null || typeof s[3] === 'string') || !Array.isArray(s[4]) || !(s[4] as unknown[]).every((a) => typeof a === 'string') ||
      typeof s[5] !== 'number' || typeof s[6] !== 'number' || typeof s[7] !== 'string') {
      return 'a speaker summary is not [id, name, kind, role, aliases, mentions, claims, key]';
    }
  }
  return undefined;
}

/** The extraction as stored: exactly speakers, claims and stances (a shard line's `path` and other fields dropped). */
export function normalizeExtraction(v: DocumentExtraction): DocumentExtraction {
  return { speakers: v.speakers, claims: v.claims, stances: v.stances ?? [] };
}

// ---------------------------------------------------------------- writing

/** The first two lines of a snapshot. */
export function snapshotHeaderText(header: { id?: string; extractor: string; speakerIds: Record<string, string> }): string {
  return `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"version":${SNAPSHOT_VERSION},${header.id !== undefined ? `"id":${JSON.stringify(header.id)},` : ''}"extractor":${JSON.stringify(header.extractor)},` +
    `"registry":${REGISTRY_RULES_VERSION},"speakerIds":${JSON.stringify(header.speakerIds)},\n"documents":[\n`;
}

/** A document line up to and including the speakers marker; the summaries' JSON, the extraction marker, the extraction's JSON and `}` follow. */
export function documentFactsText(head: Omit<DocumentHead, 'speakers'>): string {
  return `{"location":${JSON.stringify(head.location)},"sha256":${JSON.stringify(head.sha256)}` +
    (head.mtime !== undefined ? `,"mtime":${head.mtime}` : '') +
    (head.size !== undefined ? `,"size":${head.size}` : '') +
    SPEAKERS_MARKER;
}

export const CHANGES_FORMAT = 'claimlens-index-changes';
export const CHANGES_VERSION = 1;

/** Between two document lines. */
export const DOCUMENT_SEPARATOR = ',\n';
/** After the last document line. */
export const SNAPSHOT_END = '\n]}\n';

// ---------------------------------------------------------------- reading

/**
 * Reads the header (the first line, without the `"documents":[` line). A file
 * in an older format gives its speaker ids and `outdatedVersion`; anything that
 * is not a ClaimLens index throws SnapshotError.
 */
export function parseSnapshotHeader(v: unknown, name: string): SnapshotHeader {
  if (!isObject(v) || v.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${name}: not a ClaimLens index (no "format": "${SNAPSHOT_FORMAT}")`);
  const speakerIds: Record<string, string> = {};
  if (isObject(v.speakerIds)) for (const [k, id] of Object.entries(v.speakerIds)) if (typeof id === 'string') speakerIds[k] = id;
  if (typeof v.version === 'number' && Number.isInteger(v.version) && v.version >= 1 && v.version < SNAPSHOT_VERSION) {
    return { extractor: typeof v.extractor === 'string' ? v.extractor : '', registry: 0, speakerIds, outdatedVersion: v.version };
  }
  if (v.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`${name}: index format version ${String(v.version)} is newer than this ClaimLens reads (${SNAPSHOT_VERSION}); update ClaimLens, or delete the index to rebuild it`);
  }
  if (typeof v.extractor !== 'string') throw new SnapshotError(`${name}: index lacks "extractor"`);
  return { ...(typeof v.id === 'string' ? { id: v.id } : {}), extractor: v.extractor, registry: typeof v.registry === 'number' ? v.registry : 0, speakerIds };
}

/** Checks a document's parsed fields before `speakers`; `where` (file:line, or file and document number) prefixes errors. */
export function checkDocumentFacts(d: unknown, where: string): Omit<DocumentHead, 'speakers'> {
  if (!isObject(d) || typeof d.location !== 'string' || typeof d.sha256 !== 'string') {
    throw new SnapshotError(`${where}: document lacks "location" or "sha256"; delete the index to rebuild it`);
  }
  return {
    location: d.location,
    sha256: d.sha256,
    ...(typeof d.mtime === 'number' ? { mtime: d.mtime } : {}),
    ...(typeof d.size === 'number' ? { size: d.size } : {}),
  };
}

/** Checks a parsed document head; `where` (file:line, or file and document number) prefixes errors. */
export function checkDocumentHead(d: unknown, where: string): DocumentHead {
  if (!isObject(d) || typeof d.location !== 'string' || typeof d.sha256 !== 'string') {
    throw new SnapshotError(`${where}: document lacks "location" or "sha256"; delete the index to rebuild it`);
  }
  const problem = summariesProblem(d.speakers);
  if (problem) throw new SnapshotError(`${where}: document ${d.location}: ${problem}; delete the index to rebuild it`);
  return {
    location: d.location,
    sha256: d.sha256,
    ...(typeof d.mtime === 'number' ? { mtime: d.mtime } : {}),
    ...(typeof d.size === 'number' ? { size: d.size } : {}),
    speakers: d.speakers as SpeakerSummary[],
  };
}

/** Parses and checks a whole snapshot held as one text; `name` (a file) prefixes every error message. */
export function parseSnapshot(text: string, name: string): IndexSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`${name}: not valid JSON (${(e as Error).message}); delete it to rebuild the index`);
  }
  const header = parseSnapshotHeader(v, name);
  const o = v as Record<string, unknown>;
  if (header.outdatedVersion !== undefined) return { format: SNAPSHOT_FORMAT, version: header.outdatedVersion, ...header, documents: [] };
  if (!Array.isArray(o.documents)) throw new SnapshotError(`${name}: index lacks "documents"`);
  const documents: IndexSnapshot['documents'] = o.documents.map((d: unknown, i: number) => {
    const head = checkDocumentHead(d, `${name}: document #${i + 1}`);
    const extraction = (d as Record<string, unknown>).extraction;
    const problem = extractionProblem(extraction);
    if (problem) throw new SnapshotError(`${name}: document ${head.location}: ${problem}`);
    return { ...head, extraction: normalizeExtraction(extraction as DocumentExtraction) };
  });
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, ...header, documents };
}
