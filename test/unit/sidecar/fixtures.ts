/** Small sidecars and documents written for these tests (not from any corpus). */
import { createAnchor } from '../../../src/core/anchor/anchor';
import type { Sidecar } from '../../../src/core/sidecar/model';

export const DOCUMENT_TEXT =
  'The mayor of Lakeside said on Monday that “the new bridge will open in May.”\n' +
  'Council member Ana Ruiz disputed that, saying “the contractor has not even poured the foundations.”\n' +
  'A city engineer, speaking on condition of anonymity, said the schedule was “optimistic at best.”\n';

function span(text: string, quote: string): [number, number] {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`fixture quote not found: ${quote}`);
  return [at, at + quote.length]; // the fixture text is BMP-only: UTF-16 = code points
}

export function sampleSidecar(): Sidecar {
  const a = span(DOCUMENT_TEXT, '“the new bridge will open in May.”');
  const b = span(DOCUMENT_TEXT, '“the contractor has not even poured the foundations.”');
  const c = span(DOCUMENT_TEXT, '“optimistic at best.”');
  return {
    version: 1,
    document: { name: 'bridge.txt', sha256: 'a'.repeat(64) },
    speakers: [
      { id: 'mayor-lakeside', name: 'Mayor of Lakeside', kind: 'person', role: 'Mayor', aliases: ['the mayor'] },
      { id: 'ana-ruiz', name: 'Ana Ruiz', kind: 'person', role: 'Council member', aliases: [] },
      { id: 'city-engineer', name: 'A city engineer', kind: 'anonymous', aliases: [] },
    ],
    claims: [
      {
        id: 'c-bridge', anchor: createAnchor(DOCUMENT_TEXT, a[0], a[1]), speaker: 'mayor-lakeside', kind: 'direct', status: 'accepted',
        verdict: 'misleading', rationale: 'The permit for the deck was only filed in March.', sources: [{ url: 'https://example.org/permits', title: 'Permit register' }],
        tags: ['infrastructure', 'schedule'], author: 'jd', updated: '2025-03-28',
      },
      { id: 'c-foundations', anchor: createAnchor(DOCUMENT_TEXT, b[0], b[1]), speaker: 'ana-ruiz', kind: 'direct', status: 'accepted', verdict: 'true', sources: [], tags: [] },
      { id: 'c-optimistic', anchor: createAnchor(DOCUMENT_TEXT, c[0], c[1]), speaker: 'city-engineer', kind: 'mixed', status: 'suggested', verdict: 'unverified', sources: [], tags: [] },
    ],
    stances: [
      { speaker: 'ana-ruiz', target: 'mayor-lakeside', polarity: 'oppose', claims: ['c-foundations'], summary: 'Disputes the opening date.' },
    ],
  };
}
