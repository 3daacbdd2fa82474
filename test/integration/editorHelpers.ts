// Shared steps of the editor integration tests: the extension's test API, articles of our own
// written into the temporary workspace, sidecars read back from disk, and polling with a limit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Sidecar } from '../../src/core/sidecar/model';
import { parseSidecar } from '../../src/core/sidecar/parse';
import type { ClaimLensApi } from '../../src/vscode/extension';

export const EXTENSION_ID = 'claimlens.claimlens';
export const SEED_A = '000_02db67045c6df099.txt';
export const SEED_B = '002_9d82fa3110da9c7e.txt';

export async function claimLens(): Promise<ClaimLensApi> {
  const extension = vscode.extensions.getExtension<ClaimLensApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code opened without a workspace folder');
  return folder.uri;
}

/** Polls `condition` every 50 ms; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(condition: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let counter = 0;

/** Writes an article of our own into the workspace, opens it in an editor and waits for its highlights. */
export async function openArticle(text: string, name = `article-${process.pid}-${++counter}.txt`): Promise<{ editor: vscode.TextEditor; uri: vscode.Uri; api: ClaimLensApi }> {
  const api = await claimLens();
  const uri = vscode.Uri.joinPath(workspaceFolder(), 'it', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  await api.whenIdle(document);
  return { editor, uri, api };
}

export function sidecarPath(uri: vscode.Uri): string {
  return `${uri.fsPath}.annotations.yaml`;
}

/** The sidecar as it is on disk, parsed (fails the test when it is missing or has errors). */
export function readSidecar(uri: vscode.Uri): Sidecar {
  const file = sidecarPath(uri);
  assert.ok(fs.existsSync(file), `no sidecar written at ${file}`);
  const parsed = parseSidecar(fs.readFileSync(file, 'utf8'), file);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the sidecar written has errors');
  assert.ok(parsed.sidecar);
  return parsed.sidecar;
}

export function sidecarText(uri: vscode.Uri): string | undefined {
  const file = sidecarPath(uri);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** The range of the first occurrence of `needle` in the document. */
export function rangeOf(document: vscode.TextDocument, needle: string, from = 0): vscode.Range {
  const at = document.getText().indexOf(needle, from);
  assert.ok(at >= 0, `"${needle}" is not in ${document.uri.path}`);
  return new vscode.Range(document.positionAt(at), document.positionAt(at + needle.length));
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n---\n');
}

export async function hoversAt(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover[]> {
  return (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
}

/** An article of our own: a reported claim, a direct quote and an unattributed warning. */
export const HARBOUR_ARTICLE = [
  'Harbour news',
  '',
  'City council member Jane Roe said on Monday that the new bridge would cost twice as much as the old one.',
  '',
  '“We cannot afford another delay on the bridge,” Mayor Tom Baker told reporters after the vote.',
  '',
  'The harbour authority warned that the ferry service would end in May.',
  '',
].join('\n');
