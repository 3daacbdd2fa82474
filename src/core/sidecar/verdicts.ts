/**
 * Verdict scales. A claim's `verdict` is a key of the scale in force. The
 * default scale follows the ratings fact-checkers publish as ClaimReview
 * (schema.org `Rating`): a numeric `ratingValue` between `worstRating` (1) and
 * `bestRating` (5), with the textual rating as `alternateName`. Verdicts that
 * rate nothing (`unverified`, `unsupported`) carry no number, so exports leave
 * their `ratingValue` out instead of inventing one.
 *
 * A newsroom with its own scale configures it (extension setting
 * `claimlens.verdictScale`, or `verdictScaleFrom` in code); unknown keys in a
 * sidecar are then reported as warnings, never dropped.
 */

/** Keys of the colours the editor uses (theme colour ids are derived from them). */
export type VerdictColor = 'neutral' | 'true' | 'mostly-true' | 'mixed' | 'misleading' | 'mostly-false' | 'false' | 'unknown';

export interface VerdictDefinition {
  /** The value written in the sidecar's `verdict` field. */
  key: string;
  /** What people read (hover cards, exports' `alternateName`). */
  label: string;
  /** ClaimReview `ratingValue`; absent when the verdict rates nothing. */
  value?: number;
  /** One sentence on when to use it. */
  description: string;
  /** A colour hint the UI maps onto theme colours. */
  color: VerdictColor;
}

export interface VerdictScale {
  /** ClaimReview `bestRating` / `worstRating`. */
  best: number;
  worst: number;
  /** The verdict given to new claims. */
  defaultVerdict: string;
  verdicts: readonly VerdictDefinition[];
}

export const DEFAULT_VERDICT_SCALE: VerdictScale = Object.freeze({
  best: 5,
  worst: 1,
  defaultVerdict: 'unverified',
  verdicts: Object.freeze([
    { key: 'unverified', label: 'Unverified', description: 'Not checked yet.', color: 'neutral' },
    { key: 'true', label: 'True', value: 5, description: 'Accurate, nothing significant missing.', color: 'true' },
    { key: 'mostly-true', label: 'Mostly true', value: 4, description: 'Accurate but needs clarification or additional information.', color: 'mostly-true' },
    { key: 'mixed', label: 'Mixed', value: 3, description: 'Partly accurate, partly not.', color: 'mixed' },
    { key: 'misleading', label: 'Misleading', value: 2, description: 'Contains accurate elements but gives a false impression.', color: 'misleading' },
    { key: 'mostly-false', label: 'Mostly false', value: 2, description: 'Contains an element of truth but ignores facts that change the picture.', color: 'mostly-false' },
    { key: 'false', label: 'False', value: 1, description: 'Not accurate.', color: 'false' },
    { key: 'unsupported', label: 'Unsupported', description: 'No evidence was found for or against it.', color: 'unknown' },
  ].map((v) => Object.freeze(v as VerdictDefinition))),
}) as VerdictScale;

export const DEFAULT_VERDICT_KEYS: readonly string[] = DEFAULT_VERDICT_SCALE.verdicts.map((v) => v.key);

export function findVerdict(scale: VerdictScale, key: string): VerdictDefinition | undefined {
  return scale.verdicts.find((v) => v.key === key);
}

/** The label to show for a verdict key, falling back to the key itself for verdicts off the scale. */
export function verdictLabel(scale: VerdictScale, key: string): string {
  return findVerdict(scale, key)?.label ?? key;
}

const VERDICT_KEY = /^[a-z0-9][a-z0-9-]*$/;
const COLORS: readonly VerdictColor[] = ['neutral', 'true', 'mostly-true', 'mixed', 'misleading', 'mostly-false', 'false', 'unknown'];

/**
 * Builds a scale from configuration (e.g. the `claimlens.verdictScale` setting):
 * a list of `{ key, label?, value?, description?, color? }`. Returns the scale and
 * one problem message per entry it had to skip, so the caller can show them.
 * Falls back to the default scale when nothing usable is given.
 */
export function verdictScaleFrom(config: unknown, options: { defaultVerdict?: string } = {}): { scale: VerdictScale; problems: string[] } {
  const problems: string[] = [];
  if (!Array.isArray(config) || config.length === 0) {
    if (config !== undefined && config !== null && !Array.isArray(config)) problems.push('the verdict scale must be a list of verdicts; using the default scale');
    return { scale: DEFAULT_VERDICT_SCALE, problems };
  }
  const verdicts: VerdictDefinition[] = [];
  config.forEach((entry, i) => {
    const e = (typeof entry === 'string' ? { key: entry } : entry) as Record<string, unknown> | null;
    if (!e || typeof e !== 'object' || typeof e.key !== 'string' || !VERDICT_KEY.test(e.key)) {
      problems.push(`verdict ${i + 1}: needs a "key" of lowercase letters, digits and dashes; skipped`);
      return;
    }
    if (verdicts.some((v) => v.key === e.key)) {
      problems.push(`verdict ${i + 1}: "${e.key}" is listed twice; the first one is used`);
      return;
    }
    const value = typeof e.value === 'number' && Number.isFinite(e.value) ? e.value : undefined;
    const color = COLORS.includes(e.color as VerdictColor) ? (e.color as VerdictColor) : findVerdict(DEFAULT_VERDICT_SCALE, e.key)?.color ?? 'neutral';
    verdicts.push({
      key: e.key,
      label: typeof e.label === 'string' && e.label.trim() ? e.label : e.key,
      ...(value === undefined ? {} : { value }),
      description: typeof e.description === 'string' ? e.description : '',
      color,
    });
  });
  if (verdicts.length === 0) return { scale: DEFAULT_VERDICT_SCALE, problems: [...problems, 'no usable verdict; using the default scale'] };
  const values = verdicts.map((v) => v.value).filter((v): v is number => v !== undefined);
  const wanted = options.defaultVerdict;
  const defaultVerdict = wanted && verdicts.some((v) => v.key === wanted) ? wanted : verdicts.find((v) => v.value === undefined)?.key ?? verdicts[0].key;
  return {
    scale: {
      best: values.length ? Math.max(...values) : DEFAULT_VERDICT_SCALE.best,
      worst: values.length ? Math.min(...values) : DEFAULT_VERDICT_SCALE.worst,
      defaultVerdict,
      verdicts,
    },
    problems,
  };
}
