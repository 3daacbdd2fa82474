/**
 * A stable, readable text rendering of one sidecar for Git's textconv, so that
 * `git diff`, `git log -p` and `git show` print
 *
 *     claim c3: “We will not send troops.”
 *    -  verdict: unverified
 *    +  verdict: false
 *
 * Layout rules that make those diffs readable:
 * - one block per claim, in document order; the block's first line starts at
 *   column 0 with the claim's id and full quote, so Git's default hunk-header
 *   heuristic names the nearest claim above a hunk (`@@ … @@ claim c2: “…”`);
 * - every field on its own indented line, verdict right under the quote, so a
 *   verdict change always shows the quote in its context lines;
 * - no volatile data (no dates of rendering, no counts that shift every line).
 */
import type { Claim, Sidecar, Speaker, Stance } from '../sidecar/model';
import { collapseSpace, speakerName } from './quote';

export interface TextconvOptions {
  /** Unresolved merge conflicts (see findConflictBlocks), shown on their item so a diff never hides them. */
  conflicts?: Map<string, Record<string, unknown>>;
}

export function renderSidecarText(sidecar: Sidecar, options: TextconvOptions = {}): string {
  const conflictLines = (key: string): string[] => {
    const block = options.conflicts?.get(key);
    if (!block) return [];
    return Object.entries(block).map(([field, values]) => {
      const v = (values ?? {}) as Record<string, unknown>;
      const show = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x ?? null));
      return `  UNRESOLVED MERGE CONFLICT in ${field}: ours ${show(v.ours)} | theirs ${show(v.theirs)}`;
    });
  };
  const out: string[] = [];
  out.push(`ClaimLens annotations of ${sidecar.document.name}`);
  out.push(`  document sha256: ${sidecar.document.sha256}`);
  out.push('');

  if (sidecar.speakers.length) {
    out.push('speakers:');
    for (const s of sidecar.speakers) out.push(...renderSpeaker(s), ...conflictLines(`speaker:${s.id}`).map((l) => `  ${l}`));
    out.push('');
  }

  const claims = [...sidecar.claims].sort(
    (a, b) => a.anchor.start - b.anchor.start || a.anchor.end - b.anchor.end || compare(a.id, b.id),
  );
  for (const c of claims) {
    out.push(...renderClaim(c, sidecar), ...conflictLines(`claim:${c.id}`));
    out.push('');
  }

  if (sidecar.stances.length) {
    out.push('stances:');
    const stances = [...sidecar.stances].sort((a, b) => compare(a.speaker, b.speaker) || compare(a.target, b.target));
    for (const s of stances) out.push(...renderStance(s, sidecar), ...conflictLines(`stance:${s.speaker}\u0000${s.target}`).map((l) => `  ${l}`));
    out.push('');
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

function renderSpeaker(s: Speaker): string[] {
  const lines = [`  ${s.name} [${s.id}]: ${s.kind}${s.role ? `, ${oneLine(s.role)}` : ''}`];
  if (s.aliases.length) lines.push(`    aliases: ${s.aliases.map(oneLine).join(', ')}`);
  if (s.note) lines.push(`    note: ${oneLine(s.note)}`);
  return lines;
}

function renderClaim(c: Claim, sidecar: Sidecar): string[] {
  const lines = [`claim ${c.id}: “${collapseSpace(c.anchor.exact)}”`];
  lines.push(`  verdict: ${c.verdict}`);
  lines.push(`  speaker: ${c.speaker === null ? '(unattributed)' : `${speakerName(sidecar, c.speaker)} [${c.speaker}]`}`);
  lines.push(`  status: ${c.status}, ${c.kind} quote`);
  if (c.rationale) lines.push(`  rationale: ${oneLine(c.rationale)}`);
  if (c.note) lines.push(`  note: ${oneLine(c.note)}`);
  for (const source of c.sources) lines.push(`  source: ${source.url}${source.title ? ` (${oneLine(source.title)})` : ''}`);
  if (c.tags.length) lines.push(`  tags: ${c.tags.join(', ')}`);
  const by = [c.author ? `by ${c.author}` : '', c.updated ? `on ${c.updated}` : ''].filter(Boolean).join(' ');
  if (by) lines.push(`  updated ${by}`);
  lines.push(`  at: ${c.anchor.start}–${c.anchor.end}`);
  return lines;
}

function renderStance(s: Stance, sidecar: Sidecar): string[] {
  const lines = [`  ${speakerName(sidecar, s.speaker)} on ${oneLine(s.target)}: ${s.polarity}`];
  if (s.summary) lines.push(`    summary: ${oneLine(s.summary)}`);
  if (s.claims.length) lines.push(`    evidence: ${s.claims.join(', ')}`);
  return lines;
}

function oneLine(text: string): string {
  return collapseSpace(text);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
