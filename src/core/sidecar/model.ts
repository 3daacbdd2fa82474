/**
 * The sidecar model: what people decided about one document, as it is kept in
 * `<document>.annotations.yaml`. Field names here are the YAML keys.
 *
 * Machine suggestions are not stored here until a person accepts them (or
 * rejects them: a rejected suggestion is kept so it is not suggested again).
 */

export const SIDECAR_VERSION = 1;

export type SpeakerKind = 'person' | 'organization' | 'group' | 'anonymous';
export type ClaimKind = 'direct' | 'indirect' | 'mixed';
export type ClaimStatus = 'suggested' | 'accepted' | 'rejected';
export type Polarity = 'support' | 'oppose' | 'neutral' | 'mixed';

/**
 * Where an annotation sits: the W3C Web Annotation TextQuoteSelector
 * (`exact`, `prefix`, `suffix`) and TextPositionSelector (`start`, `end`,
 * Unicode code points, `end` exclusive) side by side.
 */
export interface Anchor {
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

export interface Speaker {
  /** Stable slug, e.g. `emmanuel-macron`; never renumbered. */
  id: string;
  name: string;
  kind: SpeakerKind;
  role?: string;
  aliases: string[];
  note?: string;
}

export interface SourceLink {
  url: string;
  title?: string;
}

export interface Claim {
  /** Stable id; never renumbered. */
  id: string;
  anchor: Anchor;
  /** Speaker id, or null when the claim is known to be unattributed. */
  speaker: string | null;
  kind: ClaimKind;
  status: ClaimStatus;
  /** A key of the verdict scale (see verdicts.ts). */
  verdict: string;
  rationale?: string;
  note?: string;
  sources: SourceLink[];
  tags: string[];
  author?: string;
  /** ISO 8601 date or date-time of the last change. */
  updated?: string;
}

export interface Stance {
  speaker: string;
  target: string;
  polarity: Polarity;
  /** Evidence: claim ids. */
  claims: string[];
  summary?: string;
  author?: string;
  updated?: string;
}

export interface DocumentRef {
  /** The document's file name (last path segment). */
  name: string;
  /** SHA-256 (hex) of the document text the anchors were last checked against. */
  sha256: string;
}

export interface Sidecar {
  version: number;
  document: DocumentRef;
  speakers: Speaker[];
  claims: Claim[];
  stances: Stance[];
}
