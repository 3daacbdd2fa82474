// Hover cards. On a speaker mention: who it is, where they speak in this document and across the
// corpus, and where they stand (stances aggregated across the corpus, people's confirmed stances
// first), with evidence links that jump to the claims. On a claim: speaker, kind, verdict and
// rationale, sources, tags, status, who changed it and when, and links to change the verdict or to
// accept/reject a machine suggestion. All text from documents and sidecars is escaped (markdown.ts).
import * as vscode from 'vscode';
import type { ExtractedSpeaker } from '../core/extract/types';
import type { Speaker } from '../core/sidecar/model';
import { verdictLabel } from '../core/sidecar/verdicts';
import type { AggregatedStance } from '../core/stance/speakerStances';
import { commandLink, escapeMarkdown, hoverMarkdown, webLink } from './markdown';
import type { ClaimAt, ClaimLensServices } from './services';
import { locationOf, uriOf } from './workspaceFs';

const KIND_LABEL: Record<string, string> = { direct: 'direct quote', indirect: 'indirect (reported) speech', mixed: 'partial quote' };
const STATUS_LABEL: Record<string, string> = { suggested: 'suggested', accepted: 'accepted', rejected: 'rejected' };
const POLARITY_ICON: Record<string, string> = { support: '$(thumbsup)', oppose: '$(thumbsdown)', neutral: '$(circle-outline)', mixed: '$(arrow-swap)' };
/** Stances and evidence links listed per card before "… and N more". */
const MAX_STANCES = 5;
const MAX_EVIDENCE = 4;

function fileName(uri: string): string {
  const path = uriOf(uri).path;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class ClaimLensHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: ClaimLensServices) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const services = this.services;
    if (!services.isArticle(document)) return undefined;
    await services.loadAnnotations(document.uri);
    const analysis = services.analysis.current(document) ?? (await services.analysis.analyze(document));
    if (token.isCancellationRequested) return undefined;
    const offset = services.offsetAt(document, position);

    const cards: vscode.MarkdownString[] = [];
    let range: vscode.Range | undefined;
    // A plain search: a large document has tens of thousands of mentions, and this runs at every hover.
    let mention: { speaker: ExtractedSpeaker; start: number; end: number } | undefined;
    search: for (const speaker of analysis?.extraction.speakers ?? []) {
      for (const [start, end] of speaker.mentions) {
        if (start <= offset && offset < end) {
          mention = { speaker, start, end };
          break search;
        }
      }
    }
    if (mention) {
      cards.push(this.speakerCard(document, mention.speaker));
      range = services.spanToRange(document, mention.start, mention.end);
    }
    const claim = services.claimAt(document, offset, { suggestions: services.suggestionsShown });
    if (claim && (!mention || claim.claim)) {
      cards.push(this.claimCard(document, claim));
      range ??= services.spanToRange(document, claim.start, claim.end);
    }
    return cards.length ? new vscode.Hover(cards, range) : undefined;
  }

  /** The card for a speaker (the sidecar's record wins over the machine's). */
  speakerCard(document: vscode.TextDocument, extracted: ExtractedSpeaker): vscode.MarkdownString {
    const services = this.services;
    const sidecar = services.annotationsFor(document)?.sidecar;
    const names = new Set([extracted.name, ...extracted.aliases].map((n) => n.toLowerCase()));
    const confirmed: Speaker | undefined = sidecar?.speakers.find((s) => s.id === extracted.id || [s.name, ...s.aliases].some((n) => names.has(n.toLowerCase())));
    const corpusSpeaker = services.analysis.corpusSpeakerOf(document.uri, extracted.id);
    const id = confirmed?.id ?? extracted.id;
    // People's record first, then the corpus (which knows "Macron" is "Emmanuel Macron"), then this document.
    const name = confirmed?.name ?? corpusSpeaker?.name ?? extracted.name;
    const role = confirmed?.role ?? extracted.role ?? corpusSpeaker?.role ?? undefined;
    const kind = confirmed?.kind ?? extracted.kind;
    const aliases = [...new Set([...(confirmed?.aliases ?? []), extracted.name, ...extracted.aliases, ...(corpusSpeaker?.aliases ?? [])])].filter((a) => a !== name);

    const md = hoverMarkdown();
    md.appendMarkdown(`**${escapeMarkdown(name)}**${role ? ` — ${escapeMarkdown(role)}` : ''}  \n`);
    md.appendMarkdown(`$(person) ${escapeMarkdown(kind)}${confirmed ? ' · $(check) in the sidecar' : ' · $(sparkle) suggested by ClaimLens'}`);
    if (aliases.length) md.appendMarkdown(` · also: ${aliases.map(escapeMarkdown).join(', ')}`);
    md.appendMarkdown('\n\n');

    const identity = services.speakerIdentity(document.uri, { id: extracted.id, name, aliases: [...aliases, extracted.name] });
    const here = services.claimsIn(document).filter((c) => (c.claim ? c.claim.speaker === id : c.suggestion?.speaker === extracted.id)).length;
    const corpus = services.speakerInCorpus(identity);
    const otherDocuments = [...corpus.claimsByDocument.keys()].filter((uri) => uri !== locationOf(document.uri)).length;
    let claimsLine = `$(quote) ${plural(here, 'claim')} in this document`;
    if (services.analysis.isIndexed) {
      claimsLine += ` · ${plural(corpus.totalClaims, 'claim')} in ${plural(corpus.claimsByDocument.size, 'document')} of the corpus`;
      if (otherDocuments) claimsLine += ` (${otherDocuments} other)`;
    } else {
      claimsLine += ' · corpus: indexing…';
    }
    // While only the part on screen (or around an edit) was analysed, counts are partial: say so.
    if (services.analysis.current(document)?.provisional) claimsLine += ' · $(sync~spin) analysing the whole document…';
    md.appendMarkdown(`${claimsLine}\n\n`);

    const stances = services.stancesOf(identity);
    if (stances.length) {
      md.appendMarkdown('**Stances**\n\n');
      for (const stance of stances.slice(0, MAX_STANCES)) md.appendMarkdown(`- ${this.stanceLine(stance)}\n`);
      if (stances.length > MAX_STANCES) md.appendMarkdown(`- … and ${stances.length - MAX_STANCES} more\n`);
    } else {
      md.appendMarkdown('_No stance found yet._\n');
    }
    return md;
  }

  private stanceLine(stance: AggregatedStance): string {
    const icon = POLARITY_ICON[stance.polarity] ?? '';
    const confirmed = stance.confirmed ? ' $(check) **confirmed**' : '';
    const evidence = stance.claims.slice(0, MAX_EVIDENCE).map((e, i) =>
      commandLink('claimlens.revealClaim', { uri: e.document, claimId: e.claim }, `${i + 1}`, `Show the statement in ${fileName(e.document)}`));
    const more = stance.claims.length > MAX_EVIDENCE ? ` +${stance.claims.length - MAX_EVIDENCE}` : '';
    return `${icon} ${escapeMarkdown(stance.summary)}${confirmed}${evidence.length ? ` — evidence: ${evidence.join(' ')}${more}` : ''}`;
  }

  /** The card for a claim: a sidecar claim (with verdict etc.) or a pending machine suggestion. */
  claimCard(document: vscode.TextDocument, at: ClaimAt): vscode.MarkdownString {
    const services = this.services;
    const scale = services.verdictScale;
    const md = hoverMarkdown();
    const uri = document.uri.toString();
    const claim = at.claim;
    const speakerId = claim ? claim.speaker : at.suggestion?.speaker;
    const speaker = services.speaker(document, speakerId);
    const kind = claim?.kind ?? at.suggestion?.kind ?? 'direct';
    const status = claim ? claim.status : 'suggestion';

    md.appendMarkdown(`**Claim** · ${escapeMarkdown(KIND_LABEL[kind] ?? kind)} · ${claim ? escapeMarkdown(STATUS_LABEL[status] ?? status) : '$(sparkle) machine suggestion'}\n\n`);
    md.appendMarkdown(`$(person) ${speaker ? `**${escapeMarkdown(speaker.name)}**${speaker.role ? ` — ${escapeMarkdown(speaker.role)}` : ''}` : '_unattributed_'}\n\n`);
    if (claim) {
      md.appendMarkdown(`$(law) Verdict: **${escapeMarkdown(verdictLabel(scale, claim.verdict))}**`);
      if (claim.rationale) md.appendMarkdown(` — ${escapeMarkdown(claim.rationale)}`);
      md.appendMarkdown('\n\n');
      if (claim.note) md.appendMarkdown(`$(note) ${escapeMarkdown(claim.note)}\n\n`);
      if (claim.sources.length) md.appendMarkdown(`$(link) Sources: ${claim.sources.map((s) => webLink(s.url, s.title)).join(' · ')}\n\n`);
      if (claim.tags.length) md.appendMarkdown(`$(tag) ${claim.tags.map((t) => `_${escapeMarkdown(t)}_`).join(', ')}\n\n`);
      if (claim.author || claim.updated) {
        md.appendMarkdown(`$(history) ${claim.author ? `${escapeMarkdown(claim.author)}` : 'changed'}${claim.updated ? `, ${escapeMarkdown(claim.updated.replace('T', ' ').replace(/Z$/, ' UTC'))}` : ''}`);
        md.appendMarkdown('\n\n');
      }
      if (at.resolution && at.resolution.status !== 'exact') md.appendMarkdown(`_Anchor ${escapeMarkdown(at.resolution.status)}: the text moved since it was annotated; saving the document updates the sidecar._\n\n`);
      const links = scale.verdicts.filter((v) => v.key !== claim.verdict)
        .map((v) => commandLink('claimlens.tagClaim', { uri, claimId: claim.id, verdict: v.key }, v.label, v.description));
      md.appendMarkdown(`Set verdict: ${links.join(' · ')}`);
    } else if (at.suggestion) {
      const s = at.suggestion;
      md.appendMarkdown('Not in the sidecar yet. ');
      md.appendMarkdown(`${commandLink('claimlens.tagClaim', { uri, claimId: s.id }, 'Accept', 'Record this claim in the sidecar as unverified')} · `);
      md.appendMarkdown(`${commandLink('claimlens.rejectSuggestion', { uri, claimId: s.id }, 'Reject', 'Not a claim: do not suggest it again')} · `);
      md.appendMarkdown(`${commandLink('claimlens.acceptSuggestions', { uri }, 'Accept all in this document')}`);
    }
    return md;
  }
}

export function registerHovers(context: vscode.ExtensionContext, services: ClaimLensServices, selector: vscode.DocumentSelector): ClaimLensHoverProvider {
  const provider = new ClaimLensHoverProvider(services);
  context.subscriptions.push(vscode.languages.registerHoverProvider(selector, provider));
  return provider;
}
