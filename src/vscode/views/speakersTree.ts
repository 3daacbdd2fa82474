// The Speakers tree: every speaker of the corpus (people's sidecars and the machine's analysis of
// every indexed article), most quoted first, with how many claims they make in how many documents;
// under each speaker the documents, under each document that speaker's claims. Selecting a claim
// opens its document with the claim selected.
//
// People's decisions win: a sidecar's speaker name and its claims' attribution override the
// machine's; a suggestion on a span the sidecar already records is not counted twice.
import * as vscode from 'vscode';
import type { DocumentExtraction } from '../../core/extract/types';
import type { SpeakerKind } from '../../core/sidecar/model';
import { verdictLabel } from '../../core/sidecar/verdicts';
import type { ClaimLensServices } from '../services';
import { claimLabel, Debouncer, displayPath, escapeMarkdown, isCorpusDocument, openDocument, plural, speakerIcon, SUGGESTION_ICON, verdictIcon } from './common';

export interface SpeakerNode {
  readonly type: 'speaker';
  readonly speakerId: string;
  readonly name: string;
  readonly kind?: SpeakerKind;
  readonly role?: string;
  readonly totalClaims: number;
  /** Claims per document (URI string), documents in display order. */
  readonly documents: ReadonlyArray<{ uri: string; claims: number }>;
}

export interface SpeakerDocumentNode {
  readonly type: 'speaker-document';
  readonly speakerId: string;
  readonly documentUri: string;
  readonly claims: number;
}

export interface SpeakerClaimNode {
  readonly type: 'speaker-claim';
  readonly speakerId: string;
  readonly uri: string;
  readonly claimId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Undefined for a machine suggestion. */
  readonly verdict?: string;
}

export type SpeakersTreeNode = SpeakerNode | SpeakerDocumentNode | SpeakerClaimNode;

export class SpeakersTreeProvider implements vscode.TreeDataProvider<SpeakersTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SpeakersTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  // The corpus view changes rarely and costs a pass over every document: a longer pause.
  private readonly debouncer = new Debouncer(() => this.emitter.fire(undefined), 400);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: ClaimLensServices) {
    this.disposables.push(
      this.emitter, this.debouncer,
      services.onDidChangeAnnotations(() => this.debouncer.schedule()),
      services.onDidChangeAnalysis(() => this.debouncer.schedule()),
      services.onDidChangeConfiguration(() => this.debouncer.schedule()),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  whenRefreshed(): Promise<void> {
    return this.debouncer.whenIdle();
  }

  refresh(): void {
    this.debouncer.schedule();
  }

  getChildren(element?: SpeakersTreeNode): SpeakersTreeNode[] {
    if (!element) return this.speakers();
    if (element.type === 'speaker') {
      return element.documents.map((d) => ({ type: 'speaker-document', speakerId: element.speakerId, documentUri: d.uri, claims: d.claims }));
    }
    if (element.type === 'speaker-document') return this.claimsOf(element.speakerId, element.documentUri);
    return [];
  }

  getParent(element: SpeakersTreeNode): SpeakersTreeNode | undefined {
    if (element.type === 'speaker') return undefined;
    const speaker = this.speakers().find((s) => s.speakerId === element.speakerId);
    if (!speaker || element.type === 'speaker-document') return speaker;
    const count = speaker.documents.find((d) => d.uri === element.uri)?.claims ?? 0;
    return { type: 'speaker-document', speakerId: element.speakerId, documentUri: element.uri, claims: count };
  }

  getTreeItem(element: SpeakersTreeNode): vscode.TreeItem {
    const scale = this.services.verdictScale;
    if (element.type === 'speaker') {
      const item = new vscode.TreeItem(element.name, element.documents.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `speaker:${element.speakerId}`;
      item.description = `${plural(element.totalClaims, 'claim')} · ${plural(element.documents.length, 'document')}`;
      item.iconPath = speakerIcon(element.kind);
      item.contextValue = 'claimlens.speaker';
      const lines = [`**${escapeMarkdown(element.name)}**${element.role ? ` — ${escapeMarkdown(element.role)}` : ''}`, '', `${element.kind ?? 'speaker'} · id \`${element.speakerId}\``, '',
        `${plural(element.totalClaims, 'claim')} in ${plural(element.documents.length, 'document')}`];
      item.tooltip = new vscode.MarkdownString(lines.join('\n'));
      return item;
    }
    if (element.type === 'speaker-document') {
      const uri = vscode.Uri.parse(element.documentUri, true);
      const item = new vscode.TreeItem(uri, element.claims ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `speaker:${element.speakerId}:${element.documentUri}`;
      item.label = displayPath(uri);
      item.description = plural(element.claims, 'claim');
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'claimlens.speakerDocument';
      return item;
    }
    const item = new vscode.TreeItem(claimLabel(element.text), vscode.TreeItemCollapsibleState.None);
    item.id = `speaker:${element.speakerId}:${element.uri}:${element.claimId}`;
    item.iconPath = element.verdict === undefined ? SUGGESTION_ICON : verdictIcon(scale, element.verdict);
    item.description = element.verdict === undefined ? 'suggestion' : verdictLabel(scale, element.verdict);
    item.tooltip = new vscode.MarkdownString(`“${escapeMarkdown(element.text)}”\n\n${escapeMarkdown(displayPath(element.uri))}`);
    item.contextValue = element.verdict === undefined ? 'claimlens.suggestion' : 'claimlens.claim';
    item.command = {
      command: 'claimlens.revealClaim',
      title: 'Reveal Claim',
      arguments: [{ uri: element.uri, claimId: element.claimId, start: element.start, end: element.end }],
    };
    return item;
  }

  /** Every speaker of the corpus with their claim counts, most claims first. */
  speakers(): SpeakerNode[] {
    const services = this.services;
    interface Acc { name?: string; nameFromSidecar: boolean; kind?: SpeakerKind; role?: string; perDocument: Map<string, number> }
    const all = new Map<string, Acc>();
    const acc = (id: string): Acc => {
      let a = all.get(id);
      if (!a) all.set(id, (a = { nameFromSidecar: false, perDocument: new Map() }));
      return a;
    };
    for (const [uri, extraction] of services.analysis.corpusExtractions()) {
      if (!isCorpusDocument(uri)) continue;
      const sidecar = services.store.get(uri)?.sidecar;
      for (const s of sidecar?.speakers ?? []) {
        const a = acc(s.id);
        if (!a.nameFromSidecar) Object.assign(a, { name: s.name, nameFromSidecar: true, kind: s.kind, role: s.role ?? a.role });
      }
      for (const s of extraction.speakers) {
        const a = acc(s.id);
        if (!a.name) Object.assign(a, { name: s.name, kind: s.kind, role: s.role ?? undefined });
      }
      for (const { speakerId } of this.claimRecords(uri, extraction)) {
        if (!speakerId) continue;
        const a = acc(speakerId);
        a.perDocument.set(uri, (a.perDocument.get(uri) ?? 0) + 1);
      }
    }
    const nodes: SpeakerNode[] = [];
    for (const [speakerId, a] of all) {
      const documents = [...a.perDocument].map(([uri, claims]) => ({ uri, claims }))
        .sort((x, y) => y.claims - x.claims || displayPath(x.uri).localeCompare(displayPath(y.uri)));
      const totalClaims = documents.reduce((n, d) => n + d.claims, 0);
      nodes.push({ type: 'speaker', speakerId, name: a.name ?? speakerId, ...(a.kind ? { kind: a.kind } : {}), ...(a.role ? { role: a.role } : {}), totalClaims, documents });
    }
    return nodes.sort((x, y) => y.totalClaims - x.totalClaims || x.name.localeCompare(y.name));
  }

  private claimsOf(speakerId: string, uri: string): SpeakerClaimNode[] {
    const extraction = [...this.services.analysis.corpusExtractions()].find(([u]) => u === uri)?.[1];
    return this.claimRecords(uri, extraction)
      .filter((r) => r.speakerId === speakerId)
      .map((r) => ({ type: 'speaker-claim', speakerId, uri, claimId: r.claimId, start: r.start, end: r.end, text: r.text, ...(r.verdict !== undefined ? { verdict: r.verdict } : {}) }));
  }

  /**
   * The claims of a document: of an open document at their live positions (sidecar claims and
   * pending suggestions, as the editor shows them); of a closed one from its sidecar and its
   * indexed analysis.
   */
  private claimRecords(uri: string, extraction: DocumentExtraction | undefined): Array<{ speakerId: string | null; claimId: string; start: number; end: number; text: string; verdict?: string }> {
    const services = this.services;
    const open = openDocument(uri);
    if (open && services.isArticle(open) && services.analysis.current(open)) {
      return services.claimsIn(open).map((c) => ({
        speakerId: c.claim ? c.claim.speaker : c.suggestion!.speaker,
        claimId: c.claim?.id ?? c.suggestion!.id,
        start: c.start,
        end: c.end,
        text: c.claim?.anchor.exact ?? c.suggestion!.text,
        ...(c.claim && c.claim.status !== 'suggested' ? { verdict: c.claim.verdict } : {}),
      }));
    }
    const sidecar = services.store.get(uri)?.sidecar;
    const claims = (sidecar?.claims ?? []).filter((c) => c.status !== 'rejected');
    const recorded = new Set((sidecar?.claims ?? []).map((c) => `${c.anchor.start}:${c.anchor.end}`));
    const suggestions = (extraction?.claims ?? []).filter((s) => !recorded.has(`${s.start}:${s.end}`));
    return [
      ...claims.map((c) => ({ speakerId: c.speaker, claimId: c.id, start: c.anchor.start, end: c.anchor.end, text: c.anchor.exact, ...(c.status !== 'suggested' ? { verdict: c.verdict } : {}) })),
      ...suggestions.map((s) => ({ speakerId: s.speaker, claimId: s.id, start: s.start, end: s.end, text: s.text })),
    ].sort((a, b) => a.start - b.start);
  }
}
