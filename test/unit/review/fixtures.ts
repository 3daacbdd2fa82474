/** Small hand-written sidecars for review, merge and interchange tests (our own sentences). */
import { createAnchor } from '../../../src/core/anchor/anchor';
import type { Claim, Sidecar, Speaker } from '../../../src/core/sidecar/model';

export const ARTICLE = [
  'Harbour council meets on ferry fares',
  '',
  'Mayor Ana Ribeiro said the new ferry would cut crossing times by half. "We will not raise fares this year," she told reporters on Monday.',
  '',
  'The Dockworkers Union warned that 40 jobs were at risk. Its spokesman, Tom Okafor, claimed the council had ignored two safety reports.',
  '',
  'Critics argued the timetable was unrealistic.',
].join('\n');

export const DOCUMENT_SHA = 'a'.repeat(64);

function span(text: string, quote: string): [number, number] {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`fixture quote not found: ${quote}`);
  // ARTICLE has no astral characters, so UTF-16 offsets are code points.
  return [at, at + quote.length];
}

export function speaker(id: string, name: string, extra: Partial<Speaker> = {}): Speaker {
  return { id, name, kind: 'person', aliases: [], ...extra };
}

export function claim(id: string, quote: string, extra: Partial<Claim> = {}, text = ARTICLE): Claim {
  const [start, end] = span(text, quote);
  return {
    id,
    anchor: createAnchor(text, start, end),
    speaker: null,
    kind: 'indirect',
    status: 'accepted',
    verdict: 'unverified',
    sources: [],
    tags: [],
    ...extra,
  };
}

/** The base version most tests start from. */
export function baseSidecar(): Sidecar {
  return {
    version: 1,
    document: { name: 'ferry.txt', sha256: DOCUMENT_SHA },
    speakers: [
      speaker('ana-ribeiro', 'Ana Ribeiro', { role: 'Mayor', aliases: ['Ribeiro'] }),
      speaker('dockworkers-union', 'Dockworkers Union', { kind: 'organization' }),
      speaker('tom-okafor', 'Tom Okafor', { role: 'union spokesman' }),
    ],
    claims: [
      claim('c1', 'the new ferry would cut crossing times by half', { speaker: 'ana-ribeiro', updated: '2025-03-01' }),
      claim('c2', '"We will not raise fares this year,"', { speaker: 'ana-ribeiro', kind: 'direct', updated: '2025-03-01' }),
      claim('c3', 'that 40 jobs were at risk', { speaker: 'dockworkers-union', updated: '2025-03-01' }),
      claim('c4', 'the council had ignored two safety reports', { speaker: 'tom-okafor', updated: '2025-03-01' }),
    ],
    stances: [{ speaker: 'dockworkers-union', target: 'harbour-council', polarity: 'oppose', claims: ['c3'] }],
  };
}

/** A deep copy to edit. */
export function copy(sidecar: Sidecar): Sidecar {
  return structuredClone(sidecar);
}

export function claimOf(sidecar: Sidecar, id: string): Claim {
  const found = sidecar.claims.find((c) => c.id === id);
  if (!found) throw new Error(`no claim ${id}`);
  return found;
}
