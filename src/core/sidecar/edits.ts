/**
 * Changes people make to a sidecar, as functions on a draft (used inside
 * `AnnotationStore.update(location, draft => ...)`). Each stamps `author` and
 * `updated` on what it changes, never renumbers ids, and throws a
 * {@link SidecarEditError} with a readable message for an impossible edit.
 */
import { createAnchor } from '../anchor/anchor';
import type { ExtractedClaim, ExtractedSpeaker } from '../extract/types';
import { OffsetMap } from '../text';
import { type Claim, type ClaimKind, type ClaimStatus, type Polarity, SIDECAR_VERSION, type Sidecar, type SourceLink, type Speaker, type SpeakerKind, type Stance } from './model';

export class SidecarEditError extends Error {}

/** Who changes what, and when: stamped on the changed claim or stance. */
export interface EditStamp {
  author?: string;
  /** ISO 8601 date-time; defaults to now. */
  now?: string;
}

export function emptySidecar(documentName: string, sha256 = ''): Sidecar {
  return { version: SIDECAR_VERSION, document: { name: documentName, sha256 }, speakers: [], claims: [], stances: [] };
}

function stamp(target: { author?: string; updated?: string }, s: EditStamp | undefined): void {
  if (s?.author) target.author = s.author;
  target.updated = s?.now ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A short stable hash (FNV-1a, 32 bit, hex): ids need to be stable, not secret. */
function shortHash(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A new claim id: `c-` + hash of quote and position. A collision with an id
 * already in the sidecar (including rejected claims) rehashes, so an id is
 * never given to two claims.
 */
export function newClaimId(sidecar: Sidecar, exact: string, start: number, end: number): string {
  const taken = new Set(sidecar.claims.map((c) => c.id));
  for (let salt = 0; ; salt++) {
    const id = `c-${shortHash(`${start}:${end}:${exact}${salt ? `#${salt}` : ''}`)}`;
    if (!taken.has(id)) return id;
  }
}

/** `Emmanuel Macron` → `emmanuel-macron`, unique within the sidecar. */
export function newSpeakerId(sidecar: Sidecar, name: string): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'speaker';
  const taken = new Set(sidecar.speakers.map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export interface NewClaimFields {
  speaker?: string | null;
  kind?: ClaimKind;
  status?: ClaimStatus;
  verdict?: string;
  rationale?: string;
  note?: string;
  sources?: SourceLink[];
  tags?: string[];
}

/** Adds a claim for the span [start, end) (code points) of the document text; returns it. */
export function addClaimFromSpan(draft: Sidecar, documentText: string, start: number, end: number, fields: NewClaimFields = {}, s?: EditStamp, map?: OffsetMap): Claim {
  const m = map ?? new OffsetMap(documentText);
  if (!(start >= 0 && end > start && end <= m.codePointLength)) {
    throw new SidecarEditError(`cannot annotate characters ${start}–${end}: the document has ${m.codePointLength}; select some text and try again`);
  }
  const anchor = createAnchor(documentText, start, end, m);
  if (!anchor.exact.trim()) throw new SidecarEditError('the selection is only white space: select the words of the claim');
  if (fields.speaker && !draft.speakers.some((sp) => sp.id === fields.speaker)) {
    throw new SidecarEditError(`unknown speaker "${fields.speaker}": add the speaker first`);
  }
  const claim: Claim = {
    id: newClaimId(draft, anchor.exact, anchor.start, anchor.end),
    anchor,
    speaker: fields.speaker ?? null,
    kind: fields.kind ?? 'direct',
    status: fields.status ?? 'accepted',
    verdict: fields.verdict ?? 'unverified',
    ...(fields.rationale ? { rationale: fields.rationale } : {}),
    ...(fields.note ? { note: fields.note } : {}),
    sources: fields.sources ? [...fields.sources] : [],
    tags: fields.tags ? [...new Set(fields.tags)] : [],
  };
  stamp(claim, s);
  draft.claims.push(claim);
  return claim;
}

function claimById(draft: Sidecar, id: string): Claim {
  const claim = draft.claims.find((c) => c.id === id);
  if (!claim) throw new SidecarEditError(`claim "${id}" is not in the sidecar any more (it may have been removed in another window): reload and try again`);
  return claim;
}

export interface ClaimPatch {
  verdict?: string;
  rationale?: string | null;
  note?: string | null;
  sources?: SourceLink[];
  tags?: string[];
  speaker?: string | null;
  kind?: ClaimKind;
  status?: ClaimStatus;
}

/** Changes fields of one claim (null or '' clears an optional text); stamps author/updated when something changed. */
export function updateClaim(draft: Sidecar, claimId: string, patch: ClaimPatch, s?: EditStamp): Claim {
  const claim = claimById(draft, claimId);
  if (patch.speaker && !draft.speakers.some((sp) => sp.id === patch.speaker)) {
    throw new SidecarEditError(`unknown speaker "${patch.speaker}": add the speaker first`);
  }
  const before = JSON.stringify(claim);
  if (patch.verdict !== undefined) claim.verdict = patch.verdict;
  for (const key of ['rationale', 'note'] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value === null || value === '') delete claim[key];
    else claim[key] = value;
  }
  if (patch.sources !== undefined) claim.sources = patch.sources.map((x) => ({ ...x }));
  if (patch.tags !== undefined) claim.tags = [...new Set(patch.tags.map((t) => t.trim()).filter(Boolean))];
  if (patch.speaker !== undefined) claim.speaker = patch.speaker;
  if (patch.kind !== undefined) claim.kind = patch.kind;
  if (patch.status !== undefined) claim.status = patch.status;
  if (JSON.stringify(claim) !== before) stamp(claim, s);
  return claim;
}

export function removeClaim(draft: Sidecar, claimId: string): void {
  claimById(draft, claimId);
  draft.claims = draft.claims.filter((c) => c.id !== claimId);
  for (const stance of draft.stances) stance.claims = stance.claims.filter((id) => id !== claimId);
}

export interface SpeakerFields {
  id?: string;
  name: string;
  kind?: SpeakerKind;
  role?: string | null;
  aliases?: string[];
  note?: string | null;
}

/**
 * Adds a speaker, or merges into the existing one with the same id or the
 * same name/alias (case-insensitive): aliases are united, role/note filled
 * when given. Returns the speaker kept.
 */
export function upsertSpeaker(draft: Sidecar, fields: SpeakerFields): Speaker {
  const wanted = fields.name.trim();
  if (!wanted) throw new SidecarEditError('a speaker needs a name');
  const existing = (fields.id && draft.speakers.find((s) => s.id === fields.id)) || findSpeakerByName(draft, wanted, fields.aliases ?? []);
  if (existing) {
    const aliases = new Set(existing.aliases);
    for (const a of [...(fields.aliases ?? []), ...(wanted !== existing.name ? [wanted] : [])]) if (a && a !== existing.name) aliases.add(a);
    existing.aliases = [...aliases];
    if (fields.kind) existing.kind = fields.kind;
    if (fields.role) existing.role = fields.role;
    else if (fields.role === null) delete existing.role;
    if (fields.note) existing.note = fields.note;
    else if (fields.note === null) delete existing.note;
    return existing;
  }
  const speaker: Speaker = {
    id: fields.id ?? newSpeakerId(draft, wanted),
    name: wanted,
    kind: fields.kind ?? 'person',
    ...(fields.role ? { role: fields.role } : {}),
    aliases: [...new Set((fields.aliases ?? []).filter((a) => a && a !== wanted))],
    ...(fields.note ? { note: fields.note } : {}),
  };
  draft.speakers.push(speaker);
  return speaker;
}

export function findSpeakerByName(draft: Sidecar, name: string, aliases: readonly string[] = []): Speaker | undefined {
  const names = new Set([name, ...aliases].map((n) => n.trim().toLowerCase()).filter(Boolean));
  return draft.speakers.find((s) => [s.name, ...s.aliases].some((n) => names.has(n.trim().toLowerCase())));
}

/** Folds speaker `mergeId` into `keepId`: claims and stances are re-pointed, names become aliases. */
export function mergeSpeakers(draft: Sidecar, keepId: string, mergeId: string, s?: EditStamp): Speaker {
  if (keepId === mergeId) throw new SidecarEditError('cannot merge a speaker with itself');
  const keep = draft.speakers.find((x) => x.id === keepId);
  const gone = draft.speakers.find((x) => x.id === mergeId);
  if (!keep || !gone) throw new SidecarEditError(`speaker "${keep ? mergeId : keepId}" is not in the sidecar: reload and try again`);
  keep.aliases = [...new Set([...keep.aliases, gone.name, ...gone.aliases].filter((a) => a !== keep.name))];
  keep.role ??= gone.role;
  if (gone.note) keep.note = keep.note ? `${keep.note}\n${gone.note}` : gone.note;
  draft.speakers = draft.speakers.filter((x) => x !== gone);
  for (const claim of draft.claims) {
    if (claim.speaker === mergeId) {
      claim.speaker = keepId;
      stamp(claim, s);
    }
  }
  for (const stance of draft.stances) {
    if (stance.speaker === mergeId) stance.speaker = keepId;
    if (stance.target === mergeId) stance.target = keepId;
  }
  // Two stances of the merged speakers on one target become one.
  const seen = new Map<string, Stance>();
  draft.stances = draft.stances.filter((st) => {
    const key = `${st.speaker}\u0000${st.target}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, st);
      return true;
    }
    first.claims = [...new Set([...first.claims, ...st.claims])];
    if (first.polarity !== st.polarity) first.polarity = 'mixed';
    return false;
  });
  return keep;
}

export interface StanceFields {
  speaker: string;
  target: string;
  polarity: Polarity;
  claims?: string[];
  summary?: string | null;
}

/** Sets the stance of a speaker on a target (one stance per pair), replacing polarity/claims/summary given. */
export function setStance(draft: Sidecar, fields: StanceFields, s?: EditStamp): Stance {
  if (!draft.speakers.some((x) => x.id === fields.speaker)) throw new SidecarEditError(`unknown speaker "${fields.speaker}": add the speaker first`);
  const unknown = (fields.claims ?? []).filter((id) => !draft.claims.some((c) => c.id === id));
  if (unknown.length) throw new SidecarEditError(`unknown claim ${unknown.map((u) => `"${u}"`).join(', ')}: cite claims of this document`);
  let stance = draft.stances.find((x) => x.speaker === fields.speaker && x.target === fields.target);
  if (!stance) {
    stance = { speaker: fields.speaker, target: fields.target, polarity: fields.polarity, claims: [] };
    draft.stances.push(stance);
  }
  stance.polarity = fields.polarity;
  if (fields.claims) stance.claims = [...new Set(fields.claims)];
  if (fields.summary) stance.summary = fields.summary;
  else if (fields.summary === null || fields.summary === '') delete stance.summary;
  stamp(stance, s);
  return stance;
}

export function removeStance(draft: Sidecar, speaker: string, target: string): void {
  draft.stances = draft.stances.filter((x) => !(x.speaker === speaker && x.target === target));
}

/** The claim already recorded for a suggestion's span (same offsets and text), if any. */
export function claimForSuggestion(sidecar: Sidecar, suggestion: ExtractedClaim): Claim | undefined {
  return sidecar.claims.find((c) => c.anchor.start === suggestion.start && c.anchor.end === suggestion.end && c.anchor.exact === suggestion.text);
}

/**
 * Records a machine suggestion as accepted (or rejected, so it is not
 * suggested again). Its speaker is matched to a sidecar speaker by name or
 * alias, else added. Accepting a suggestion that was rejected before flips it.
 */
export function recordSuggestion(
  draft: Sidecar,
  documentText: string,
  suggestion: ExtractedClaim,
  speakers: readonly ExtractedSpeaker[],
  status: 'accepted' | 'rejected',
  s?: EditStamp,
  map?: OffsetMap,
): Claim {
  const m = map ?? new OffsetMap(documentText);
  if (m.slice(suggestion.start, suggestion.end) !== suggestion.text) {
    throw new SidecarEditError('the document changed since this suggestion was made: run the analysis again');
  }
  let speakerId: string | null = null;
  const extracted = suggestion.speaker ? speakers.find((x) => x.id === suggestion.speaker) : undefined;
  if (extracted && status === 'accepted') {
    speakerId = upsertSpeaker(draft, {
      name: extracted.name,
      kind: extracted.kind,
      ...(extracted.role ? { role: extracted.role } : {}),
      aliases: extracted.aliases,
    }).id;
  } else if (extracted) {
    speakerId = findSpeakerByName(draft, extracted.name, extracted.aliases)?.id ?? null;
  }
  const existing = claimForSuggestion(draft, suggestion);
  if (existing) {
    return updateClaim(draft, existing.id, { status, ...(status === 'accepted' && speakerId && !existing.speaker ? { speaker: speakerId } : {}) }, s);
  }
  return addClaimFromSpan(draft, documentText, suggestion.start, suggestion.end, { speaker: speakerId, kind: suggestion.kind, status }, s, m);
}

export function acceptSuggestion(draft: Sidecar, documentText: string, suggestion: ExtractedClaim, speakers: readonly ExtractedSpeaker[], s?: EditStamp, map?: OffsetMap): Claim {
  return recordSuggestion(draft, documentText, suggestion, speakers, 'accepted', s, map);
}

export function rejectSuggestion(draft: Sidecar, documentText: string, suggestion: ExtractedClaim, speakers: readonly ExtractedSpeaker[], s?: EditStamp, map?: OffsetMap): Claim {
  return recordSuggestion(draft, documentText, suggestion, speakers, 'rejected', s, map);
}

/** Accepts an extracted speaker on its own (e.g. from the speakers view). */
export function acceptSpeaker(draft: Sidecar, speaker: ExtractedSpeaker): Speaker {
  return upsertSpeaker(draft, { name: speaker.name, kind: speaker.kind, ...(speaker.role ? { role: speaker.role } : {}), aliases: speaker.aliases });
}
