/**
 * What the extractor suggests for one document. This is also the shape of
 * `claimlens extract --json` (one object per document, plus `path`).
 *
 * All offsets are Unicode code-point offsets into the document text (BOM not
 * counted), `end` exclusive.
 */
import type { ClaimKind, Polarity, SpeakerKind } from '../sidecar/model';

export type Span = [start: number, end: number];

export interface ExtractedSpeaker {
  id: string;
  name: string;
  kind: SpeakerKind;
  role: string | null;
  aliases: string[];
  mentions: Span[];
}

export interface ExtractedClaim {
  id: string;
  start: number;
  end: number;
  /** Equals the document text between start and end. */
  text: string;
  speaker: string | null;
  source: Span | null;
  cue: Span | null;
  kind: ClaimKind;
}

export interface ExtractedStance {
  speaker: string;
  target: string;
  polarity: Polarity;
  claims: string[];
  summary: string;
  confidence: number;
}

export interface DocumentExtraction {
  speakers: ExtractedSpeaker[];
  claims: ExtractedClaim[];
  stances: ExtractedStance[];
}
