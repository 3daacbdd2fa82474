/**
 * brat standoff (`.ann`) for attributions, in the shape PolNeAR uses:
 *
 *     T1  Source 110 112  we
 *     T2  Cue 113 119  mocked
 *     T3  Content 120 211  the presidential ambitions of …
 *     T4  Attribution 113 119  mocked
 *     E1  Attribution:T4 Content:T3 Cue:T2 Source:T1
 *
 * (tab separated; offsets in code points; a discontinuous span lists its
 * fragments as `start end;start end` and its text joined by spaces; events
 * whose source is implicit use the type `Attribution-no-source`.)
 *
 * Import: one claim per attribution event that has a Content span; speakers
 * from Source spans, clustered by identical normalised text; every claim
 * accepted and unverified. Export: one event per kept claim; its Source and
 * Cue are found in the document text when it is given (the sidecar stores
 * speakers, not their mentions), and ClaimLens's own data (claim id, verdict,
 * speaker) rides along as brat `AnnotatorNotes`.
 */
import { createAnchor } from '../anchor/anchor';
import type { Claim, ClaimKind, Sidecar, Speaker, SpeakerKind } from '../sidecar/model';
import { SIDECAR_VERSION } from '../sidecar/model';
import { OffsetMap } from '../text';

// ------------------------------------------------------------------ parsing

export interface BratFragment {
  start: number;
  end: number;
}

export interface BratTextBound {
  id: string;
  type: string;
  fragments: BratFragment[];
  text: string;
  line: number;
}

export interface BratEvent {
  id: string;
  type: string;
  trigger: string;
  /** Role → text-bound id, in file order (`Content`, `Content2`, `Source`, `Cue`, …). */
  args: Array<{ role: string; target: string }>;
  line: number;
}

export interface BratProblem {
  line: number;
  message: string;
}

export interface ParsedBrat {
  textBounds: Map<string, BratTextBound>;
  events: BratEvent[];
  notes: Map<string, string[]>;
  problems: BratProblem[];
}

/** Parses `.ann` text; lines it cannot read become problems, never exceptions. */
export function parseBrat(annText: string): ParsedBrat {
  const textBounds = new Map<string, BratTextBound>();
  const events: BratEvent[] = [];
  const notes = new Map<string, string[]>();
  const problems: BratProblem[] = [];
  const lines = annText.split(/\r?\n/u);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const columns = raw.split('\t');
    const id = columns[0];
    if (/^T\d+$/u.test(id)) {
      const m = /^(\S+) (\d+ \d+(?:;\d+ \d+)*)$/u.exec(columns[1] ?? '');
      if (!m) {
        problems.push({ line, message: `cannot read text-bound annotation ${id}: expected 'Type start end'` });
        return;
      }
      const fragments = m[2].split(';').map((f) => {
        const [start, end] = f.split(' ').map(Number);
        return { start, end };
      });
      if (fragments.some((f) => f.end < f.start)) {
        problems.push({ line, message: `${id}: a fragment ends before it starts` });
        return;
      }
      textBounds.set(id, { id, type: m[1], fragments, text: columns.slice(2).join('\t'), line });
    } else if (/^E\d+$/u.test(id)) {
      const parts = (columns[1] ?? '').trim().split(/\s+/u).filter(Boolean);
      const pairs = parts.map((p) => {
        const cut = p.lastIndexOf(':');
        return cut > 0 ? { role: p.slice(0, cut), target: p.slice(cut + 1) } : undefined;
      });
      if (pairs.length === 0 || pairs.some((p) => p === undefined)) {
        problems.push({ line, message: `cannot read event ${id}: expected 'Type:T1 Role:T2 …'` });
        return;
      }
      const [head, ...args] = pairs as Array<{ role: string; target: string }>;
      events.push({ id, type: head.role, trigger: head.target, args, line });
    } else if (/^#\d+$/u.test(id)) {
      const m = /^AnnotatorNotes (\S+)$/u.exec(columns[1] ?? '');
      if (m) notes.set(m[1], [...(notes.get(m[1]) ?? []), columns.slice(2).join('\t')]);
    }
    // Relations (R), attributes (A/M), normalisations (N) carry nothing ClaimLens keeps.
  });
  return { textBounds, events, notes, problems };
}

// ------------------------------------------------------------------- import

export interface BratImportOptions {
  documentName: string;
  /** SHA-256 of `text` (see sha256Hex). */
  sha256: string;
  author?: string;
  updated?: string;
}

export interface BratImportResult {
  sidecar: Sidecar;
  /** Attributions skipped or degraded, with the `.ann` line. */
  problems: BratProblem[];
  attributions: number;
}

const QUOTE_OPEN = /^[\s(]*["“«„‘']/u;
const QUOTE_CLOSE = /["”»“’'][\s.,;:!?)]*$/u;
const QUOTE_ANY = /["“”«»„]/u;

export function importBrat(annText: string, text: string, options: BratImportOptions): BratImportResult {
  const parsed = parseBrat(annText);
  const problems = [...parsed.problems];
  const map = new OffsetMap(text);

  const spanOk = (tb: BratTextBound): boolean => {
    if (tb.fragments.some((f) => f.end > map.codePointLength)) {
      problems.push({ line: tb.line, message: `${tb.id} (${tb.type}) ends at ${Math.max(...tb.fragments.map((f) => f.end))}, past the end of the text (${map.codePointLength} characters): is this the right text file?` });
      return false;
    }
    const actual = tb.fragments.map((f) => map.slice(f.start, f.end)).join(' ');
    if (normalise(actual) !== normalise(tb.text)) {
      problems.push({ line: tb.line, message: `${tb.id} (${tb.type}) says “${short(tb.text)}” but the text there is “${short(actual)}”: is this the right text file?` });
      return false;
    }
    return true;
  };

  interface Pending { start: number; end: number; source?: BratTextBound; cue?: BratTextBound; extra: BratTextBound[]; event: BratEvent }
  const pending: Pending[] = [];
  let attributions = 0;
  for (const event of parsed.events) {
    if (!event.type.startsWith('Attribution')) continue;
    attributions++;
    const arg = (role: string) => {
      const a = event.args.find((x) => x.role === role);
      return a ? parsed.textBounds.get(a.target) : undefined;
    };
    const content = arg('Content');
    if (!content) {
      problems.push({ line: event.line, message: `${event.id} has no Content span: no claim to import` });
      continue;
    }
    if (!spanOk(content)) continue;
    let source = arg('Source');
    if (source && !spanOk(source)) source = undefined;
    let cue = arg('Cue');
    if (cue && !spanOk(cue)) cue = undefined;
    const extra = event.args
      .filter((a) => /^Content\d+$/u.test(a.role))
      .map((a) => parsed.textBounds.get(a.target))
      .filter((tb): tb is BratTextBound => tb !== undefined && spanOk(tb));
    pending.push({
      start: Math.min(...content.fragments.map((f) => f.start)),
      end: Math.max(...content.fragments.map((f) => f.end)),
      source, cue, extra, event,
    });
  }
  pending.sort((a, b) => a.start - b.start || a.end - b.end || eventNumber(a.event) - eventNumber(b.event));

  // Speakers: one per distinct normalised Source text, in order of first mention.
  const speakers: Speaker[] = [];
  const speakerByKey = new Map<string, Speaker>();
  const usedIds = new Set<string>();
  const sources = pending.map((p) => p.source).filter((s): s is BratTextBound => s !== undefined);
  sources.sort((a, b) => a.fragments[0].start - b.fragments[0].start);
  for (const s of sources) {
    const key = speakerKey(s.text);
    if (!key || speakerByKey.has(key)) continue;
    const name = s.text.replace(/\s+/gu, ' ').trim();
    const speaker: Speaker = { id: uniqueId(slug(name) || 'speaker', usedIds), name, kind: guessKind(name), aliases: [] };
    speakerByKey.set(key, speaker);
    speakers.push(speaker);
  }

  const claims: Claim[] = pending.map((p, index) => {
    const anchor = createAnchor(text, p.start, p.end);
    const noteParts = [`brat ${p.event.id}`];
    if (p.cue) noteParts.push(`cue: ${p.cue.text.replace(/\s+/gu, ' ').trim()}`);
    for (const e of p.extra) noteParts.push(`further content: ${e.text.replace(/\s+/gu, ' ').trim()}`);
    const claim: Claim = {
      id: `c${index + 1}`,
      anchor,
      speaker: p.source ? (speakerByKey.get(speakerKey(p.source.text))?.id ?? null) : null,
      kind: guessClaimKind(anchor.exact),
      status: 'accepted',
      verdict: 'unverified',
      note: noteParts.join('; '),
      sources: [],
      tags: [],
    };
    if (options.author) claim.author = options.author;
    if (options.updated) claim.updated = options.updated;
    return claim;
  });

  return {
    sidecar: { version: SIDECAR_VERSION, document: { name: options.documentName, sha256: options.sha256 }, speakers, claims, stances: [] },
    problems,
    attributions,
  };
}

function eventNumber(e: BratEvent): number {
  return Number(e.id.slice(1));
}

function normalise(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Identical mentions up to case, spacing, surrounding punctuation and a possessive. */
export function speakerKey(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\s"“”'‘’(,.:;-]+|[\s"“”'‘’),.:;-]+$/gu, '')
    .replace(/['’]s$/u, '')
    .trim();
}

const ORGANIZATION_WORDS = /\b(party|department|ministry|committee|agency|council|commission|government|police|association|institute|university|campaign|administration|inc|corp|company|news|times|post|journal|network|bureau|office|court|senate|congress|house|union|foundation|center|centre|group|coalition|organization|organisation)\b/iu;
const GROUP_WORDS = /^(they|we|you|them|us|critics|officials|experts|analysts|observers|supporters|opponents|democrats|republicans|voters|residents|people|many|some|others|both|all)\b/iu;
const ANONYMOUS_WORDS = /\b(sources?|a (senior |former )?(official|spokesman|spokeswoman|spokesperson|aide|person))\b/iu;

/** A first guess, for people to correct: imported mentions have no kind. */
const PLURAL_DETERMINER = /^(most|many|some|several|few|the|these|those|all|both|other|\d+)\s/iu;
/** A lower-case plural head noun ("voters", "auguries"), not "press", "Congress" or "Jones's". */
const PLURAL_END = /\p{Ll}[^s'’\s]s$/u;

export function guessKind(name: string): SpeakerKind {
  if (ANONYMOUS_WORDS.test(name)) return 'anonymous';
  if (GROUP_WORDS.test(name) || (PLURAL_DETERMINER.test(name) && PLURAL_END.test(name))) return 'group';
  if (ORGANIZATION_WORDS.test(name)) return 'organization';
  return 'person';
}

export function guessClaimKind(exact: string): ClaimKind {
  if (QUOTE_OPEN.test(exact) && QUOTE_CLOSE.test(exact)) return 'direct';
  return QUOTE_ANY.test(exact) ? 'mixed' : 'indirect';
}

function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '')
    .slice(0, 48)
    .replace(/-+$/u, '');
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function short(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > 60 ? flat.slice(0, 59) + '…' : flat;
}

// ------------------------------------------------------------------- export

export interface BratExportOptions {
  /** The document's text: lets the export verify anchors and find speaker mentions and cues. */
  text?: string;
  warn?: (message: string) => void;
}

const REPORTING_VERB = /\b(?:according to|said|says|say|told|tells|tell|argued|argues|claimed|claims|claim|warned|warns|added|adds|insisted|insists|stated|states|declared|declares|announced|announces|noted|notes|explained|explains|wrote|writes|asked|asks|suggested|suggests|believes|believed|thinks|thought|denied|denies|admitted|admits|promised|promises|predicted|predicts)\b/giu;

export function toBrat(sidecar: Sidecar, options: BratExportOptions = {}): string {
  const map = options.text === undefined ? undefined : new OffsetMap(options.text);
  const lines: string[] = [];
  let t = 0;
  let e = 0;
  let note = 0;
  const claims = [...sidecar.claims]
    .filter((c) => c.status !== 'rejected')
    .sort((a, b) => a.anchor.start - b.anchor.start || (a.id < b.id ? -1 : 1));

  for (const claim of claims) {
    if (map && map.slice(claim.anchor.start, claim.anchor.end) !== claim.anchor.exact) {
      options.warn?.(`claim ${claim.id} in ${sidecar.document.name} no longer matches the document at ${claim.anchor.start}–${claim.anchor.end}: not exported (run 'claimlens check' to see why)`);
      continue;
    }
    const speaker = claim.speaker === null ? undefined : sidecar.speakers.find((s) => s.id === claim.speaker);
    const textBound = (type: string, start: number, exact: string): string => {
      const id = `T${++t}`;
      lines.push(`${id}\t${type} ${fragmentsOf(start, exact)}\t${exact.split(/\r\n|\r|\n/u).map((s) => s.trim()).filter(Boolean).join(' ')}`);
      return id;
    };

    const mention = map && speaker ? findMention(map, speaker, claim) : undefined;
    const cue = map ? findCue(map, claim, mention) : undefined;

    const sourceId = mention ? textBound('Source', mention.start, map!.slice(mention.start, mention.end)) : undefined;
    const cueId = cue ? textBound('Cue', cue.start, map!.slice(cue.start, cue.end)) : undefined;
    const contentId = textBound('Content', claim.anchor.start, claim.anchor.exact);
    const type = sourceId ? 'Attribution' : 'Attribution-no-source';
    // brat events need a trigger: the cue when known (as in PolNeAR), else the content itself.
    const triggerId = cue ? textBound(type, cue.start, map!.slice(cue.start, cue.end)) : textBound(type, claim.anchor.start, claim.anchor.exact);
    const args = [`${type}:${triggerId}`, `Content:${contentId}`];
    if (cueId) args.push(`Cue:${cueId}`);
    if (sourceId) args.push(`Source:${sourceId}`);
    lines.push(`E${++e}\t${args.join(' ')}`);

    const facts = [`claimlens ${claim.id}`, `verdict: ${claim.verdict}`];
    if (speaker) facts.push(`speaker: ${speaker.name}`);
    else if (claim.speaker === null) facts.push('speaker: unattributed');
    lines.push(`#${++note}\tAnnotatorNotes ${contentId}\t${facts.join('; ').replace(/[\t\r\n]+/gu, ' ')}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * `start end[;start end…]` for a span, split at line breaks (brat's own
 * convention: fragments never cross a line), leading/trailing blanks trimmed.
 */
function fragmentsOf(start: number, exact: string): string {
  const chars = Array.from(exact);
  const fragments: Array<[number, number]> = [];
  let i = 0;
  while (i < chars.length) {
    while (i < chars.length && /\s/u.test(chars[i])) i++;
    if (i >= chars.length) break;
    let j = i;
    while (j < chars.length && chars[j] !== '\n' && chars[j] !== '\r') j++;
    let k = j;
    while (k > i && /\s/u.test(chars[k - 1])) k--;
    fragments.push([start + i, start + k]);
    i = j;
  }
  if (fragments.length === 0) fragments.push([start, start + chars.length]);
  return fragments.map(([a, b]) => `${a} ${b}`).join(';');
}

interface Span {
  start: number;
  end: number;
}

/** The paragraph (blank-line separated) around a claim, in code points. */
function paragraphAround(map: OffsetMap, claim: Claim): Span {
  const text = map.text;
  const from = map.toUtf16(claim.anchor.start);
  const to = map.toUtf16(claim.anchor.end);
  const before = text.lastIndexOf('\n\n', from);
  const after = text.indexOf('\n\n', to);
  return {
    start: map.toCodePoint(before < 0 ? 0 : before + 2),
    end: map.toCodePoint(after < 0 ? text.length : after),
  };
}

/** The nearest whole-word mention of the speaker's name or an alias in the claim's paragraph, outside the claim. */
function findMention(map: OffsetMap, speaker: Speaker, claim: Claim): Span | undefined {
  const paragraph = paragraphAround(map, claim);
  const region = map.slice(paragraph.start, paragraph.end);
  const regionStart16 = map.toUtf16(paragraph.start);
  const names = [speaker.name, ...speaker.aliases].filter((n) => n.trim().length > 1);
  let best: { span: Span; distance: number } | undefined;
  for (const name of names) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of region.matchAll(pattern)) {
      const start = map.toCodePoint(regionStart16 + (m.index ?? 0));
      const end = map.toCodePoint(regionStart16 + (m.index ?? 0) + m[0].length);
      if (start < claim.anchor.end && end > claim.anchor.start) continue;
      // Sources usually precede what they say; one after the claim ("…," she said) must be clearly nearer.
      const distance = end <= claim.anchor.start ? claim.anchor.start - end : (start - claim.anchor.end) * 1.5;
      if (!best || distance < best.distance) best = { span: { start, end }, distance };
    }
  }
  return best?.span;
}

/** A reporting verb between the mention and the claim, or right next to the claim. */
function findCue(map: OffsetMap, claim: Claim, mention: Span | undefined): Span | undefined {
  const windows: Span[] = [];
  if (mention && mention.end <= claim.anchor.start) windows.push({ start: mention.end, end: claim.anchor.start });
  else if (mention && mention.start >= claim.anchor.end) windows.push({ start: claim.anchor.end, end: mention.start });
  else {
    windows.push({ start: Math.max(0, claim.anchor.start - 40), end: claim.anchor.start });
    windows.push({ start: claim.anchor.end, end: Math.min(map.codePointLength, claim.anchor.end + 40) });
  }
  for (const w of windows) {
    if (w.end - w.start > 120) continue; // too far apart to be one attribution
    const slice = map.slice(w.start, w.end);
    const base16 = map.toUtf16(w.start);
    const found = [...slice.matchAll(REPORTING_VERB)];
    if (found.length === 0) continue;
    // Nearest to the claim.
    const m = w.end === claim.anchor.start ? found[found.length - 1] : found[0];
    return { start: map.toCodePoint(base16 + (m.index ?? 0)), end: map.toCodePoint(base16 + (m.index ?? 0) + m[0].length) };
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
