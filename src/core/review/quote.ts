/**
 * How review output names things: a claim by a readable slice of its own
 * words, a speaker by name. Ids alone tell a reviewer nothing.
 */
import type { Claim, Sidecar, Speaker } from '../sidecar/model';

/** Collapses runs of white space (line breaks included) to one space. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * A claim's text shortened for one line: the start and the end are kept (the
 * end of a quote often carries its point), joined by an ellipsis. Cuts fall on
 * word boundaries when one is near, and never split a surrogate pair.
 */
export function truncateQuote(text: string, maxLength = 80): string {
  const flat = collapseSpace(text);
  const chars = Array.from(flat);
  if (chars.length <= maxLength) return flat;
  const headBudget = Math.ceil((maxLength - 1) * 0.7);
  const tailBudget = maxLength - 1 - headBudget;
  let head = chars.slice(0, headBudget).join('');
  let tail = chars.slice(chars.length - tailBudget).join('');
  const headSpace = head.lastIndexOf(' ');
  if (headSpace > headBudget * 0.6) head = head.slice(0, headSpace);
  const tailSpace = tail.indexOf(' ');
  if (tailSpace >= 0 && tailSpace < tailBudget * 0.4) tail = tail.slice(tailSpace + 1);
  return `${head.trimEnd()} … ${tail.trimStart()}`;
}

/** `“text”`, shortened. */
export function quoteClaim(claim: Pick<Claim, 'anchor'>, maxLength = 80): string {
  return `“${truncateQuote(claim.anchor.exact, maxLength)}”`;
}

/** A speaker's display name, or the id itself when the sidecar does not define it. */
export function speakerName(sidecar: Sidecar | undefined, speakerId: string | null | undefined): string {
  if (speakerId === null || speakerId === undefined) return '(unattributed)';
  const speaker = sidecar?.speakers.find((s: Speaker) => s.id === speakerId);
  return speaker ? speaker.name : speakerId;
}
