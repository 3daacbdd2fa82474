/**
 * ClaimReview JSON-LD (https://schema.org/ClaimReview): the markup fact-checkers
 * publish so that search engines show their verdicts. One ClaimReview per
 * reviewed claim, i.e. a claim a person kept (not rejected) and rated (verdict
 * other than `unverified`).
 *
 * Output: a JSON array of self-contained ClaimReview objects (each with its own
 * `@context`), the form Google's structured-data tools accept in one
 * `<script type="application/ld+json">`.
 */
import type { Claim, Sidecar, Speaker } from '../sidecar/model';
import type { RatingScale } from './ratingScale';

export interface ClaimReviewOptions {
  scale: RatingScale;
  /** The fact-checking organisation publishing the reviews. */
  publisher?: { name: string; url?: string };
  /** Where the reviewed document appeared (its URL); defaults to its file name. */
  documentUrl?: (sidecar: Sidecar) => string | undefined;
  /** URL of the page publishing a review; ClaimReview's `url`. Omitted when not given. */
  reviewUrl?: (sidecar: Sidecar, claim: Claim) => string | undefined;
  /** Called for claims skipped or degraded, with a sentence saying why. */
  warn?: (message: string) => void;
}

export type JsonLd = Record<string, unknown>;

export function isReviewed(claim: Claim): boolean {
  return claim.status !== 'rejected' && claim.verdict !== 'unverified';
}

export function toClaimReviews(sidecars: readonly Sidecar[], options: ClaimReviewOptions): JsonLd[] {
  const reviews: JsonLd[] = [];
  for (const sidecar of sidecars) {
    const claims = [...sidecar.claims].sort((a, b) => a.anchor.start - b.anchor.start || (a.id < b.id ? -1 : 1));
    for (const claim of claims) {
      if (!isReviewed(claim)) continue;
      reviews.push(claimReview(sidecar, claim, options));
    }
  }
  return reviews;
}

function claimReview(sidecar: Sidecar, claim: Claim, options: ClaimReviewOptions): JsonLd {
  const speaker = claim.speaker === null ? undefined : sidecar.speakers.find((s) => s.id === claim.speaker);
  const documentUrl = options.documentUrl?.(sidecar);
  const appearance: JsonLd = documentUrl
    ? { '@type': 'CreativeWork', url: documentUrl, name: sidecar.document.name }
    : { '@type': 'CreativeWork', name: sidecar.document.name };

  const itemReviewed: JsonLd = { '@type': 'Claim', appearance };
  if (speaker) itemReviewed.author = agentOf(speaker);

  const rating = options.scale.ratingOf(claim.verdict);
  if (!rating) options.warn?.(`claim ${claim.id} in ${sidecar.document.name}: verdict '${claim.verdict}' is not on the verdict scale; exported with its key as the rating's name and no numeric value`);
  const reviewRating: JsonLd = { '@type': 'Rating', alternateName: rating?.label ?? claim.verdict };
  if (rating?.value !== undefined) {
    reviewRating.ratingValue = rating.value;
    reviewRating.bestRating = options.scale.best;
    reviewRating.worstRating = options.scale.worst;
  }

  const review: JsonLd = { '@context': 'https://schema.org', '@type': 'ClaimReview' };
  const url = options.reviewUrl?.(sidecar, claim);
  if (url) review.url = url;
  review.claimReviewed = claim.anchor.exact.replace(/\s+/gu, ' ').trim();
  review.itemReviewed = itemReviewed;
  review.reviewRating = reviewRating;
  if (claim.rationale) review.reviewBody = claim.rationale;
  if (options.publisher) {
    review.author = options.publisher.url
      ? { '@type': 'Organization', name: options.publisher.name, url: options.publisher.url }
      : { '@type': 'Organization', name: options.publisher.name };
  }
  if (claim.updated) review.datePublished = claim.updated;
  return review;
}

/** schema.org has Person and Organization: groups and organisations are Organizations. */
function agentOf(speaker: Speaker): JsonLd {
  const type = speaker.kind === 'organization' || speaker.kind === 'group' ? 'Organization' : 'Person';
  const agent: JsonLd = { '@type': type, name: speaker.name };
  if (speaker.role && type === 'Person') agent.jobTitle = speaker.role;
  if (speaker.aliases.length) agent.alternateName = [...speaker.aliases];
  return agent;
}
