/**
 * Merging the outputs of a map step run elsewhere (shards of `claimlens
 * extract --json`, or saved index snapshots) into one corpus index and its
 * speaker registry: the reduce step of `claimlens index merge`.
 *
 * Inputs are merged in the order given; a document present in several inputs
 * keeps the last one, and that is reported. Malformed lines are reported with
 * their file and line, and skipped: one bad shard line does not lose the rest.
 */
import { CorpusIndex, type CorpusIndexOptions } from './corpusIndex';
import { extractionProblem, parseSnapshot, SNAPSHOT_FORMAT, type DocumentRecord } from './snapshot';
import type { DocumentExtraction } from '../extract/types';

export interface MergeInput {
  /** Shown in problems, e.g. the shard's file name. */
  name: string;
  text: string;
}

export interface MergeResult {
  index: CorpusIndex;
  /** One line each, `name:line: message`. */
  problems: string[];
  documents: number;
}

/** Whether a text is an index snapshot (otherwise it is read as JSON Lines). */
function isSnapshot(text: string): boolean {
  const head = text.slice(0, 200).replace(/\s+/g, '');
  return head.startsWith(`{"format":"${SNAPSHOT_FORMAT}"`);
}

/** Parses one shard of `claimlens extract --json` output into document records. */
export function parseExtractLines(input: MergeInput, problems: string[]): DocumentRecord[] {
  const records: DocumentRecord[] = [];
  const lines = input.text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${input.name}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      problems.push(`${where}: not a JSON line; skipped`);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof o.path !== 'string') {
      problems.push(`${where}: no "path"; skipped (expected one \`claimlens extract --json\` object per line)`);
      return;
    }
    const problem = extractionProblem(o);
    if (problem) {
      problems.push(`${where}: ${problem}; skipped`);
      return;
    }
    const ex = o as unknown as DocumentExtraction & { sha256?: unknown };
    records.push({
      location: o.path,
      sha256: typeof ex.sha256 === 'string' ? ex.sha256 : '',
      extraction: { speakers: ex.speakers, claims: ex.claims, stances: ex.stances ?? [] },
    });
  });
  return records;
}

/** Merges shards and snapshots into one index. */
export function mergeIndexInputs(inputs: readonly MergeInput[], options: CorpusIndexOptions = {}): MergeResult {
  const problems: string[] = [];
  const from = new Map<string, string>();
  const records = new Map<string, DocumentRecord>();
  let speakerIds: Record<string, string> | undefined;
  for (const input of inputs) {
    let list: DocumentRecord[];
    if (isSnapshot(input.text)) {
      try {
        const snap = parseSnapshot(input.text, input.name);
        list = snap.documents;
        speakerIds ??= snap.speakerIds; // the first snapshot's ids stay stable; later ones get new ids if they collide
      } catch (e) {
        problems.push(`${(e as Error).message}; skipped`);
        continue;
      }
    } else {
      list = parseExtractLines(input, problems);
    }
    for (const r of list) {
      const earlier = from.get(r.location);
      if (earlier !== undefined) problems.push(`${input.name}: ${r.location} is also in ${earlier}; keeping the one from ${input.name}`);
      from.set(r.location, input.name);
      records.set(r.location, r);
    }
  }
  const index = new CorpusIndex(options, speakerIds);
  // Sorted, so that ids given to new speakers do not depend on shard order.
  for (const location of [...records.keys()].sort()) index.addExtracted(records.get(location)!);
  return { index, problems, documents: records.size };
}
