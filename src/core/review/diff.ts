/**
 * Semantic diff of two versions of one sidecar: what a reviewer wants to know
 * ("the verdict on this quote went from unverified to false"), not which YAML
 * lines moved. Either version may be absent (the sidecar was added or deleted).
 *
 * The output is a flat list of typed change records in a deterministic order:
 * document-level changes, then speakers (in file order), then claims by their
 * position in the document (fields in a fixed order within a claim), then
 * stances. Renderers (./render.ts) turn it into text or JSON.
 */
import type { Anchor, Claim, Sidecar, SourceLink, Speaker, Stance } from '../sidecar/model';
import { quoteClaim, speakerName } from './quote';

export type ChangeKind =
  | 'sidecar-added'
  | 'sidecar-removed'
  | 'document-renamed'
  | 'document-text-changed'
  | 'speaker-added'
  | 'speaker-removed'
  | 'speaker-renamed'
  | 'speaker-merged'
  | 'speaker-changed'
  | 'claim-added'
  | 'claim-removed'
  | 'claim-reattributed'
  | 'claim-verdict'
  | 'claim-status'
  | 'claim-kind'
  | 'claim-rationale'
  | 'claim-note'
  | 'claim-source-added'
  | 'claim-source-removed'
  | 'claim-tags'
  | 'claim-anchor-moved'
  | 'claim-span-changed'
  | 'stance-added'
  | 'stance-removed'
  | 'stance-changed';

/** A scalar or list value before/after a change; `null` = not set. */
export type ChangeValue = string | number | string[] | null;

export interface ClaimRef {
  id: string;
  /** The claim's text, shortened for one line, in curly quotes. */
  quote: string;
  /** Position (code points) in the newer version when it exists, else the older. */
  start: number;
  /** The speaker's name in the newer version (older for removed claims). */
  speaker: string;
}

export interface SpeakerRef {
  id: string;
  name: string;
}

export interface SidecarChange {
  kind: ChangeKind;
  /** The document the sidecar annotates (its display name or path). */
  document: string;
  claim?: ClaimRef;
  speaker?: SpeakerRef;
  /** For stance changes: the stance's speaker name and target. */
  stance?: { speaker: string; target: string };
  /** The field that changed, for `speaker-changed`/`stance-changed` and friends. */
  field?: string;
  before?: ChangeValue;
  after?: ChangeValue;
  /** One line in plain words, without the document name (renderers add it). */
  message: string;
}

export interface DiffOptions {
  /** How to name the document in change records; defaults to the sidecar's `document.name`. */
  document?: string;
}

const arrow = '→';

/** Every semantic change from `before` to `after` (either may be undefined). */
export function diffSidecars(
  before: Sidecar | undefined,
  after: Sidecar | undefined,
  options: DiffOptions = {},
): SidecarChange[] {
  const document = options.document ?? after?.document.name ?? before?.document.name ?? '(unknown document)';
  const changes: SidecarChange[] = [];
  const add = (change: Omit<SidecarChange, 'document'>) => changes.push({ document, ...change });

  if (!before && !after) return changes;
  if (!before && after) {
    add({ kind: 'sidecar-added', message: `annotations added (${countOf(after.claims.length, 'claim')}, ${countOf(after.speakers.length, 'speaker')})` });
  } else if (before && !after) {
    add({ kind: 'sidecar-removed', message: `annotations removed (${countOf(before.claims.length, 'claim')}, ${countOf(before.speakers.length, 'speaker')})` });
  } else if (before && after) {
    if (before.document.name !== after.document.name) {
      add({ kind: 'document-renamed', before: before.document.name, after: after.document.name, message: `document renamed: ${before.document.name} ${arrow} ${after.document.name}` });
    }
    if (before.document.sha256 !== after.document.sha256) {
      add({ kind: 'document-text-changed', before: before.document.sha256, after: after.document.sha256, message: 'annotations re-checked against a changed document text' });
    }
  }

  diffSpeakers(before, after, add);
  diffClaims(before, after, add);
  diffStances(before, after, add);
  return changes;
}

type Add = (change: Omit<SidecarChange, 'document'>) => void;

function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- speakers

function diffSpeakers(before: Sidecar | undefined, after: Sidecar | undefined, add: Add): void {
  const oldSpeakers = new Map((before?.speakers ?? []).map((s) => [s.id, s]));
  const newSpeakers = new Map((after?.speakers ?? []).map((s) => [s.id, s]));
  // A whole-file add or delete is already one record; listing every speaker would bury it.
  const listMembers = Boolean(before && after);

  for (const speaker of after?.speakers ?? []) {
    const old = oldSpeakers.get(speaker.id);
    if (!old) {
      if (listMembers) {
        add({ kind: 'speaker-added', speaker: refOf(speaker), after: speaker.name, message: `speaker added: ${speaker.name} (${speaker.kind}${speaker.role ? `, ${speaker.role}` : ''})` });
      }
      continue;
    }
    if (old.name !== speaker.name) {
      add({ kind: 'speaker-renamed', speaker: refOf(speaker), before: old.name, after: speaker.name, message: `speaker renamed: ${old.name} ${arrow} ${speaker.name}` });
    }
    const scalarFields: Array<'kind' | 'role' | 'note'> = ['kind', 'role', 'note'];
    for (const field of scalarFields) {
      const was = old[field] ?? null;
      const now = speaker[field] ?? null;
      if (was !== now) {
        add({ kind: 'speaker-changed', speaker: refOf(speaker), field, before: was, after: now, message: `${speaker.name}: ${field} ${describeTransition(was, now)}` });
      }
    }
    if (!sameList(old.aliases, speaker.aliases)) {
      add({ kind: 'speaker-changed', speaker: refOf(speaker), field: 'aliases', before: [...old.aliases], after: [...speaker.aliases], message: `${speaker.name}: aliases ${describeListChange(old.aliases, speaker.aliases)}` });
    }
  }

  if (!listMembers || !before || !after) return;
  for (const old of before.speakers) {
    if (newSpeakers.has(old.id)) continue;
    // Merged = the speaker is gone and every claim that was theirs now belongs
    // to one single other speaker (who usually took the name as an alias).
    const formerClaims = before.claims.filter((c) => c.speaker === old.id).map((c) => c.id);
    const nowBy = new Set(
      formerClaims
        .map((id) => after.claims.find((c) => c.id === id)?.speaker)
        .filter((s): s is string => typeof s === 'string' && s !== old.id),
    );
    const target = nowBy.size === 1 ? newSpeakers.get([...nowBy][0]) : undefined;
    // With no claims to follow, a speaker who newly took the old name as an alias is the one merged into.
    const aliasTarget = after.speakers.find(
      (s) => s.aliases.includes(old.name) && !(oldSpeakers.get(s.id)?.aliases.includes(old.name) ?? false),
    );
    const into = target ?? (formerClaims.length === 0 ? aliasTarget : undefined);
    if (into) {
      add({ kind: 'speaker-merged', speaker: refOf(old), before: old.name, after: into.name, message: `speaker merged: ${old.name} into ${into.name}` });
    } else {
      add({ kind: 'speaker-removed', speaker: refOf(old), before: old.name, message: `speaker removed: ${old.name}` });
    }
  }
}

function refOf(speaker: Speaker): SpeakerRef {
  return { id: speaker.id, name: speaker.name };
}

// ------------------------------------------------------------------ claims

function diffClaims(before: Sidecar | undefined, after: Sidecar | undefined, add: Add): void {
  const oldClaims = new Map((before?.claims ?? []).map((c) => [c.id, c]));
  const newClaims = new Map((after?.claims ?? []).map((c) => [c.id, c]));
  const listMembers = Boolean(before && after);
  if (!listMembers) return;

  // One ordered list of claim ids: by position in the newer version, removed
  // claims at their old position; ties by id so the order never wobbles.
  const entries: Array<{ id: string; start: number }> = [];
  for (const c of after?.claims ?? []) entries.push({ id: c.id, start: c.anchor.start });
  for (const c of before?.claims ?? []) if (!newClaims.has(c.id)) entries.push({ id: c.id, start: c.anchor.start });
  entries.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  for (const { id } of entries) {
    const old = oldClaims.get(id);
    const now = newClaims.get(id);
    if (!old && now) {
      const ref = claimRef(now, after);
      add({ kind: 'claim-added', claim: ref, after: now.verdict, message: `claim added: ${ref.quote} (${ref.speaker}; verdict: ${now.verdict}, ${now.status})` });
    } else if (old && !now) {
      const ref = claimRef(old, before);
      add({ kind: 'claim-removed', claim: ref, before: old.verdict, message: `claim removed: ${ref.quote} (${ref.speaker}; verdict was ${old.verdict})` });
    } else if (old && now) {
      diffClaim(old, now, before, after, add);
    }
  }
}

function claimRef(claim: Claim, sidecar: Sidecar | undefined): ClaimRef {
  return { id: claim.id, quote: quoteClaim(claim), start: claim.anchor.start, speaker: speakerName(sidecar, claim.speaker) };
}

function diffClaim(old: Claim, now: Claim, before: Sidecar | undefined, after: Sidecar | undefined, add: Add): void {
  const claim = claimRef(now, after);
  const on = `on ${claim.quote}`;

  if (old.speaker !== now.speaker) {
    const was = speakerName(before, old.speaker);
    const is = speakerName(after, now.speaker);
    add({ kind: 'claim-reattributed', claim, before: old.speaker, after: now.speaker, message: `claim ${claim.quote} re-attributed from ${was} to ${is}` });
  }
  if (old.verdict !== now.verdict) {
    add({ kind: 'claim-verdict', claim, before: old.verdict, after: now.verdict, message: `verdict ${old.verdict} ${arrow} ${now.verdict} ${on}` });
  }
  if (old.status !== now.status) {
    const verb =
      old.status === 'suggested' && now.status === 'accepted' ? 'suggestion accepted'
      : old.status === 'suggested' && now.status === 'rejected' ? 'suggestion rejected'
      : `status ${old.status} ${arrow} ${now.status}`;
    add({ kind: 'claim-status', claim, before: old.status, after: now.status, message: `${verb}: ${claim.quote}` });
  }
  if (old.kind !== now.kind) {
    add({ kind: 'claim-kind', claim, before: old.kind, after: now.kind, message: `kind ${old.kind} ${arrow} ${now.kind} ${on}` });
  }
  textField('rationale', 'claim-rationale', old.rationale, now.rationale, claim, add);
  textField('note', 'claim-note', old.note, now.note, claim, add);

  const oldSources = new Map(old.sources.map((s) => [s.url, s]));
  const newSources = new Map(now.sources.map((s) => [s.url, s]));
  for (const s of now.sources) {
    const was = oldSources.get(s.url);
    if (!was) add({ kind: 'claim-source-added', claim, after: s.url, message: `source added ${on}: ${describeSource(s)}` });
    else if ((was.title ?? null) !== (s.title ?? null)) {
      add({ kind: 'claim-source-added', claim, field: 'title', before: was.title ?? null, after: s.title ?? null, message: `source retitled ${on}: ${describeSource(s)}` });
    }
  }
  for (const s of old.sources) {
    if (!newSources.has(s.url)) add({ kind: 'claim-source-removed', claim, before: s.url, message: `source removed ${on}: ${describeSource(s)}` });
  }

  if (!sameList([...old.tags].sort(), [...now.tags].sort())) {
    add({ kind: 'claim-tags', claim, before: [...old.tags], after: [...now.tags], message: `tags ${describeListChange(old.tags, now.tags)} ${on}` });
  }

  if (old.anchor.exact !== now.anchor.exact) {
    add({ kind: 'claim-span-changed', claim, before: old.anchor.exact, after: now.anchor.exact, message: `claim span changed: ${quoteClaim(old)} ${arrow} ${claim.quote}` });
  } else if (!sameAnchorPlace(old.anchor, now.anchor)) {
    add({ kind: 'claim-anchor-moved', claim, before: old.anchor.start, after: now.anchor.start, message: `re-anchored ${claim.quote}: position ${old.anchor.start}–${old.anchor.end} ${arrow} ${now.anchor.start}–${now.anchor.end}` });
  }
}

function textField(
  field: 'rationale' | 'note',
  kind: ChangeKind,
  was: string | undefined,
  now: string | undefined,
  claim: ClaimRef,
  add: Add,
): void {
  const a = was ?? null;
  const b = now ?? null;
  if (a === b) return;
  const message =
    a === null ? `${field} added on ${claim.quote}: ${oneLine(b ?? '')}`
    : b === null ? `${field} removed on ${claim.quote}`
    : `${field} changed on ${claim.quote}: ${oneLine(b)}`;
  add({ kind, claim, field, before: a, after: b, message });
}

function sameAnchorPlace(a: Anchor, b: Anchor): boolean {
  return a.start === b.start && a.end === b.end && a.prefix === b.prefix && a.suffix === b.suffix;
}

function describeSource(s: SourceLink): string {
  return s.title ? `${s.title} <${s.url}>` : s.url;
}

// ----------------------------------------------------------------- stances

/** Stances have no id: they are identified by speaker and target. */
export function stanceKey(s: Pick<Stance, 'speaker' | 'target'>): string {
  return `${s.speaker}\u0000${s.target}`;
}

function diffStances(before: Sidecar | undefined, after: Sidecar | undefined, add: Add): void {
  if (!before || !after) return;
  const oldStances = new Map(before.stances.map((s) => [stanceKey(s), s]));
  const newStances = new Map(after.stances.map((s) => [stanceKey(s), s]));
  for (const s of after.stances) {
    const who = speakerName(after, s.speaker);
    const stance = { speaker: who, target: s.target };
    const old = oldStances.get(stanceKey(s));
    if (!old) {
      add({ kind: 'stance-added', stance, after: s.polarity, message: `stance added: ${who} ${polarityVerb(s.polarity)} ${s.target}` });
      continue;
    }
    if (old.polarity !== s.polarity) {
      add({ kind: 'stance-changed', stance, field: 'polarity', before: old.polarity, after: s.polarity, message: `stance of ${who} on ${s.target}: ${old.polarity} ${arrow} ${s.polarity}` });
    }
    if ((old.summary ?? null) !== (s.summary ?? null)) {
      add({ kind: 'stance-changed', stance, field: 'summary', before: old.summary ?? null, after: s.summary ?? null, message: `stance summary of ${who} on ${s.target} ${s.summary ? `now: ${oneLine(s.summary)}` : 'removed'}` });
    }
    if (!sameList([...old.claims].sort(), [...s.claims].sort())) {
      add({ kind: 'stance-changed', stance, field: 'claims', before: [...old.claims], after: [...s.claims], message: `evidence of ${who}'s stance on ${s.target}: ${describeListChange(old.claims, s.claims)}` });
    }
  }
  for (const s of before.stances) {
    if (newStances.has(stanceKey(s))) continue;
    const who = speakerName(before, s.speaker);
    add({ kind: 'stance-removed', stance: { speaker: who, target: s.target }, before: s.polarity, message: `stance removed: ${who} ${polarityVerb(s.polarity)} ${s.target}` });
  }
}

function polarityVerb(p: Stance['polarity']): string {
  return p === 'support' ? 'supports' : p === 'oppose' ? 'opposes' : p === 'neutral' ? 'is neutral on' : 'is mixed on';
}

// ----------------------------------------------------------------- helpers

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describeTransition(was: string | null, now: string | null): string {
  if (was === null) return `set to ${oneLine(now ?? '')}`;
  if (now === null) return `removed (was ${oneLine(was)})`;
  return `${oneLine(was)} ${arrow} ${oneLine(now)}`;
}

function describeListChange(was: readonly string[], now: readonly string[]): string {
  const added = now.filter((x) => !was.includes(x));
  const removed = was.filter((x) => !now.includes(x));
  const parts: string[] = [];
  if (added.length) parts.push(`+${added.join(', +')}`);
  if (removed.length) parts.push(`-${removed.join(', -')}`);
  return parts.length ? parts.join(' ') : 'reordered';
}

function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…';
}
