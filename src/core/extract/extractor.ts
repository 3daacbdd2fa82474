/**
 * One document's speakers and claims: the attribution finder (attribution.ts)
 * says where statements, cues and sources are; speakers.ts says who the
 * sources are. This module joins the two and converts every offset to Unicode
 * code points, the unit of every public output.
 *
 * It is a pure function of the text (no I/O, no shared state), so that the
 * corpus index can run it in worker threads or on other machines.
 */
import { OffsetMap } from '../text';
import { findAttributionsAndTokens, type Attribution, type AttributionSpan, type LowerCasedToken } from './attribution';
import { analyzeSpeakers } from './speakers';
import type { ExtractedClaim, ExtractedSpeaker, Span } from './types';

/**
 * Bumped whenever the extraction of an unchanged text may change, so that a
 * persisted index (keyed by content hash) knows its cached results are stale.
 */
export const EXTRACTOR_VERSION = 1;

export interface AttributionExtraction {
  speakers: ExtractedSpeaker[];
  claims: ExtractedClaim[];
}

/**
 * Speakers and claims of a document. Never throws: extraction is advisory,
 * and a failure on some odd input yields an empty result rather than breaking
 * the editor or a batch run.
 */
export function extractAttributions(text: string): AttributionExtraction {
  try {
    return extractOrThrow(text);
  } catch {
    return { speakers: [], claims: [] };
  }
}

/** extractAttributions without the safety net, for tests that must see internal errors. */
export function extractOrThrow(text: string): AttributionExtraction {
  if (typeof text !== 'string' || text.length === 0) return { speakers: [], claims: [] };
  let found: Attribution[];
  let tokens: readonly LowerCasedToken[];
  try {
    ({ attributions: found, tokens } = findAttributionsAndTokens(text));
  } catch {
    // As findAttributions: a bug on some odd input yields no attributions, not a broken extraction.
    found = [];
    tokens = [];
  }
  // Drop malformed attributions; `continues` indices refer to the found list, so remap them.
  const newIndex = new Map<number, number>();
  const attributions: Attribution[] = [];
  found.forEach((a, k) => {
    if (!validSpan(a.content, text.length) || a.content.end <= a.content.start) return;
    newIndex.set(k, attributions.length);
    const continues = a.continues === undefined ? undefined : newIndex.get(a.continues);
    attributions.push({ content: a.content, cue: a.cue, source: a.source, kind: a.kind, continues: continues !== undefined && continues < attributions.length ? continues : undefined });
  });
  const { speakers: clusters, claimSpeakers } = analyzeSpeakers(text, attributions, tokens);
  const map = new OffsetMap(text);
  const span = (s: AttributionSpan | null): Span | null =>
    s && validSpan(s, text.length) && s.end > s.start ? [map.toCodePoint(s.start), map.toCodePoint(s.end)] : null;

  const speakers: ExtractedSpeaker[] = clusters.map((c) => ({
    id: c.id,
    name: c.name,
    kind: c.kind,
    role: c.role,
    aliases: c.aliases,
    mentions: c.mentions.map((m) => [map.toCodePoint(m.start), map.toCodePoint(m.end)] as Span),
  }));

  const claims: ExtractedClaim[] = [];
  const usedIds = new Set<string>();
  // Next suffix to try per base id: a sentence repeated thousands of times must not rescan -2, -3, … each time.
  const nextSuffix = new Map<string, number>();
  attributions.forEach((a: Attribution, k) => {
    const start = map.toCodePoint(a.content.start);
    const end = map.toCodePoint(a.content.end);
    const claimText = map.slice(start, end);
    const speakerIndex = claimSpeakers[k];
    // The id depends only on what was said and the words naming who said it, so
    // that editing elsewhere in the document does not rename the claim.
    const base = 'c-' + claimHash(claimText, text, a.source);
    let n = nextSuffix.get(base) ?? 1;
    let id = n === 1 ? base : `${base}-${n}`;
    while (usedIds.has(id)) id = `${base}-${++n}`;
    nextSuffix.set(base, n + 1);
    usedIds.add(id);
    claims.push({
      id,
      start,
      end,
      text: claimText,
      speaker: speakerIndex === null || speakerIndex === undefined ? null : speakers[speakerIndex].id,
      source: span(a.source),
      cue: span(a.cue),
      kind: a.kind,
    });
  });
  return { speakers, claims };
}

function validSpan(s: AttributionSpan, length: number): boolean {
  return Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= length && s.start <= s.end;
}

/**
 * 32-bit FNV-1a over the UTF-16 code units of the claim's text, U+0000 and the source's text (empty
 * without a source), as 8 hex digits; hashed piece by piece rather than on the joined string.
 */
function claimHash(claimText: string, text: string, source: AttributionSpan | null): string {
  let h = fnv1a(0x811c9dc5, claimText, 0, claimText.length);
  h = Math.imul(h ^ 0, 0x01000193);
  if (source) h = fnv1a(h, text, Math.max(0, source.start), Math.min(text.length, source.end));
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** FNV-1a steps over s[from, to). */
function fnv1a(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
