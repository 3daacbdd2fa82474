// Small pieces the ClaimLens trees share: verdict icons in the theme's verdict colours, one-line
// labels for claims, speaker names and kinds, and a debounced refresher so a burst of events
// (typing, indexing, a sidecar rewritten) redraws a tree once.
import * as vscode from 'vscode';
import { truncateQuote } from '../../core/review/quote';
import type { SpeakerKind } from '../../core/sidecar/model';
import { findVerdict, type VerdictColor, type VerdictScale } from '../../core/sidecar/verdicts';
import { verdictColorId } from '../decorations';

/** Codicons per verdict colour: shapes differ too, so verdicts stay apart without colour. */
const VERDICT_CODICONS: Record<VerdictColor, string> = {
  neutral: 'circle-large-outline',
  true: 'pass-filled',
  'mostly-true': 'pass',
  mixed: 'circle-slash',
  misleading: 'warning',
  'mostly-false': 'error',
  false: 'close',
  unknown: 'question',
};

export function verdictColorOf(scale: VerdictScale, verdict: string): VerdictColor {
  return findVerdict(scale, verdict)?.color ?? 'neutral';
}

export function verdictIcon(scale: VerdictScale, verdict: string): vscode.ThemeIcon {
  const color = verdictColorOf(scale, verdict);
  return new vscode.ThemeIcon(VERDICT_CODICONS[color], new vscode.ThemeColor(verdictColorId(color)));
}

export const SUGGESTION_ICON = new vscode.ThemeIcon('sparkle', new vscode.ThemeColor('claimlens.suggestionBorder'));

export function speakerIcon(kind: SpeakerKind | undefined): vscode.ThemeIcon {
  switch (kind) {
    case 'organization': return new vscode.ThemeIcon('organization');
    case 'group': return new vscode.ThemeIcon('people');
    case 'anonymous': return new vscode.ThemeIcon('eye-closed');
    default: return new vscode.ThemeIcon('person');
  }
}

/** A claim's words on one line, shortened (start and end kept). */
export function claimLabel(text: string, maxLength = 70): string {
  return truncateQuote(text, maxLength);
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** Markdown-escapes text for tooltips. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * Documents the corpus views list: real files, not the read-only copies other extensions open
 * (Git's `git:` originals for quick diff, diff editors' sides, output channels).
 */
const DOCUMENT_SCHEMES = new Set(['file', 'vscode-remote', 'vscode-vfs', 'untitled']);

export function isCorpusDocument(uri: string): boolean {
  const colon = uri.indexOf(':');
  return colon > 0 && DOCUMENT_SCHEMES.has(uri.slice(0, colon));
}

/** The open document with this URI string, if any. */
export function openDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

/** A document's path as people read it (relative to the workspace). */
export function displayPath(uri: vscode.Uri | string): string {
  const parsed = typeof uri === 'string' ? vscode.Uri.parse(uri, true) : uri;
  return vscode.workspace.asRelativePath(parsed, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/**
 * Runs `refresh` once, `delayMs` after the last `schedule()`; `whenIdle()` resolves after the
 * pending run (tests use it instead of sleeping).
 */
export class Debouncer implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private running: Promise<void> | undefined;

  constructor(private readonly refresh: () => void | Promise<void>, private readonly delayMs = 150) {}

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fire(), this.delayMs);
  }

  /** Runs now (cancelling a pending run). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.fire();
  }

  whenIdle(): Promise<void> {
    if (!this.timer && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    const previous = this.running;
    const run = (async () => {
      await previous?.catch(() => undefined);
      try {
        await this.refresh();
      } catch (error) {
        console.error('ClaimLens: refreshing a view failed', error);
      }
    })();
    this.running = run;
    await run;
    if (this.running === run) this.running = undefined;
    if (!this.timer && !this.running) for (const w of this.waiters.splice(0)) w();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w();
  }
}
