/**
 * An extraction carried through edits, with windows of re-analysed text spliced in.
 *
 * - Carried through an edit, everything the edit did not touch keeps its words and moves with
 *   them; what it touched (a claim, its cue or source, a mention) is dropped.
 * - A window's extraction (offsets relative to the window) fills what is missing: what the
 *   document's extraction already has stays (it was found with the whole document as context),
 *   window items that overlap it are left out. Window speakers are matched to the document's
 *   speakers (same claim or mention span, else same name) so that a speaker keeps its id, and
 *   with it its colour.
 *
 * Both happen in two steps, so that an editor can show the result at once and build it later:
 * {@link planPatch} decides everything by looking at the extraction without copying it (cheap,
 * however large the document), {@link applyPatch} builds the new extraction (a copy of every item
 * that moved: what takes time in a large document), and {@link itemsIn} gives the new items of a
 * few regions without building the rest.
 *
 * Nothing here modifies its inputs (extractions are shared: caches, the corpus index). Offsets
 * are code points.
 */
import type { DocumentExtraction, ExtractedClaim, ExtractedSpeaker, ExtractedStance, Span } from '../extract/types';
import { stretchSpan, type CodePointEdit } from './edits';

/** Speakers and claims found in a window (no stances: those need the whole document). */
export interface WindowExtraction {
  speakers: readonly ExtractedSpeaker[];
  claims: readonly ExtractedClaim[];
}

/** A window's extraction and where the window starts in the (edited) document, in code points. */
export interface PlacedWindow {
  start: number;
  extraction: WindowExtraction;
}

/** How an extraction becomes the next one: the edits to carry it through, and what to add. */
export interface Patch {
  edits: readonly CodePointEdit[];
  /** Claims to add (ids unique, speakers resolved), in document order. */
  claims: ExtractedClaim[];
  /** Mentions to add to existing or new speakers, by speaker id. */
  mentions: Map<string, Span[]>;
  /** Speakers the document did not have (their mentions are in `mentions`). */
  speakers: ExtractedSpeaker[];
  /** Where dropped items were (stretched over the edits, in the new text). */
  dropped: Span[];
}

/** The extraction after `edits` (in order), without the items they touched. */
export function mapExtraction(extraction: DocumentExtraction, edits: readonly CodePointEdit[]): DocumentExtraction {
  return edits.length === 0 ? extraction : applyPatch(extraction, planPatch(extraction, edits, []));
}

/**
 * mapExtraction, also saying where the dropped items were (their spans stretched over the edits,
 * in the new text): what showed them must be updated there.
 */
export function mapExtractionReporting(extraction: DocumentExtraction, edits: readonly CodePointEdit[]): { extraction: DocumentExtraction; dropped: Span[] } {
  const patch = planPatch(extraction, edits, []);
  return { extraction: edits.length === 0 ? extraction : applyPatch(extraction, patch), dropped: patch.dropped };
}

/** `window` (offsets relative to `windowStart`, code points) spliced into `base`: base items stay, window items that overlap none of them are added. */
export function spliceWindow(base: DocumentExtraction, windowStart: number, window: WindowExtraction): DocumentExtraction {
  return applyPatch(base, planPatch(base, [], [{ start: windowStart, extraction: window }]));
}

/** Where a span of the text before `edits` is after them; false when they touch it. Written into `out` (no allocation). */
function mapInto(start: number, end: number, edits: readonly CodePointEdit[], out: [number, number]): boolean {
  let s = start;
  let e = end;
  for (const edit of edits) {
    if (e <= edit.start) continue;
    if (s >= edit.end) {
      const delta = edit.inserted - (edit.end - edit.start);
      s += delta;
      e += delta;
      continue;
    }
    return false;
  }
  out[0] = s;
  out[1] = e;
  return true;
}

/**
 * Everything the next extraction needs, decided by reading `base` once without copying it: the
 * items `edits` drop (where they were), and which items of the windows (placed in the edited
 * text, not overlapping each other) are added, under which ids.
 *
 * With `prior`, `base` is the extraction before that patch (not built yet): the patch returned
 * goes from `base` through both, so that patches of several edits add up without the extraction
 * being built in between.
 */
export function planPatch(base: DocumentExtraction, edits: readonly CodePointEdit[], windows: readonly PlacedWindow[], prior?: Patch): Patch {
  const dropped: Span[] = [];
  const ghost = (s: number, e: number): void => {
    let span: Span = [s, e];
    for (const edit of edits) span = stretchSpan(span[0], span[1], edit);
    dropped.push(span);
  };
  const before = prior?.edits ?? [];
  // The windows' items in document offsets.
  const shift = (span: Span | null, by: number): Span | null => (span ? [span[0] + by, span[1] + by] : null);
  const placed = windows.map((w) => ({
    claims: w.extraction.claims.map((c) => ({ ...c, start: c.start + w.start, end: c.end + w.start, source: shift(c.source, w.start), cue: shift(c.cue, w.start) })),
    speakers: w.extraction.speakers.map((s) => ({ ...s, mentions: s.mentions.map((m) => shift(m, w.start)!) })),
  }));
  const ranges: Span[] = [];
  for (const w of placed) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of w.claims) { lo = Math.min(lo, c.start); hi = Math.max(hi, c.end); }
    for (const s of w.speakers) for (const [a, b] of s.mentions) { lo = Math.min(lo, a); hi = Math.max(hi, b); }
    if (lo < hi) ranges.push([lo, hi]);
  }
  const near = (a: number, b: number): boolean => ranges.some(([lo, hi]) => a < hi && lo < b);

  // One pass over the base (and what `prior` added): what the edits drop, and what lies near the windows (at its new place).
  const at: [number, number] = [0, 0];
  const scratch: [number, number] = [0, 0];
  const nearClaims: Array<{ start: number; end: number; speaker: string | null }> = [];
  const nearMentions: Array<{ start: number; end: number; speaker: string }> = [];
  /** Through `prior`'s edits (false: dropped then, nothing to say now), then this patch's (false: dropped now, shown as a ghost). */
  const follow = (s: number, e: number, out: [number, number]): boolean | undefined => {
    if (!mapInto(s, e, before, out)) return undefined;
    const [ps, pe] = out;
    if (mapInto(ps, pe, edits, out)) return true;
    ghost(ps, pe);
    return false;
  };
  // Whatever ends before every edit (earlier ones included) and before the windows is neither
  // moved, dropped nor near: skipped without a look (usually half the document).
  let untouched = Infinity;
  for (const edit of before) untouched = Math.min(untouched, edit.start);
  for (const edit of edits) untouched = Math.min(untouched, edit.start);
  for (const [lo] of ranges) untouched = Math.min(untouched, lo);
  for (const claim of base.claims) {
    if (claim.end <= untouched && (claim.source === null || claim.source[1] <= untouched) && (claim.cue === null || claim.cue[1] <= untouched)) continue;
    let start = claim.start;
    let end = claim.end;
    let source = claim.source;
    let cue = claim.cue;
    if (before.length) {
      // Through the earlier patch's edits first: what they dropped is gone already.
      if (!mapInto(start, end, before, at)
        || (source && !mapInto(source[0], source[1], before, scratch))
        || (cue && !mapInto(cue[0], cue[1], before, scratch))) continue;
      [start, end] = at;
      source = source && mapped(source, before);
      cue = cue && mapped(cue, before);
    }
    if (!keepClaim(start, end, source, cue, edits, at, scratch, ghost)) continue;
    if (ranges.length && near(at[0], at[1])) nearClaims.push({ start: at[0], end: at[1], speaker: claim.speaker });
  }
  const carriedClaims: ExtractedClaim[] = [];
  for (const claim of prior?.claims ?? []) {
    if (!keepClaim(claim.start, claim.end, claim.source, claim.cue, edits, at, scratch, ghost)) continue;
    const [start, end] = at;
    carriedClaims.push({ ...claim, start, end, source: claim.source && mapped(claim.source, edits), cue: claim.cue && mapped(claim.cue, edits) });
    if (ranges.length && near(start, end)) nearClaims.push({ start, end, speaker: claim.speaker });
  }
  for (const speaker of base.speakers) {
    // Indexed loops: a large document has tens of thousands of mentions.
    const mentions = speaker.mentions;
    for (let i = 0; i < mentions.length; i++) {
      const m = mentions[i]!;
      if (m[1] <= untouched) continue;
      if (follow(m[0], m[1], at) && ranges.length && near(at[0], at[1])) nearMentions.push({ start: at[0], end: at[1], speaker: speaker.id });
    }
  }
  const carriedMentions = new Map<string, Span[]>();
  for (const [id, spans] of prior?.mentions ?? []) {
    const kept: Span[] = [];
    for (const [s, e] of spans) {
      if (!mapInto(s, e, edits, at)) { ghost(s, e); continue; }
      kept.push([at[0], at[1]]);
      if (ranges.length && near(at[0], at[1])) nearMentions.push({ start: at[0], end: at[1], speaker: id });
    }
    if (kept.length) carriedMentions.set(id, kept);
  }

  const patch: Patch = { edits: [...before, ...edits], claims: carriedClaims, mentions: carriedMentions, speakers: [...(prior?.speakers ?? [])], dropped };
  if (placed.length === 0) return patch;
  const overlaps = (list: ReadonlyArray<{ start: number; end: number }>, a: number, b: number): boolean => list.some((x) => x.start < b && a < x.end);
  const speakerIds = new Set<string>(patch.speakers.map((s) => s.id));
  const claimIds = new Set<string>(patch.claims.map((c) => c.id));
  // Ids are checked one at a time (few items are new): collecting every id of a large document at each keystroke would cost more.
  const speakerIdUsed = (id: string): boolean => speakerIds.has(id) || base.speakers.some((s) => s.id === id);
  const claimIdUsed = (id: string): boolean => claimIds.has(id) || base.claims.some((c) => c.id === id);
  const unique = (id: string, used: (x: string) => boolean, into: Set<string>): string => {
    let candidate = id;
    for (let n = 2; used(candidate); n++) candidate = `${id}-${n}`;
    into.add(candidate);
    return candidate;
  };
  const added: ExtractedClaim[] = [];
  for (const w of placed) {
    // Window speaker id → document speaker id: same claim span, same mention span, same name.
    const ids = new Map<string, string>();
    for (const c of w.claims) {
      const same = c.speaker === null ? undefined : nearClaims.find((x) => x.start === c.start && x.end === c.end && x.speaker !== null);
      if (same && !ids.has(c.speaker!)) ids.set(c.speaker!, same.speaker!);
    }
    for (const s of w.speakers) {
      if (ids.has(s.id)) continue;
      const same = s.mentions.map(([a, b]) => nearMentions.find((x) => x.start === a && x.end === b)).find((x) => x !== undefined);
      if (same) ids.set(s.id, same.speaker);
    }
    const fresh = new Set<string>();
    for (const s of w.speakers) {
      if (ids.has(s.id)) continue;
      const named = s.kind === 'anonymous' ? undefined : speakerNamed(base.speakers, s) ?? speakerNamed(patch.speakers, s);
      if (named) ids.set(s.id, named.id);
      else {
        const id = unique(s.id, speakerIdUsed, speakerIds);
        ids.set(s.id, id);
        fresh.add(id);
      }
    }
    for (const c of w.claims) {
      if (overlaps(nearClaims, c.start, c.end) || overlaps(added, c.start, c.end)) continue;
      added.push({ ...c, id: unique(c.id, claimIdUsed, claimIds), speaker: c.speaker === null ? null : ids.get(c.speaker) ?? c.speaker });
    }
    const quoted = new Set(added.map((c) => c.speaker));
    for (const s of w.speakers) {
      const id = ids.get(s.id)!;
      const mentions: Span[] = [];
      for (const m of s.mentions) if (!overlaps(nearMentions, m[0], m[1])) mentions.push(m);
      if (mentions.length) (patch.mentions.get(id) ?? patch.mentions.set(id, []).get(id)!).push(...mentions);
      if (fresh.has(id) && !patch.speakers.some((x) => x.id === id) && (mentions.length || quoted.has(id))) patch.speakers.push({ ...s, id, mentions: [] });
    }
  }
  patch.claims = mergeByStart(patch.claims.sort(byStart), added.sort(byStart));
  return patch;
}

/** A claim through `edits`: its new place in `at` (true), or false with ghosts for what showed it (touched content, cue or source). */
function keepClaim(
  start: number, end: number, source: Span | null, cue: Span | null, edits: readonly CodePointEdit[],
  at: [number, number], scratch: [number, number], ghost: (s: number, e: number) => void,
): boolean {
  const keeps = (!source || mapInto(source[0], source[1], edits, scratch)) && (!cue || mapInto(cue[0], cue[1], edits, scratch)) && mapInto(start, end, edits, at);
  if (keeps) return true;
  // A claim whose source or cue was edited may no longer be one ("said" → "denied it said").
  ghost(start, end);
  if (cue) ghost(cue[0], cue[1]);
  return false;
}

function mapped(span: Span, edits: readonly CodePointEdit[]): Span {
  const out: [number, number] = [0, 0];
  mapInto(span[0], span[1], edits, out);
  return out;
}

/**
 * The document's speaker a window speaker names (same kind, a shared name or alias, ignoring
 * case; the most mentioned when several). Anonymous sources ("a spokesperson") are never matched
 * by name: they share names without being the same person.
 */
function speakerNamed(speakers: readonly ExtractedSpeaker[], wanted: ExtractedSpeaker): ExtractedSpeaker | undefined {
  const names = [wanted.name, ...wanted.aliases].map((n) => n.toLowerCase());
  const lengths = new Set(names.map((n) => n.length));
  // Lengths first: lower-casing every name of a large document would be the slow part.
  const named = (n: string): boolean => lengths.has(n.length) && names.includes(n.toLowerCase());
  let best: ExtractedSpeaker | undefined;
  for (const s of speakers) {
    if (s.kind !== wanted.kind || (best && best.mentions.length >= s.mentions.length)) continue;
    let match = named(s.name);
    for (let i = 0; !match && i < s.aliases.length; i++) match = named(s.aliases[i]!);
    if (match) best = s;
  }
  return best;
}

/** The extraction `patch` makes of `base` (what it drops gone, everything after the edits moved, its items added). */
export function applyPatch(base: DocumentExtraction, patch: Patch): DocumentExtraction {
  const edits = patch.edits;
  // Whatever ends before every edit stays as it is (no edit of the sequence reaches it).
  let low = Infinity;
  for (const edit of edits) low = Math.min(low, edit.start);
  const at: [number, number] = [0, 0];
  const mapOptional = (span: Span | null): Span | null | undefined => {
    if (!span) return null;
    if (span[1] <= low) return span;
    return mapInto(span[0], span[1], edits, at) ? [at[0], at[1]] : undefined;
  };
  const claims: ExtractedClaim[] = [];
  for (const claim of base.claims) {
    if (claim.end <= low && (claim.source?.[1] ?? 0) <= low && (claim.cue?.[1] ?? 0) <= low) {
      claims.push(claim);
      continue;
    }
    if (!mapInto(claim.start, claim.end, edits, at)) continue;
    const [start, end] = at;
    const source = mapOptional(claim.source);
    const cue = mapOptional(claim.cue);
    if (source === undefined || cue === undefined) continue;
    claims.push({ ...claim, start, end, source, cue });
  }
  const speakers: ExtractedSpeaker[] = base.speakers.map((speaker) => {
    const added = patch.mentions.get(speaker.id);
    const old = speaker.mentions;
    let last = 0;
    for (let i = 0; i < old.length; i++) if (old[i]![1] > last) last = old[i]![1];
    if (last <= low && !added) return speaker;
    const mentions: Span[] = [];
    for (let i = 0; i < old.length; i++) {
      const m = old[i]!;
      if (m[1] <= low) mentions.push(m);
      else if (mapInto(m[0], m[1], edits, at)) mentions.push([at[0], at[1]]);
    }
    if (added) {
      mentions.push(...added);
      mentions.sort(bySpan);
    }
    return { ...speaker, mentions };
  });
  for (const s of patch.speakers) speakers.push({ ...s, mentions: [...(patch.mentions.get(s.id) ?? [])].sort(bySpan) });
  return prune({ speakers, claims: patch.claims.length ? mergeByStart(claims, patch.claims) : claims, stances: base.stances });
}

/**
 * The claims and the speakers' mentions of the extraction `patch` makes of `base`, whose start is
 * in one of `ranges` (code points of the new text, closed), without making the rest of it.
 */
export function itemsIn(base: DocumentExtraction, patch: Patch, ranges: readonly Span[]): DocumentExtraction {
  const inside = (s: number): boolean => ranges.some(([lo, hi]) => lo <= s && s <= hi);
  const edits = patch.edits;
  const at: [number, number] = [0, 0];
  const claims: ExtractedClaim[] = [];
  for (const claim of base.claims) {
    if (!mapInto(claim.start, claim.end, edits, at) || !inside(at[0])) continue;
    const [start, end] = at;
    const source = claim.source ? (mapInto(claim.source[0], claim.source[1], edits, at) ? [at[0], at[1]] as Span : undefined) : null;
    const cue = claim.cue ? (mapInto(claim.cue[0], claim.cue[1], edits, at) ? [at[0], at[1]] as Span : undefined) : null;
    if (source === undefined || cue === undefined) continue;
    claims.push({ ...claim, start, end, source, cue });
  }
  // A cue's own start decides where it shows: claims whose cue starts inside, even when the claim does not.
  for (const claim of base.claims) {
    if (!claim.cue || !mapInto(claim.start, claim.end, edits, at) || inside(at[0])) continue;
    const [start, end] = at;
    if (!mapInto(claim.cue[0], claim.cue[1], edits, at) || !inside(at[0])) continue;
    const cue: Span = [at[0], at[1]];
    const source = claim.source ? (mapInto(claim.source[0], claim.source[1], edits, at) ? [at[0], at[1]] as Span : undefined) : null;
    if (source === undefined) continue;
    claims.push({ ...claim, start, end, source, cue });
  }
  for (const claim of patch.claims) if (inside(claim.start) || (claim.cue && inside(claim.cue[0]))) claims.push(claim);
  const speakers: ExtractedSpeaker[] = [];
  for (const speaker of base.speakers) {
    const mentions: Span[] = [];
    const old = speaker.mentions;
    for (let i = 0; i < old.length; i++) if (mapInto(old[i]![0], old[i]![1], edits, at) && inside(at[0])) mentions.push([at[0], at[1]]);
    for (const m of patch.mentions.get(speaker.id) ?? []) if (inside(m[0])) mentions.push(m);
    if (mentions.length) speakers.push({ ...speaker, mentions });
  }
  for (const s of patch.speakers) {
    const mentions = (patch.mentions.get(s.id) ?? []).filter((m) => inside(m[0]));
    if (mentions.length) speakers.push({ ...s, mentions });
  }
  return { speakers, claims, stances: [] };
}

/** Without speakers nothing refers to any more, and stances only with claims that still exist. */
function prune(extraction: DocumentExtraction): DocumentExtraction {
  const claimIds = new Set<string>();
  const quoted = new Set<string>();
  for (const c of extraction.claims) {
    claimIds.add(c.id);
    if (c.speaker !== null) quoted.add(c.speaker);
  }
  const speakers = extraction.speakers.filter((s) => s.mentions.length > 0 || quoted.has(s.id));
  const speakerIds = new Set(speakers.map((s) => s.id));
  const stances: ExtractedStance[] = [];
  for (const stance of extraction.stances) {
    if (!speakerIds.has(stance.speaker)) continue;
    const claims = stance.claims.filter((id) => claimIds.has(id));
    if (claims.length === 0) continue;
    stances.push(claims.length === stance.claims.length ? stance : { ...stance, claims });
  }
  return { speakers, claims: extraction.claims, stances };
}

const byStart = (a: ExtractedClaim, b: ExtractedClaim): number => a.start - b.start || a.end - b.end;
const bySpan = (a: Span, b: Span): number => a[0] - b[0] || a[1] - b[1];

/** Two claim lists in document order as one (a linear merge: the document's list is long, the added one short). */
function mergeByStart(long: readonly ExtractedClaim[], short: readonly ExtractedClaim[]): ExtractedClaim[] {
  const out: ExtractedClaim[] = [];
  let j = 0;
  for (const c of long) {
    while (j < short.length && byStart(short[j]!, c) < 0) out.push(short[j++]!);
    out.push(c);
  }
  while (j < short.length) out.push(short[j++]!);
  return out;
}
