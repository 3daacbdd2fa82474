// Inline highlights: speaker mentions coloured per speaker, claims underlined in their verdict's
// colour (with the verdict as a faint label after the claim), machine suggestions with a dashed
// underline and no fill, cue words in italics, and overview-ruler marks for claims.
//
// Every colour is a theme colour contributed in package.json (light, dark and high-contrast
// defaults), so themes can restyle ClaimLens. Ranges are computed once per (document version,
// sidecar text, analysis) and reused for every editor showing the document.
//
// A large document has tens of thousands of ranges, and VS Code can only replace all the ranges of
// one decoration type at once. So the document is cut into stretches ("buckets", 16K code points,
// whose bounds move with edits) and each kind has one decoration type per bucket:
// - after an edit, only the buckets where the analysis changed are sent again (the analysis says
//   where: AnalysisChange.regions); VS Code has already moved the others with the text;
// - a whole new analysis is sent bucket by bucket, what is on screen first, the rest in short
//   tasks that yield to the event loop;
// - positions come from a line index built once per version, kinds without per-range options go
//   as plain ranges (VS Code sends those as a flat list of numbers), and a list VS Code already
//   has is not sent again.
import * as vscode from 'vscode';
import type { Span } from '../core/extract/types';
import { mapSpanThrough, type CodePointEdit } from '../core/incremental/edits';
import { LineIndex } from '../core/incremental/lines';
import type { VerdictColor } from '../core/sidecar/verdicts';
import { findVerdict, verdictLabel } from '../core/sidecar/verdicts';
import type { DocumentAnalysis } from './analysis';
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

/**
 * Code points per bucket of highlights (one decoration type per kind and bucket). A 1 MB document
 * then has several hundred decoration types, and VS Code's window logs a "potential listener LEAK"
 * warning for them (they are reused and disposed with the highlights, not leaked). Capping a
 * document at 8 buckets silences it but, measured, raised the host work of an edit in a 1 MB
 * document from 55 to 71 ms and the slowest keystroke from 35 to 57 ms: latency wins.
 */
const BUCKET_CODE_POINTS = 16_384;
/** A whole update sends about this many ranges per task, then yields to the event loop. */
const RANGES_PER_TASK = 1_500;

const ANALYSIS_KINDS: readonly DecorationKind[] = [
  ...Array.from({ length: SPEAKER_PALETTE_SIZE }, (_, i) => `speaker${i + 1}` as DecorationKind), 'suggestion', 'cue',
];
const CLAIM_KINDS: readonly DecorationKind[] = VERDICT_COLORS.map((c) => `claim-${c}` as DecorationKind);
const ALL_KINDS: readonly DecorationKind[] = [...ANALYSIS_KINDS, ...CLAIM_KINDS];

type KindList = vscode.Range[] | vscode.DecorationOptions[];

/** A sidecar claim as highlighted: where, in which verdict colour, with which label after it. */
interface ClaimMark { start: number; end: number; color: VerdictColor; label: string }

/** The highlights of one stretch of the document. */
interface Bucket {
  /** Spans of the analysis kinds (code points of the version they were computed for). */
  spans: Map<DecorationKind, Span[]>;
  /** Sidecar claims, always in code points of the current version. */
  claims: ClaimMark[];
  /** What VS Code is given, per kind, made on first use: the same list object means VS Code has it already. */
  lists?: Map<DecorationKind, KindList>;
  /** Computed for an older version: VS Code moved these decorations with the edits since, `spans` and `lists` are at old positions. */
  carried: boolean;
  /**
   * In a bucket computed again: the lists of the kinds whose items only moved with the text since
   * they were made (VS Code moved them already: not sent again; their positions are old).
   */
  keep?: Map<DecorationKind, KindList>;
}

interface Computed {
  version: number;
  key: string;
  analysis: DocumentAnalysis | undefined;
  /** False while the document was edited since its last analysis (suggestion-based kinds are then stale). */
  analysisCurrent: boolean;
  /** Bucket i covers code points [bounds[i], bounds[i + 1]) (the last one: to the end). */
  bounds: number[];
  buckets: Bucket[];
}

/** What an editor was given, per decoration type. */
interface Applied {
  kind: DecorationKind;
  bucket: number;
  list: KindList;
}

export class Highlights implements vscode.Disposable {
  /** Decoration types by kind and bucket (made when first needed). */
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  private readonly cache = new Map<string, Computed>();
  private readonly applied = new WeakMap<vscode.TextEditor, Map<string, Applied>>();
  /** Per editor: the latest update (a newer one stops an older one still being sent), and whether it is still being sent. */
  private readonly latest = new WeakMap<vscode.TextEditor, number>();
  private readonly sending = new WeakSet<vscode.TextEditor>();
  private generation = 0;
  private readonly lineIndexes = new WeakMap<vscode.TextDocument, { version: number; index: LineIndex }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly appliedEmitter = new vscode.EventEmitter<vscode.TextEditor>();
  /** Fired after decorations were (re)applied to an editor. */
  readonly onDidApply = this.appliedEmitter.event;
  private enabled: boolean;

  constructor(private readonly services: ClaimLensServices) {
    this.enabled = services.highlightsEnabled;
    this.disposables.push(
      this.appliedEmitter,
      { dispose: () => { for (const t of this.types.values()) t.dispose(); } },
      services.onDidChangeAnnotations((uri) => this.refreshDocument(uri)),
      services.onDidChangeAnalysis((uri) => (uri ? this.refreshDocument(uri) : this.refreshAll())),
      services.onDidChangeConfiguration(() => {
        this.enabled = services.highlightsEnabled;
        this.cache.clear();
        this.refreshAll();
      }),
      // Edits need no listener here: the analysis follows every edit at once and says so.
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(locationOf(document.uri))),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The ranges applied to an editor, per decoration kind (empty kinds left out), at the document's current positions. */
  decorationsFor(editor: vscode.TextEditor): Record<string, vscode.Range[]> {
    const out: Record<string, vscode.Range[]> = {};
    const computed = this.cache.get(locationOf(editor.document.uri));
    const current = computed && computed.version === editor.document.version ? computed : undefined;
    const entries = [...(this.applied.get(editor)?.values() ?? [])].sort((a, b) => a.bucket - b.bucket);
    // Lists VS Code moved with the edits since they were made are reported where they are now.
    const moved = (kind: DecorationKind, bucket: number, list: KindList): Bucket | undefined => {
      const b = current?.buckets[bucket];
      return b && ((b.carried && b.lists?.get(kind) === list) || b.keep?.get(kind) === list) ? b : undefined;
    };
    const stale = new Set(entries.filter((e) => !e.kind.startsWith('claim-') && moved(e.kind, e.bucket, e.list)?.carried).map((e) => e.bucket));
    const fresh = stale.size ? this.spansOf(editor.document, current!, stale) : new Map<number, { spans: Map<DecorationKind, Span[]> }>();
    let converter: ((start: number, end: number) => vscode.Range) | undefined;
    const toRange = (start: number, end: number): vscode.Range => (converter ??= this.rangesOf(editor.document))(start, end);
    for (const { kind, bucket, list } of entries) {
      let ranges = list.map((o) => ('range' in o ? o.range : o));
      const b = moved(kind, bucket, list);
      if (b) {
        ranges = kind.startsWith('claim-')
          ? b.claims.filter((c) => `claim-${c.color}` === kind).map((c) => toRange(c.start, c.end))
          : ((b.carried ? fresh.get(bucket)!.spans : b.spans).get(kind) ?? []).map(([s, e]) => toRange(s, e));
      }
      if (ranges.length) (out[kind] ??= []).push(...ranges);
    }
    return out;
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
    const generation = ++this.generation;
    this.latest.set(editor, generation);
    this.sending.delete(editor);
    const record = this.applied.get(editor) ?? new Map<string, Applied>();
    this.applied.set(editor, record);
    if (!this.enabled) {
      for (const [typeKey, entry] of [...record]) {
        if (entry.list.length) editor.setDecorations(this.typeFor(entry.kind, entry.bucket), NONE);
        record.delete(typeKey);
      }
      this.appliedEmitter.fire(editor);
      return;
    }
    const computed = this.compute(document);
    // Buckets on screen first; what changed there is sent now, the rest in later tasks.
    const order = this.bucketOrder(editor, computed);
    let budget = Infinity;
    const visible = new Set(order.slice(0, this.visibleBucketCount(editor, computed)));
    const sendBucket = (b: number): number => {
      let sent = 0;
      const bucket = computed.buckets[b]!;
      if ((bucket.carried || bucket.keep) && this.needsFresh(record, bucket, b)) this.refill(document, computed, b);
      const lists = this.listsOf(document, computed, b);
      for (const kind of ALL_KINDS) {
        // Until the edited text is analysed, suggestion-based kinds stay as they are (VS Code moves them).
        if (!computed.analysisCurrent && !kind.startsWith('claim-')) continue;
        const typeKey = `${kind}#${b}`;
        const list = lists.get(kind) ?? NONE;
        const previous = record.get(typeKey);
        if (previous ? previous.list === list || (previous.list.length === 0 && list.length === 0) : list.length === 0) continue;
        editor.setDecorations(this.typeFor(kind, b), list);
        record.set(typeKey, { kind, bucket: b, list });
        sent += list.length + 1;
      }
      return sent;
    };
    // Types of buckets the document no longer has (it got shorter) are emptied.
    for (const [typeKey, entry] of [...record]) {
      if (entry.bucket < computed.buckets.length) continue;
      if (entry.list.length) editor.setDecorations(this.typeFor(entry.kind, entry.bucket), NONE);
      record.delete(typeKey);
    }
    let next = 0;
    let first = true;
    const run = (): void => {
      if (this.latest.get(editor) !== generation || document.isClosed) return;
      let sent = 0;
      // The first task sends what is on screen (and whatever else changed, when that is little:
      // an edit); each later one a share of the rest.
      const limit = first && computed.buckets.every((b) => !b.carried) ? 0 : budget;
      first = false;
      while (next < order.length && (visible.has(order[next]!) || sent < limit)) sent += sendBucket(order[next++]!);
      if (next < order.length) {
        this.sending.add(editor);
        setTimeout(run, 0);
        return;
      }
      this.sending.delete(editor);
      this.appliedEmitter.fire(editor);
    };
    budget = RANGES_PER_TASK;
    run();
  }

  /** Whether an editor lacks lists a bucket carried or kept (then they must be made again at today's positions). */
  private needsFresh(record: Map<string, Applied>, bucket: Bucket, b: number): boolean {
    for (const kind of bucket.carried ? ALL_KINDS : bucket.keep!.keys()) {
      const had = record.get(`${kind}#${b}`)?.list ?? NONE;
      const list = (bucket.carried ? bucket.lists : bucket.keep)?.get(kind) ?? NONE;
      if (had !== list && (had.length > 0 || list.length > 0)) return true;
    }
    return false;
  }

  /** Buckets by distance from what the editor shows. */
  private bucketOrder(editor: vscode.TextEditor, computed: Computed): number[] {
    const [first, last] = this.visibleBuckets(editor, computed);
    const order: number[] = [];
    for (let b = first; b <= last; b++) order.push(b);
    for (let d = 1; first - d >= 0 || last + d < computed.buckets.length; d++) {
      if (first - d >= 0) order.push(first - d);
      if (last + d < computed.buckets.length) order.push(last + d);
    }
    return order;
  }

  private visibleBucketCount(editor: vscode.TextEditor, computed: Computed): number {
    const [first, last] = this.visibleBuckets(editor, computed);
    return last - first + 1;
  }

  private visibleBuckets(editor: vscode.TextEditor, computed: Computed): [number, number] {
    const ranges = editor.visibleRanges;
    if (ranges.length === 0 || computed.buckets.length <= 1) return [0, 0];
    const offsets = this.services.analysis.current(editor.document)?.offsets ?? this.services.offsetMap(editor.document);
    const toCodePoint = (u: number): number => offsets.toCodePoint(u);
    const from = toCodePoint(editor.document.offsetAt(ranges[0]!.start));
    const to = toCodePoint(editor.document.offsetAt(ranges[ranges.length - 1]!.end));
    return [bucketOf(computed.bounds, from), bucketOf(computed.bounds, to)];
  }

  private typeFor(kind: DecorationKind, bucket: number): vscode.TextEditorDecorationType {
    const key = `${kind}#${bucket}`;
    let type = this.types.get(key);
    if (!type) {
      type = vscode.window.createTextEditorDecorationType(decorationStyle(kind));
      this.types.set(key, type);
    }
    return type;
  }

  /** Decorations of a document's current state, cached by version, sidecar text and analysis. */
  private compute(document: vscode.TextDocument): Computed {
    const services = this.services;
    const entry = services.annotationsFor(document);
    const analysis = services.analysis.current(document);
    const key = `${entry?.yamlText ?? ''}\u0000${services.suggestionsShown}`;
    const location = locationOf(document.uri);
    const previous = this.cache.get(location);
    if (previous && previous.version === document.version && previous.key === key && previous.analysis === analysis) return previous;
    const computed = (previous && analysis && this.followsFrom(previous, analysis, key))
      ? this.incremental(document, previous, analysis)
      : this.whole(document, analysis, key);
    this.cache.set(location, computed);
    return computed;
  }

  /** Whether `analysis` was made from `previous`'s by edits it describes (so only the regions it names changed). */
  private followsFrom(previous: Computed, analysis: DocumentAnalysis, key: string): boolean {
    return previous.key === key && previous.analysisCurrent && previous.analysis !== undefined
      && analysis.change !== undefined && analysis.change.from === previous.analysis.revision && previous.version === previous.analysis.version;
  }

  private whole(document: vscode.TextDocument, analysis: DocumentAnalysis | undefined, key: string): Computed {
    const length = (analysis?.offsets ?? this.services.offsetMap(document)).codePointLength;
    const bounds: number[] = [];
    for (let at = 0; at === 0 || at < length; at += BUCKET_CODE_POINTS) bounds.push(at);
    const computed: Computed = { version: document.version, key, analysis, analysisCurrent: analysis !== undefined, bounds, buckets: [] };
    const all = new Set(bounds.map((_, i) => i));
    const spans = this.spansOf(document, computed, all);
    const claims = this.claimMarks(document, bounds);
    computed.buckets = bounds.map((_, i) => ({ spans: spans.get(i)!.spans, claims: claims[i] ?? [], carried: false }));
    return computed;
  }

  /** After edits the analysis describes: bounds move with the text, buckets where something changed are computed again, the others carried. */
  private incremental(document: vscode.TextDocument, previous: Computed, analysis: DocumentAnalysis): Computed {
    const change = analysis.change!;
    const bounds = previous.bounds.map((p) => mapPoint(p, change.edits));
    bounds[0] = 0;
    const computed: Computed = { version: document.version, key: previous.key, analysis, analysisCurrent: true, bounds, buckets: [] };
    const dirty = new Set<number>();
    // Buckets never sent yet (a whole update still going out) have nothing VS Code could have moved.
    previous.buckets.forEach((bucket, b) => { if (!bucket.lists) dirty.add(b); });
    for (const [rs, re] of change.regions) {
      for (let b = bucketOf(bounds, rs); b < bounds.length && bounds[b]! <= re; b++) dirty.add(b);
    }
    // Sidecar claims are re-anchored against the live text: a bucket whose claims did not simply move with the text changed too.
    const claims = this.claimMarks(document, bounds);
    const claimsMoved = new Set<number>();
    previous.buckets.forEach((bucket, b) => {
      const moved = bucket.claims.map((c) => ({ ...c, span: mapSpanThrough(c.start, c.end, change.edits) }));
      const now = claims[b] ?? [];
      if (moved.length === now.length && moved.every((c, i) => c.span && c.span[0] === now[i]!.start && c.span[1] === now[i]!.end && c.label === now[i]!.label && c.color === now[i]!.color)) claimsMoved.add(b);
      else dirty.add(b);
    });
    const fresh = dirty.size ? this.spansOf(document, computed, dirty) : new Map<number, { spans: Map<DecorationKind, Span[]> }>();
    // A carried bucket keeps its lists (the same objects: not sent again; VS Code moved them with the text).
    computed.buckets = previous.buckets.map((bucket, b) => {
      if (!dirty.has(b)) return { spans: bucket.spans, claims: claims[b] ?? [], lists: bucket.lists!, carried: true };
      const spans = fresh.get(b)!.spans;
      // In a bucket computed again, the kinds whose items only moved keep their lists too (typing
      // in a claim changes its suggestion and cue, not the speakers around it).
      const keep = new Map<DecorationKind, KindList>();
      if (bucket.lists && !bucket.carried) {
        for (const kind of ANALYSIS_KINDS) {
          const list = bucket.lists.get(kind);
          if (list && onlyMoved(bucket.spans.get(kind) ?? [], spans.get(kind) ?? [], change.edits)) keep.set(kind, list);
        }
        if (claimsMoved.has(b)) for (const kind of CLAIM_KINDS) { const list = bucket.lists.get(kind); if (list) keep.set(kind, list); }
      }
      return { spans, claims: claims[b] ?? [], carried: false, ...(keep.size ? { keep } : {}) };
    });
    return computed;
  }

  /** A carried bucket made again at the current positions (an editor lacks its lists). */
  private refill(document: vscode.TextDocument, computed: Computed, b: number): void {
    const spans = this.spansOf(document, computed, new Set([b])).get(b)!.spans;
    computed.buckets[b] = { spans, claims: computed.buckets[b]!.claims, carried: false };
  }

  /** The lists VS Code is given for one bucket (made once, at the current positions). */
  private listsOf(document: vscode.TextDocument, computed: Computed, b: number): Map<DecorationKind, KindList> {
    const bucket = computed.buckets[b]!;
    if (bucket.lists) return bucket.lists;
    let count = bucket.claims.length;
    for (const spans of bucket.spans.values()) count += spans.length;
    const toRange = this.rangesOf(document, count);
    const lists = new Map<DecorationKind, KindList>(bucket.keep ?? []);
    for (const [kind, spans] of bucket.spans) if (!lists.has(kind)) lists.set(kind, spans.map(([s, e]) => toRange(s, e)));
    const keptClaims = CLAIM_KINDS.some((k) => bucket.keep?.has(k));
    for (const mark of keptClaims ? [] : bucket.claims) {
      const kind: DecorationKind = `claim-${mark.color}`;
      const list = (lists.get(kind) ?? []) as vscode.DecorationOptions[];
      list.push({
        range: toRange(mark.start, mark.end),
        renderOptions: {
          after: {
            contentText: mark.label,
            color: new vscode.ThemeColor(verdictColorId(mark.color)),
            fontStyle: 'italic',
            margin: '0 0 0 0.3em',
          },
        },
      });
      lists.set(kind, list);
    }
    bucket.lists = lists;
    return lists;
  }

  /** Sidecar claims at their live positions, per bucket. */
  private claimMarks(document: vscode.TextDocument, bounds: readonly number[]): ClaimMark[][] {
    const services = this.services;
    const scale = services.verdictScale;
    const out: ClaimMark[][] = [];
    for (const at of services.claimsIn(document, { suggestions: false })) {
      const claim = at.claim!;
      const color = findVerdict(scale, claim.verdict)?.color ?? 'neutral';
      const b = bucketOf(bounds, at.start);
      (out[b] ??= []).push({ start: at.start, end: at.end, color, label: ` ${verdictLabel(scale, claim.verdict)}${claim.status === 'suggested' ? '?' : ''}` });
    }
    return out;
  }

  /**
   * Spans of the analysis kinds in the given buckets, from the document's current analysis (its
   * items in those buckets alone when not all buckets are wanted: the analysis of an edited text
   * gives them without building its whole extraction).
   */
  private spansOf(document: vscode.TextDocument, computed: Computed, wanted: ReadonlySet<number>): Map<number, { spans: Map<DecorationKind, Span[]> }> {
    const out = new Map<number, { spans: Map<DecorationKind, Span[]> }>();
    for (const b of wanted) out.set(b, { spans: new Map() });
    const analysis = computed.analysis;
    if (!analysis) return out;
    const services = this.services;
    const bounds = computed.bounds;
    const add = (kind: DecorationKind, start: number, end: number): void => {
      const target = out.get(bucketOf(bounds, start));
      if (!target) return;
      const list = target.spans.get(kind);
      if (list) list.push([start, end]);
      else target.spans.set(kind, [[start, end]]);
    };
    const all = wanted.size === bounds.length;
    const extraction = all ? analysis.extraction
      : analysis.itemsIn([...wanted].map((b) => [bounds[b]!, b + 1 < bounds.length ? bounds[b + 1]! - 1 : Infinity] as Span));
    const entry = services.annotationsFor(document);
    if (services.suggestionsShown) {
      const suggestions = all ? services.pendingSuggestions(document, entry?.sidecar) : extraction.claims.filter(services.isPending(document, entry?.sidecar));
      for (const suggestion of suggestions) add('suggestion', suggestion.start, suggestion.end);
    }
    // Speaker colours follow people's corrections: a mention of a speaker the sidecar knows by
    // name or alias takes the sidecar speaker's colour. The first sidecar speaker with the same id
    // or a shared name: indexes by id and by name (lower case) instead of a scan per speaker.
    const sidecarSpeakers = entry?.sidecar?.speakers ?? [];
    const firstById = new Map<string, number>();
    const firstByName = new Map<string, number>();
    sidecarSpeakers.forEach((s, i) => {
      if (!firstById.has(s.id)) firstById.set(s.id, i);
      for (const n of [s.name, ...s.aliases]) if (!firstByName.has(n.toLowerCase())) firstByName.set(n.toLowerCase(), i);
    });
    for (const speaker of extraction.speakers) {
      let first = firstById.get(speaker.id) ?? Infinity;
      if (firstByName.size) for (const n of [speaker.name, ...speaker.aliases]) first = Math.min(first, firstByName.get(n.toLowerCase()) ?? Infinity);
      const kind: DecorationKind = `speaker${speakerSlot(first < Infinity ? sidecarSpeakers[first]!.id : speaker.id)}`;
      for (const [start, end] of speaker.mentions) add(kind, start, end);
    }
    for (const claim of extraction.claims) if (claim.cue) add('cue', claim.cue[0], claim.cue[1]);
    for (const { spans } of out.values()) for (const list of spans.values()) list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return out;
  }

  /**
   * Code-point spans of the document's current text → editor ranges. Many spans: through a line
   * index built once per version; a few (after an edit): asking the document, which saves going
   * over the whole text.
   */
  private rangesOf(document: vscode.TextDocument, count = Infinity): (start: number, end: number) => vscode.Range {
    const toUtf16 = this.utf16Of(document);
    const cached = this.lineIndexes.get(document);
    if (count < 5_000 && !(cached && cached.version === document.version)) {
      return (start, end) => new vscode.Range(document.positionAt(toUtf16(start)), document.positionAt(toUtf16(end)));
    }
    let index = cached?.version === document.version ? cached.index : undefined;
    if (!index) {
      index = new LineIndex(this.services.offsetMap(document).text);
      this.lineIndexes.set(document, { version: document.version, index });
    }
    const lines = index;
    return (start, end) => {
      const a = lines.position(toUtf16(start));
      const b = lines.position(toUtf16(end));
      return new vscode.Range(a.line, a.character, b.line, b.character);
    };
  }

  /** Code point → UTF-16 offset in the document's current text (the analysis keeps them without reading the text again). */
  private utf16Of(document: vscode.TextDocument): (codePoint: number) => number {
    const offsets = this.services.analysis.current(document)?.offsets ?? this.services.offsetMap(document);
    return (c) => offsets.toUtf16(c);
  }
}

const NONE: vscode.Range[] = [];

/** Whether `now` are the spans `before` moved through `edits` (and nothing else). */
function onlyMoved(before: readonly Span[], now: readonly Span[], edits: readonly CodePointEdit[]): boolean {
  if (before.length !== now.length) return false;
  for (let i = 0; i < before.length; i++) {
    const moved = mapSpanThrough(before[i]![0], before[i]![1], edits);
    if (!moved || moved[0] !== now[i]![0] || moved[1] !== now[i]![1]) return false;
  }
  return true;
}

/** The bucket holding a code point (bounds ascending, bounds[0] = 0). */
function bucketOf(bounds: readonly number[], at: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A position of the text before the edits, after them (a position inside replaced text goes to where it was). */
function mapPoint(at: number, edits: readonly CodePointEdit[]): number {
  let p = at;
  for (const edit of edits) {
    if (p >= edit.end) p += edit.inserted - (edit.end - edit.start);
    else if (p > edit.start) p = edit.start;
  }
  return p;
}

function decorationStyle(kind: DecorationKind): vscode.DecorationRenderOptions {
  if (kind.startsWith('speaker')) {
    return {
      backgroundColor: new vscode.ThemeColor(`claimlens.${kind}Background`),
      borderRadius: '3px',
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    };
  }
  if (kind.startsWith('claim-')) {
    const themeColor = new vscode.ThemeColor(verdictColorId(kind.slice('claim-'.length) as VerdictColor));
    return {
      backgroundColor: new vscode.ThemeColor('claimlens.claimBackground'),
      borderColor: themeColor,
      borderStyle: 'solid',
      borderWidth: '0 0 2px 0',
      overviewRulerColor: themeColor,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    };
  }
  if (kind === 'suggestion') {
    return {
      borderColor: new vscode.ThemeColor('claimlens.suggestionBorder'),
      borderStyle: 'dashed',
      borderWidth: '0 0 1px 0',
      overviewRulerColor: new vscode.ThemeColor('claimlens.suggestionBorder'),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    };
  }
  return {
    fontStyle: 'italic',
    color: new vscode.ThemeColor('claimlens.cueForeground'),
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  };
}
