/**
 * Everything ClaimLens computes about one document's text: speakers and claims
 * (extract/), then the speakers' stances (stance/) built on those claims.
 */
import { extractAttributions } from './extract/extractor';
import type { DocumentExtraction } from './extract/types';
import { computeStances } from './stance/speakerStances';

export function analyzeDocument(text: string): DocumentExtraction {
  const { speakers, claims } = extractAttributions(text);
  return { speakers, claims, stances: computeStances(text, { speakers, claims }) };
}
