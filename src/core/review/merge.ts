/**
 * Three-way semantic merge of sidecars, for Git's merge driver.
 *
 * Items are matched by identity, not by line: speakers and claims by `id`,
 * stances by (speaker, target). Within an item every field merges on its own,
 * so two fact-checkers who touch different claims, or different fields of one
 * claim, never conflict. Set-like fields (tags, sources, aliases, evidence)
 * merge as sets: additions from both sides are kept, removals from either side
 * apply. A true conflict (one field changed two different ways, or one side
 * deleted an item the other edited) keeps our value in place, and records both
 * values on that item only; see {@link MergeConflict}.
 *
 * Deliberate rules (each is tested):
 * - `updated` takes the later date and never conflicts; `author` follows it.
 * - Anchors: one side re-anchored → take that side. Both re-anchored to the
 *   same text (both edited the document) → no conflict, take the side with the
 *   later `updated` (ours on a tie): positions are re-checked against the
 *   merged document anyway. Both changed the claimed span to different texts →
 *   conflict on `anchor`.
 * - A claim id added on both sides for two different spans is two claims: the
 *   other side's claim gets a fresh id (`<id>-2`, …), and its stance evidence
 *   follows it. The same id for the same span is the same claim.
 * - A speaker deleted on one side (e.g. merged into another) but still used by
 *   a claim from the other side is kept, with a conflict, rather than leaving a
 *   dangling reference.
 * - `document.sha256` is a record of the text last checked, not a decision:
 *   it takes the side that changed it, ours when both did.
 */
import type { Anchor, Claim, Sidecar, SourceLink, Speaker, Stance } from '../sidecar/model';
import { stanceKey } from './diff';

export type MergeValue = unknown;

export interface MergeConflict {
  entity: 'claim' | 'speaker' | 'stance';
  /** Claim or speaker id; for stances `speaker → target`. */
  id: string;
  /** For stances, the identity of the stance item. */
  stance?: { speaker: string; target: string };
  /** The field in conflict; `item` when one side deleted what the other edited. */
  field: string;
  /** The values; `undefined` = field unset / item deleted on that side. */
  base: MergeValue;
  ours: MergeValue;
  theirs: MergeValue;
}

export interface MergeResult {
  merged: Sidecar;
  conflicts: MergeConflict[];
  /** Claims from "theirs" that got a fresh id because "ours" used the same id for another span. */
  renamedClaims: Array<{ from: string; to: string }>;
}

/** `base` is undefined when the file did not exist in the common ancestor (added on both sides). */
export function mergeSidecars(base: Sidecar | undefined, ours: Sidecar, theirs: Sidecar): MergeResult {
  const conflicts: MergeConflict[] = [];
  const renamedClaims: Array<{ from: string; to: string }> = [];
  const baseSidecar: Sidecar = base ?? { version: ours.version, document: ours.document, speakers: [], claims: [], stances: [] };

  // Rename "theirs" claims whose id collides with a different claim of ours.
  const theirsAdjusted = separateCollidingClaims(baseSidecar, ours, theirs, renamedClaims);

  const claims = mergeCollection(
    baseSidecar.claims, ours.claims, theirsAdjusted.claims, (c) => c.id,
    (b, o, t) => mergeClaim(b, o, t, conflicts),
    (id, field, b, o, t) => conflicts.push({ entity: 'claim', id, field, base: b, ours: o, theirs: t }),
    // Re-anchoring (the document moved under the claim) is not an edit that should resist a deletion.
    (kept, b) => deepEqual({ ...kept, anchor: kept.anchor.exact }, { ...b, anchor: b.anchor.exact }),
  );
  claims.sort((a, b) => a.anchor.start - b.anchor.start || a.anchor.end - b.anchor.end || compare(a.id, b.id));

  const speakers = mergeCollection(
    baseSidecar.speakers, ours.speakers, theirsAdjusted.speakers, (s) => s.id,
    (b, o, t) => mergeSpeaker(b, o, t, conflicts),
    (id, field, b, o, t) => conflicts.push({ entity: 'speaker', id, field, base: b, ours: o, theirs: t }),
  );
  // Keep speakers that one side deleted but a merged claim still names.
  for (const claim of claims) {
    if (claim.speaker === null || speakers.some((s) => s.id === claim.speaker)) continue;
    const kept = ours.speakers.find((s) => s.id === claim.speaker) ?? theirsAdjusted.speakers.find((s) => s.id === claim.speaker)
      ?? baseSidecar.speakers.find((s) => s.id === claim.speaker);
    if (!kept) continue;
    speakers.push(clone(kept));
    conflicts.push({
      entity: 'speaker', id: kept.id, field: 'item', base: kept,
      ours: ours.speakers.some((s) => s.id === kept.id) ? kept : undefined,
      theirs: theirsAdjusted.speakers.some((s) => s.id === kept.id) ? kept : undefined,
    });
  }

  const stances = mergeCollection(
    baseSidecar.stances, ours.stances, theirsAdjusted.stances, stanceKey,
    (b, o, t) => mergeStance(b, o, t, conflicts),
    (key, field, b, o, t) => {
      const [speaker, target] = key.split('\u0000');
      conflicts.push({ entity: 'stance', id: `${speaker} → ${target}`, stance: { speaker, target }, field, base: b, ours: o, theirs: t });
    },
  );

  const merged: Sidecar = {
    version: Math.max(ours.version, theirs.version),
    document: {
      name: pick(baseSidecar.document.name, ours.document.name, theirs.document.name),
      sha256: pick(base?.document.sha256, ours.document.sha256, theirs.document.sha256) ?? ours.document.sha256,
    },
    speakers,
    claims,
    stances,
  };
  return { merged, conflicts, renamedClaims };
}

// --------------------------------------------------------------- collections

/**
 * Merges lists of items keyed by identity. Order: ours first (as it was), then
 * items only theirs has, in their order; callers re-sort where order means
 * something (claims by position).
 */
function mergeCollection<T>(
  base: readonly T[],
  ours: readonly T[],
  theirs: readonly T[],
  key: (item: T) => string,
  mergeItem: (base: T | undefined, ours: T, theirs: T) => T,
  conflict: (key: string, field: string, base: T | undefined, ours: T | undefined, theirs: T | undefined) => void,
  unchanged: (kept: T, base: T) => boolean = deepEqual,
): T[] {
  const baseBy = new Map(base.map((x) => [key(x), x]));
  const oursBy = new Map(ours.map((x) => [key(x), x]));
  const theirsBy = new Map(theirs.map((x) => [key(x), x]));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const list of [ours, theirs, base]) {
    for (const item of list) {
      const k = key(item);
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }

  const result: T[] = [];
  for (const k of keys) {
    const b = baseBy.get(k);
    const o = oursBy.get(k);
    const t = theirsBy.get(k);
    if (o && t) {
      result.push(deepEqual(o, t) ? clone(o) : mergeItem(b, o, t));
    } else if (!o && !t) {
      // Deleted on both sides.
    } else if (!b) {
      result.push(clone((o ?? t) as T)); // added on one side only
    } else {
      // Present in base, deleted on one side.
      const kept = (o ?? t) as T;
      if (unchanged(kept, b)) continue; // the other side did not touch it: the deletion wins
      result.push(clone(kept)); // deleted against edited: keep the edit, and say so
      conflict(k, 'item', b, o, t);
    }
  }
  return result;
}

// ------------------------------------------------------------------- claims

function mergeClaim(base: Claim | undefined, ours: Claim, theirs: Claim, conflicts: MergeConflict[]): Claim {
  const id = ours.id;
  const record = (field: string, b: unknown, o: unknown, t: unknown) =>
    conflicts.push({ entity: 'claim', id, field, base: b, ours: o, theirs: t });
  const scalar = <K extends 'speaker' | 'kind' | 'status' | 'verdict' | 'rationale' | 'note'>(field: K): Claim[K] =>
    mergeScalar(base?.[field], ours[field], theirs[field], (b, o, t) => record(field, b, o, t)) as Claim[K];

  const { updated, author } = mergeUpdated(base, ours, theirs);
  const merged: Claim = {
    id,
    anchor: mergeAnchor(base, ours, theirs, record),
    speaker: scalar('speaker'),
    kind: scalar('kind'),
    status: scalar('status'),
    verdict: scalar('verdict'),
    sources: mergeSources(base?.sources ?? [], ours.sources, theirs.sources, (b, o, t) => record('sources', b, o, t)),
    tags: mergeSet(base?.tags ?? [], ours.tags, theirs.tags),
  };
  const rationale = scalar('rationale');
  const note = scalar('note');
  if (rationale !== undefined) merged.rationale = rationale;
  if (note !== undefined) merged.note = note;
  if (author !== undefined) merged.author = author;
  if (updated !== undefined) merged.updated = updated;
  return merged;
}

function mergeAnchor(
  base: Claim | undefined,
  ours: Claim,
  theirs: Claim,
  record: (field: string, b: unknown, o: unknown, t: unknown) => void,
): Anchor {
  const b = base?.anchor;
  const o = ours.anchor;
  const t = theirs.anchor;
  if (deepEqual(o, t)) return { ...o };
  if (b && deepEqual(o, b)) return { ...t };
  if (b && deepEqual(t, b)) return { ...o };
  if (o.exact === t.exact) {
    // Both re-anchored the same words (each side edited the document): the
    // merged document is re-checked anyway, so take the fresher anchor.
    return { ...(laterOf(theirs.updated, ours.updated) === 'theirs' ? t : o) };
  }
  record('anchor', b, o, t);
  return { ...o };
}

/** `updated` never conflicts: the later date wins, and `author` goes with it. */
function mergeUpdated(
  base: Pick<Claim, 'updated' | 'author'> | undefined,
  ours: Pick<Claim, 'updated' | 'author'>,
  theirs: Pick<Claim, 'updated' | 'author'>,
): { updated?: string; author?: string } {
  const oursChanged = !base || ours.updated !== base.updated || ours.author !== base.author;
  const theirsChanged = !base || theirs.updated !== base.updated || theirs.author !== base.author;
  const side = !theirsChanged ? ours : !oursChanged ? theirs : laterOf(theirs.updated, ours.updated) === 'theirs' ? theirs : ours;
  return { updated: side.updated, author: side.author };
}

/** Which date is later; ISO 8601 dates and date-times compare as strings once normalised. */
function laterOf(theirs: string | undefined, ours: string | undefined): 'ours' | 'theirs' {
  if (theirs === undefined) return 'ours';
  if (ours === undefined) return 'theirs';
  const t = Date.parse(theirs);
  const o = Date.parse(ours);
  if (!Number.isNaN(t) && !Number.isNaN(o)) return t > o ? 'theirs' : 'ours';
  return theirs > ours ? 'theirs' : 'ours';
}

function mergeSources(
  base: readonly SourceLink[],
  ours: readonly SourceLink[],
  theirs: readonly SourceLink[],
  record: (b: unknown, o: unknown, t: unknown) => void,
): SourceLink[] {
  const urls = mergeSet(base.map((s) => s.url), ours.map((s) => s.url), theirs.map((s) => s.url));
  return urls.map((url) => {
    const b = base.find((s) => s.url === url);
    const o = ours.find((s) => s.url === url);
    const t = theirs.find((s) => s.url === url);
    if (o && t) {
      const title = mergeScalar(b?.title, o.title, t.title, (bt, ot, tt) => record({ url, title: bt }, { url, title: ot }, { url, title: tt }));
      return title === undefined ? { url } : { url, title };
    }
    return { ...((o ?? t) as SourceLink) };
  });
}

// ----------------------------------------------------------------- speakers

function mergeSpeaker(base: Speaker | undefined, ours: Speaker, theirs: Speaker, conflicts: MergeConflict[]): Speaker {
  const record = (field: string) => (b: unknown, o: unknown, t: unknown) =>
    conflicts.push({ entity: 'speaker', id: ours.id, field, base: b, ours: o, theirs: t });
  const merged: Speaker = {
    id: ours.id,
    name: mergeScalar(base?.name, ours.name, theirs.name, record('name')) as string,
    kind: mergeScalar(base?.kind, ours.kind, theirs.kind, record('kind')) as Speaker['kind'],
    aliases: mergeSet(base?.aliases ?? [], ours.aliases, theirs.aliases),
  };
  const role = mergeScalar(base?.role, ours.role, theirs.role, record('role'));
  const note = mergeScalar(base?.note, ours.note, theirs.note, record('note'));
  if (role !== undefined) merged.role = role as string;
  if (note !== undefined) merged.note = note as string;
  // A merged name never needs to be its own alias.
  merged.aliases = merged.aliases.filter((a) => a !== merged.name);
  return merged;
}

// ------------------------------------------------------------------ stances

function mergeStance(base: Stance | undefined, ours: Stance, theirs: Stance, conflicts: MergeConflict[]): Stance {
  const record = (field: string) => (b: unknown, o: unknown, t: unknown) =>
    conflicts.push({ entity: 'stance', id: `${ours.speaker} → ${ours.target}`, stance: { speaker: ours.speaker, target: ours.target }, field, base: b, ours: o, theirs: t });
  const { updated, author } = mergeUpdated(base, ours, theirs);
  const merged: Stance = {
    speaker: ours.speaker,
    target: ours.target,
    polarity: mergeScalar(base?.polarity, ours.polarity, theirs.polarity, record('polarity')) as Stance['polarity'],
    claims: mergeSet(base?.claims ?? [], ours.claims, theirs.claims),
  };
  const summary = mergeScalar(base?.summary, ours.summary, theirs.summary, record('summary'));
  if (summary !== undefined) merged.summary = summary as string;
  if (author !== undefined) merged.author = author;
  if (updated !== undefined) merged.updated = updated;
  return merged;
}

// ------------------------------------------------------------- id collisions

function separateCollidingClaims(
  base: Sidecar,
  ours: Sidecar,
  theirs: Sidecar,
  renamed: Array<{ from: string; to: string }>,
): Sidecar {
  const baseIds = new Set(base.claims.map((c) => c.id));
  const oursBy = new Map(ours.claims.map((c) => [c.id, c]));
  const taken = new Set([...base.claims, ...ours.claims, ...theirs.claims].map((c) => c.id));
  const rename = new Map<string, string>();
  for (const c of theirs.claims) {
    const mine = oursBy.get(c.id);
    if (!mine || baseIds.has(c.id)) continue; // not an add on both sides
    if (mine.anchor.exact === c.anchor.exact && mine.anchor.start === c.anchor.start) continue; // the same claim
    let n = 2;
    while (taken.has(`${c.id}-${n}`)) n++;
    const fresh = `${c.id}-${n}`;
    taken.add(fresh);
    rename.set(c.id, fresh);
    renamed.push({ from: c.id, to: fresh });
  }
  if (rename.size === 0) return theirs;
  return {
    ...theirs,
    claims: theirs.claims.map((c) => (rename.has(c.id) ? { ...c, id: rename.get(c.id) as string } : c)),
    stances: theirs.stances.map((s) => ({ ...s, claims: s.claims.map((id) => rename.get(id) ?? id) })),
  };
}

// ------------------------------------------------------------------ helpers

function mergeScalar<T>(base: T | undefined, ours: T | undefined, theirs: T | undefined, onConflict: (b: T | undefined, o: T | undefined, t: T | undefined) => void): T | undefined {
  if (deepEqual(ours, theirs)) return ours;
  if (deepEqual(ours, base)) return theirs;
  if (deepEqual(theirs, base)) return ours;
  onConflict(base, ours, theirs);
  return ours;
}

/** The side that changed the value (ours when both changed it). */
function pick<T>(base: T | undefined, ours: T, theirs: T): T {
  return deepEqual(ours, base) ? theirs : ours;
}

/** Three-way set merge, ours' order first then theirs' additions. */
function mergeSet(base: readonly string[], ours: readonly string[], theirs: readonly string[]): string[] {
  const removed = new Set([...base.filter((x) => !ours.includes(x)), ...base.filter((x) => !theirs.includes(x))]);
  const result: string[] = [];
  for (const x of [...ours, ...theirs]) if (!removed.has(x) && !result.includes(x)) result.push(x);
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality for the plain data of sidecars; `undefined` fields count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}
