// Safe Markdown for hover cards. Everything that comes from a document or a sidecar is escaped, so a
// crafted sidecar cannot inject links, images, HTML or command URIs; the only links ClaimLens writes
// are http(s) sources and its own commands, and the MarkdownString trusts only those commands.
import * as vscode from 'vscode';

/** Commands a hover card may run when clicked (VS Code refuses every other `command:` link). */
export const HOVER_COMMANDS: readonly string[] = [
  'claimlens.revealClaim',
  'claimlens.tagClaim',
  'claimlens.acceptSuggestions',
  'claimlens.rejectSuggestion',
  'claimlens.openSidecar',
];

/**
 * Text shown as is: every ASCII punctuation mark Markdown could read is backslash-escaped
 * (CommonMark allows escaping any of them), so no emphasis, link, image, autolink, HTML tag or
 * entity can form; line breaks become spaces so a value cannot start a heading or a list.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+\-.!|~&:"'=$%^@;,?/]/g, '\\$&');
}

/** An http(s) URL fit for a Markdown link target, or undefined for anything else. */
export function safeWebUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // Parentheses and spaces would end the Markdown link target early.
  return parsed.href.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `[label](https://…)` for an http(s) URL; the escaped text alone for anything else. */
export function webLink(url: string, label?: string): string {
  const href = safeWebUrl(url);
  const text = escapeMarkdown(label?.trim() || url);
  return href ? `[${text}](${href})` : text;
}

/** A link running one of ClaimLens' own commands with one argument object. */
export function commandLink(command: string, args: unknown, label: string, tooltip?: string): string {
  if (!HOVER_COMMANDS.includes(command)) throw new Error(`${command} is not a hover command`);
  const target = `command:${command}?${encodeURIComponent(JSON.stringify([args]))}`;
  return `[${escapeMarkdown(label)}](${target}${tooltip ? ` "${tooltip.replace(/["\\]/g, '')}"` : ''})`;
}

/** A MarkdownString that renders no HTML and trusts only ClaimLens' hover commands. */
export function hoverMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.supportHtml = false;
  return md;
}
