// ClaimLens in VS Code. `activate` only wires things up (cheap, nothing read or analysed in it);
// open articles are analysed right after, and the corpus is indexed in the background, yielding
// between documents, with cancellable progress.
import * as vscode from 'vscode';
import { Commands } from './commands';
import { Highlights } from './decorations';
import { DocumentTracker } from './documents';
import { ClaimLensHoverProvider, registerHovers } from './hovers';
import { ClaimLensServices, DOCUMENT_SELECTOR } from './services';
import { StatusBar } from './statusBar';
import { registerDiagnostics, type ClaimLensProblems } from './diagnostics';
import { registerExportCommands } from './exportCommands';
import { registerReview, type AnnotationReview } from './review';
import { registerViews, type ClaimLensTrees } from './views';

/** What `activate` returns: for other extensions and for the integration tests ("what a person sees"). */
export interface ClaimLensApi {
  readonly services: ClaimLensServices;
  readonly hovers: ClaimLensHoverProvider;
  /** The highlight ranges applied to an editor, by kind (`speaker3`, `claim-true`, `suggestion`, `cue`…). */
  decorationsFor(editor: vscode.TextEditor): Record<string, vscode.Range[]>;
  /** Resolves once the document's sidecar is loaded, its current text analysed and its highlights applied. */
  whenIdle(document: vscode.TextDocument): Promise<void>;
  /** Resolves once the corpus has been indexed (starting it when needed). */
  whenIndexed(): Promise<void>;
  /** The counts the status bar shows for a document. */
  statusCounts(document: vscode.TextDocument): { speakers: number; claims: number; unverified: number; suggestions: number };
  /** The status bar text currently shown. */
  statusText(): string;
  /** The ClaimLens views, Problems and Git review (what their trees show, what is marked). */
  readonly views: { readonly trees: ClaimLensTrees; readonly problems: ClaimLensProblems; readonly review: AnnotationReview };
  /** How long `activate` took, in milliseconds (for the benchmark). */
  readonly activationMs: number;
}

/** Delay before the corpus is indexed, so activation and the first highlights come first. */
const INDEX_DELAY_MS = 1500;

export function activate(context: vscode.ExtensionContext): ClaimLensApi {
  const activationStarted = performance.now();
  const services = new ClaimLensServices(context);
  const highlights = new Highlights(services);
  const tracker = new DocumentTracker(services);
  const statusBar = new StatusBar(services);
  const hovers = registerHovers(context, services, DOCUMENT_SELECTOR);
  new Commands(services, highlights).register(context);
  const views = { trees: registerViews(context, services), problems: registerDiagnostics(context, services), review: registerReview(context, services) };
  registerExportCommands(context, services);
  context.subscriptions.push(services, highlights, tracker, statusBar);

  // After activation returns: articles already open, then the corpus.
  const start = setTimeout(() => tracker.openExisting(), 0);
  const index = setTimeout(() => void services.analysis.ensureIndexed(), INDEX_DELAY_MS);
  context.subscriptions.push({ dispose: () => { clearTimeout(start); clearTimeout(index); } });

  return {
    services,
    hovers,
    decorationsFor: (editor) => highlights.decorationsFor(editor),
    async whenIdle(document) {
      await services.loadAnnotations(document.uri);
      await services.analysis.analyze(document);
      highlights.refreshDocument(document.uri);
      statusBar.refresh();
    },
    whenIndexed: () => services.analysis.ensureIndexed(),
    statusCounts: (document) => statusBar.counts(document),
    statusText: () => statusBar.item.text,
    views,
    activationMs: performance.now() - activationStarted,
  };
}

export function deactivate(): void {}

