/**
 * Renderers for semantic diffs: one line per change, grouped under the
 * document it concerns, marked `+` added, `-` removed, `~` changed; ANSI
 * colour only when asked (the CLI asks on a terminal).
 */
import type { ChangeKind, SidecarChange } from './diff';

export interface TextRenderOptions {
  color?: boolean;
}

const ansi = {
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  reset: '\u001b[0m',
};

type Mark = '+' | '-' | '~';

export function markOf(kind: ChangeKind): Mark {
  if (kind.endsWith('-added')) return '+';
  if (kind.endsWith('-removed')) return '-';
  return '~';
}

/** Human-readable text; an empty string when nothing changed. */
export function renderChangesText(changes: readonly SidecarChange[], options: TextRenderOptions = {}): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${ansi.reset}` : text);
  const lines: string[] = [];
  let currentDocument: string | undefined;
  for (const change of changes) {
    if (change.document !== currentDocument) {
      if (currentDocument !== undefined) lines.push('');
      currentDocument = change.document;
      lines.push(paint(ansi.bold, change.document));
    }
    const mark = markOf(change.kind);
    const color = mark === '+' ? ansi.green : mark === '-' ? ansi.red : ansi.yellow;
    lines.push(`  ${paint(color, mark)} ${change.message}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Machine-readable: `{ "changes": [...] }`, stable key order, final newline. */
export function renderChangesJson(changes: readonly SidecarChange[]): string {
  return JSON.stringify({ changes }, null, 2) + '\n';
}
