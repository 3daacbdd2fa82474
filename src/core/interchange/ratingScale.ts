/**
 * What the exports need from a verdict scale (see ../sidecar/verdicts.ts): each
 * verdict's label and, when it rates something, its numeric ClaimReview value,
 * plus the scale's best and worst.
 */
import { DEFAULT_VERDICT_SCALE, findVerdict, type VerdictScale } from '../sidecar/verdicts';

export interface Rating {
  label: string;
  /** Numeric ClaimReview `ratingValue`; absent for verdicts that rate nothing (unverified, unsupported). */
  value?: number;
}

export interface RatingScale {
  best: number;
  worst: number;
  ratingOf(verdict: string): Rating | undefined;
}

export function ratingScaleOf(scale: VerdictScale = DEFAULT_VERDICT_SCALE): RatingScale {
  return {
    best: scale.best,
    worst: scale.worst,
    ratingOf(verdict) {
      const v = findVerdict(scale, verdict);
      if (!v) return undefined;
      return v.value === undefined ? { label: v.label } : { label: v.label, value: v.value };
    },
  };
}
