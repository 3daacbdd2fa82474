/**
 * Everything ClaimLens computes about one document's text: speakers and claims
 * (extract/), then the speakers' stances (stance/) built on those claims.
 */
import { extractAttributions } from './extract/extractor';
import type { DocumentExtraction } from './extract/types';
import { computeStances } from './stance/speakerStances';

/**
 * Documents larger than this are not analysed by the CLI: a news article is well under 1 MB, and
 * extraction costs a few seconds per megabyte, so a 20 MB log or data dump would stall a batch run.
 * (The editor leaves files over the same size out of the corpus.)
 */
export const MAX_ANALYZED_BYTES = 4 * 1024 * 1024;

export function analyzeDocument(text: string): DocumentExtraction {
  const { speakers, claims } = extractAttributions(text);
  return { speakers, claims, stances: computeStances(text, { speakers, claims }) };
}
