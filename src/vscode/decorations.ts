// Inline highlights: speaker mentions coloured per speaker, claims underlined in their verdict's
// colour (with the verdict as a faint label after the claim), machine suggestions with a dashed
// underline and no fill, cue words in italics, and overview-ruler marks for claims.
//
// Every colour is a theme colour contributed in package.json (light, dark and high-contrast
// defaults), so themes can restyle ClaimLens. Decoration types are created once; ranges are
// computed once per (document version, sidecar text, analysis) and reused for every editor
// showing the document.
import * as vscode from 'vscode';
import type { VerdictColor } from '../core/sidecar/verdicts';
import { findVerdict, verdictLabel } from '../core/sidecar/verdicts';
import type { ClaimLensServices } from './services';
import { locationOf } from './workspaceFs';

export const SPEAKER_PALETTE_SIZE = 8;
export const VERDICT_COLORS: readonly VerdictColor[] = ['neutral', 'true', 'mostly-true', 'mixed', 'misleading', 'mostly-false', 'false', 'unknown'];

/** `mostly-true` → `claimlens.verdictMostlyTrue`. */
export function verdictColorId(color: VerdictColor): string {
  return `claimlens.verdict${color.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`;
}

/** The palette slot (1-based) of a speaker: stable across sessions and documents (FNV-1a of the id). */
export function speakerSlot(speakerId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < speakerId.length; i++) {
    h ^= speakerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % SPEAKER_PALETTE_SIZE) + 1;
}

/** Names of the decoration kinds, as the test API reports them. */
export type DecorationKind = `speaker${number}` | `claim-${VerdictColor}` | 'suggestion' | 'cue';

interface ComputedDecorations {
  key: string;
  /** False while the document was edited since its last analysis (suggestion-based kinds are then stale). */
  analysisCurrent: boolean;
  byKind: Map<DecorationKind, vscode.DecorationOptions[]>;
}

export class Highlights implements vscode.Disposable {
  private readonly types = new Map<DecorationKind, vscode.TextEditorDecorationType>();
  private readonly cache = new Map<string, ComputedDecorations>();
  /** What was applied to each editor last (the test API reads it). */
  private readonly applied = new WeakMap<vscode.TextEditor, Map<DecorationKind, vscode.Range[]>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private readonly appliedEmitter = new vscode.EventEmitter<vscode.TextEditor>();
  /** Fired after decorations were (re)applied to an editor. */
  readonly onDidApply = this.appliedEmitter.event;
  private enabled: boolean;

  constructor(private readonly services: ClaimLensServices) {
    this.enabled = services.highlightsEnabled;
    for (let slot = 1; slot <= SPEAKER_PALETTE_SIZE; slot++) {
      this.types.set(`speaker${slot}`, vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`claimlens.speaker${slot}Background`),
        borderRadius: '3px',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    for (const color of VERDICT_COLORS) {
      const themeColor = new vscode.ThemeColor(verdictColorId(color));
      this.types.set(`claim-${color}`, vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor('claimlens.claimBackground'),
        borderColor: themeColor,
        borderStyle: 'solid',
        borderWidth: '0 0 2px 0',
        overviewRulerColor: themeColor,
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    this.types.set('suggestion', vscode.window.createTextEditorDecorationType({
      borderColor: new vscode.ThemeColor('claimlens.suggestionBorder'),
      borderStyle: 'dashed',
      borderWidth: '0 0 1px 0',
      overviewRulerColor: new vscode.ThemeColor('claimlens.suggestionBorder'),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }));
    this.types.set('cue', vscode.window.createTextEditorDecorationType({
      fontStyle: 'italic',
      color: new vscode.ThemeColor('claimlens.cueForeground'),
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }));
    this.disposables.push(
      this.appliedEmitter,
      ...this.types.values(),
      services.onDidChangeAnnotations((uri) => this.refreshDocument(uri)),
      services.onDidChangeAnalysis((uri) => (uri ? this.refreshDocument(uri) : this.refreshAll())),
      services.onDidChangeConfiguration(() => {
        this.enabled = services.highlightsEnabled;
        this.cache.clear();
        this.refreshAll();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.scheduleRefresh(event.document.uri, 60);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(locationOf(document.uri))),
    );
  }

  dispose(): void {
    for (const t of this.refreshTimers.values()) clearTimeout(t);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The ranges applied to an editor, per decoration kind (empty kinds left out). */
  decorationsFor(editor: vscode.TextEditor): Record<string, vscode.Range[]> {
    const out: Record<string, vscode.Range[]> = {};
    for (const [kind, ranges] of this.applied.get(editor) ?? []) if (ranges.length) out[kind] = ranges;
    return out;
  }

  /** Re-applies decorations to every visible editor of the document after a short pause (typing). */
  scheduleRefresh(uri: vscode.Uri, delayMs: number): void {
    const key = locationOf(uri);
    const previous = this.refreshTimers.get(key);
    if (previous) clearTimeout(previous);
    this.refreshTimers.set(key, setTimeout(() => {
      this.refreshTimers.delete(key);
      this.refreshDocument(uri);
    }, delayMs));
  }

  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor);
  }

  refreshDocument(uri: vscode.Uri): void {
    const key = locationOf(uri);
    for (const editor of vscode.window.visibleTextEditors) if (locationOf(editor.document.uri) === key) this.apply(editor);
  }

  apply(editor: vscode.TextEditor): void {
    const document = editor.document;
    if (!this.services.isArticle(document)) return;
    const computed = this.enabled ? this.compute(document) : undefined;
    const record = new Map(this.applied.get(editor) ?? []);
    for (const [kind, type] of this.types) {
      const fromAnalysis = !kind.startsWith('claim-');
      // While a document is being re-analysed after an edit, the suggestion-based decorations are
      // left as they are (VS Code moves them with the edit) instead of flickering off; claims,
      // whose anchors are re-resolved against the live text at once, are always re-applied.
      if (this.enabled && fromAnalysis && computed && !computed.analysisCurrent) continue;
      const options = computed?.byKind.get(kind) ?? [];
      editor.setDecorations(type, options);
      record.set(kind, options.map((o) => o.range));
    }
    this.applied.set(editor, record);
    this.appliedEmitter.fire(editor);
  }

  /** Decorations of a document's current state, cached by version, sidecar text and analysis. */
  private compute(document: vscode.TextDocument): ComputedDecorations {
    const services = this.services;
    const entry = services.annotationsFor(document);
    const analysis = services.analysis.current(document);
    const key = `${document.version}\u0000${entry?.yamlText ?? ''}\u0000${analysis?.sha256 ?? ''}\u0000${services.suggestionsShown}`;
    const location = locationOf(document.uri);
    const cached = this.cache.get(location);
    if (cached && cached.key === key) return cached;

    const byKind = new Map<DecorationKind, vscode.DecorationOptions[]>();
    const add = (kind: DecorationKind, option: vscode.DecorationOptions) => {
      const list = byKind.get(kind) ?? [];
      list.push(option);
      byKind.set(kind, list);
    };
    const scale = services.verdictScale;

    // Claims in the sidecar, at their live positions (anchors follow unsaved edits in memory).
    for (const at of services.claimsIn(document, { suggestions: false })) {
      const claim = at.claim!;
      const color = findVerdict(scale, claim.verdict)?.color ?? 'neutral';
      add(`claim-${color}`, {
        range: services.spanToRange(document, at.start, at.end),
        renderOptions: {
          after: {
            contentText: ` ${verdictLabel(scale, claim.verdict)}${claim.status === 'suggested' ? '?' : ''}`,
            color: new vscode.ThemeColor(verdictColorId(color)),
            fontStyle: 'italic',
            margin: '0 0 0 0.3em',
          },
        },
      });
    }

    if (analysis) {
      const extraction = analysis.extraction;
      if (services.suggestionsShown) {
        for (const suggestion of services.pendingSuggestions(document, entry?.sidecar)) {
          add('suggestion', { range: services.spanToRange(document, suggestion.start, suggestion.end) });
        }
      }
      // Speaker colours follow people's corrections: a mention of a speaker the sidecar knows by
      // name or alias takes the sidecar speaker's colour.
      const sidecarSpeakers = entry?.sidecar?.speakers ?? [];
      for (const speaker of extraction.speakers) {
        const names = new Set([speaker.name, ...speaker.aliases].map((n) => n.toLowerCase()));
        const confirmed = sidecarSpeakers.find((s) => s.id === speaker.id || [s.name, ...s.aliases].some((n) => names.has(n.toLowerCase())));
        const slot = speakerSlot(confirmed?.id ?? speaker.id);
        for (const [start, end] of speaker.mentions) add(`speaker${slot}`, { range: services.spanToRange(document, start, end) });
      }
      for (const claim of extraction.claims) {
        if (claim.cue) add('cue', { range: services.spanToRange(document, claim.cue[0], claim.cue[1]) });
      }
    }
    const computed = { key, byKind, analysisCurrent: analysis !== undefined };
    this.cache.set(location, computed);
    return computed;
  }
}
