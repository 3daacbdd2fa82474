/**
 * The persisted form of a corpus index:
 *
 * ```
 * {"format": "claimlens-index", "version": 1, "extractor": "extractor-1",
 *  "speakerIds": {"person:emmanuel macron": "emmanuel-macron", …},
 *  "documents": [{"location": "…", "sha256": "…", "mtime": 0, "size": 0,
 *                 "extraction": {"speakers": […], "claims": […], "stances": […]}}, …]}
 * ```
 *
 * `extraction` has exactly the shape of one `claimlens extract --json` line
 * (without `path`), so shard outputs and snapshots merge the same way.
 * `sha256` is that of the text as UTF-8 (BOM not included); `mtime`/`size`
 * are optional and only let a restart skip reading unchanged files.
 */
import type { DocumentExtraction } from '../extract/types';

export const SNAPSHOT_FORMAT = 'claimlens-index';
export const SNAPSHOT_VERSION = 1;

export interface DocumentRecord {
  location: string;
  /** Hex SHA-256 of the text; '' when unknown (merged from shard outputs). */
  sha256: string;
  mtime?: number;
  size?: number;
  extraction: DocumentExtraction;
}

export interface IndexSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  extractor: string;
  documents: DocumentRecord[];
  speakerIds: Record<string, string>;
}

export class SnapshotError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Parses and checks a snapshot; `name` (a file) prefixes every error message. */
export function parseSnapshot(text: string, name: string): IndexSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`${name}: not valid JSON (${(e as Error).message}); delete it to rebuild the index`);
  }
  if (!isObject(v) || v.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${name}: not a ClaimLens index (no "format": "${SNAPSHOT_FORMAT}")`);
  if (v.version !== SNAPSHOT_VERSION) throw new SnapshotError(`${name}: index format version ${String(v.version)} is not supported (expected ${SNAPSHOT_VERSION}); delete it to rebuild`);
  if (typeof v.extractor !== 'string' || !Array.isArray(v.documents)) throw new SnapshotError(`${name}: index lacks "extractor" or "documents"`);
  const ids = isObject(v.speakerIds) ? v.speakerIds : {};
  const speakerIds: Record<string, string> = {};
  for (const [k, id] of Object.entries(ids)) if (typeof id === 'string') speakerIds[k] = id;
  const documents: DocumentRecord[] = [];
  v.documents.forEach((d, i) => {
    if (!isObject(d) || typeof d.location !== 'string' || typeof d.sha256 !== 'string') {
      throw new SnapshotError(`${name}: document #${i + 1} lacks "location" or "sha256"`);
    }
    const problem = extractionProblem(d.extraction);
    if (problem) throw new SnapshotError(`${name}: document ${d.location}: ${problem}`);
    const ex = d.extraction as unknown as DocumentExtraction;
    documents.push({
      location: d.location,
      sha256: d.sha256,
      ...(typeof d.mtime === 'number' ? { mtime: d.mtime } : {}),
      ...(typeof d.size === 'number' ? { size: d.size } : {}),
      extraction: { speakers: ex.speakers, claims: ex.claims, stances: ex.stances ?? [] },
    });
  });
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, extractor: v.extractor, documents, speakerIds };
}
