/**
 * Merging the outputs of a map step run elsewhere (shards of `claimlens
 * extract --json`, or saved index snapshots) into one corpus index and its
 * speaker registry: the reduce step of `claimlens index merge`.
 *
 * Inputs are merged in the order given; a document present in several inputs
 * keeps the last one, and that is reported. Malformed lines are reported with
 * their file and line, and skipped: one bad shard line does not lose the rest.
 *
 * {@link IndexMerger} takes documents one at a time, each extraction already
 * in the store of the index to be made, so that the CLI can stream inputs of
 * any size; {@link mergeIndexInputs} does the same for inputs held as text.
 */
import { CorpusIndex, type CorpusIndexOptions } from './corpusIndex';
import { REGISTRY_RULES_VERSION, summarizeSpeakers } from './registry';
import { extractionProblem, normalizeExtraction, parseSnapshot, SNAPSHOT_FORMAT, type DocumentHead } from './snapshot';
import { MemoryExtractionStore } from './store';
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

/** Whether a text (or the first bytes of a file, decoded) is an index snapshot; otherwise it is read as JSON Lines. */
export function isSnapshot(text: string): boolean {
  const head = text.slice(0, 200).replace(/^\uFEFF/, '').replace(/\s+/g, '');
  return head.startsWith(`{"format":"${SNAPSHOT_FORMAT}"`);
}

/** One line of `claimlens extract --json`: its head and the extraction's JSON text, or undefined (a problem is recorded). */
export function parseExtractLine(line: string, where: string, problems: string[]): { head: DocumentHead; json: string } | undefined {
  if (line.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    problems.push(`${where}: not a JSON line; skipped`);
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof o.path !== 'string') {
    problems.push(`${where}: no "path"; skipped (expected one \`claimlens extract --json\` object per line)`);
    return undefined;
  }
  const problem = extractionProblem(o);
  if (problem) {
    problems.push(`${where}: ${problem}; skipped`);
    return undefined;
  }
  const extraction = normalizeExtraction(o as unknown as DocumentExtraction);
  return {
    head: { location: o.path, sha256: typeof o.sha256 === 'string' ? o.sha256 : '', speakers: summarizeSpeakers(o.path, extraction) },
    json: JSON.stringify(extraction),
  };
}

/** Collects documents from several inputs, then makes one index of them. */
export class IndexMerger {
  readonly problems: string[] = [];
  private readonly records = new Map<string, { from: string; head: DocumentHead; ref: unknown; trustKeys: boolean }>();
  private speakerIds: Record<string, string> | undefined;
  private speakerIdsFrom: string | undefined;

  /** `options.store` holds every extraction given to `add` (default: a new in-memory store). */
  constructor(private readonly options: CorpusIndexOptions = {}) {
    this.options = { ...options, store: options.store ?? new MemoryExtractionStore() };
  }

  get store() {
    return this.options.store!;
  }

  /**
   * The first snapshot's speaker ids stay stable; later ones get new ids where
   * they collide. `from` names the input (ids given to it more than once, from
   * its changes file, are added).
   */
  useSpeakerIds(ids: Record<string, string>, from = ''): void {
    if (this.speakerIds === undefined) { this.speakerIds = { ...ids }; this.speakerIdsFrom = from; }
    else if (from !== '' && from === this.speakerIdsFrom) for (const [k, id] of Object.entries(ids)) this.speakerIds[k] ??= id;
  }

  /** A document that input `from` removed (its changes file): dropped if that input is where it came from. */
  remove(from: string, location: string): void {
    const r = this.records.get(location);
    if (r && r.from === from) {
      this.store.release(r.ref);
      this.records.delete(location);
    }
  }

  /** A document from input `from`, its extraction already in the store; a later input's copy of a location wins. */
  add(from: string, head: DocumentHead, ref: unknown, trustKeys = true): void {
    const earlier = this.records.get(head.location);
    if (earlier !== undefined) {
      this.problems.push(`${from}: ${head.location} is also in ${earlier.from}; keeping the one from ${from}`);
      this.store.release(earlier.ref);
    }
    this.records.set(head.location, { from, head, ref, trustKeys });
  }

  get documents(): number {
    return this.records.size;
  }

  finish(): MergeResult {
    const index = new CorpusIndex(this.options, this.speakerIds);
    // Sorted, so that ids given to new speakers do not depend on shard order.
    for (const location of [...this.records.keys()].sort()) {
      const r = this.records.get(location)!;
      index.addStored(r.head, r.ref, r.trustKeys);
    }
    return { index, problems: this.problems, documents: this.records.size };
  }
}

/** Merges shards and snapshots, each held as one text, into one index. */
export function mergeIndexInputs(inputs: readonly MergeInput[], options: CorpusIndexOptions = {}): MergeResult {
  const merger = new IndexMerger(options);
  for (const input of inputs) {
    if (isSnapshot(input.text)) {
      try {
        const snap = parseSnapshot(input.text, input.name);
        if (snap.outdatedVersion !== undefined) {
          merger.problems.push(`${input.name}: an index in an older format (version ${snap.outdatedVersion}); skipped (rebuild it with 'claimlens index build')`);
          continue;
        }
        merger.useSpeakerIds(snap.speakerIds);
        const trustKeys = snap.registry === REGISTRY_RULES_VERSION;
        for (const d of snap.documents) {
          const extraction = normalizeExtraction(d.extraction);
          const speakers = d.speakers ?? summarizeSpeakers(d.location, extraction);
          const head: DocumentHead = {
            location: d.location, sha256: d.sha256, speakers,
            ...(d.mtime !== undefined ? { mtime: d.mtime } : {}), ...(d.size !== undefined ? { size: d.size } : {}),
          };
          merger.add(input.name, head, merger.store.put(JSON.stringify(extraction)), trustKeys);
        }
      } catch (e) {
        merger.problems.push(`${(e as Error).message}; skipped`);
      }
    } else {
      input.text.split('\n').forEach((line, i) => {
        const parsed = parseExtractLine(line, `${input.name}:${i + 1}`, merger.problems);
        if (parsed) merger.add(input.name, parsed.head, merger.store.put(parsed.json));
      });
    }
  }
  return merger.finish();
}
