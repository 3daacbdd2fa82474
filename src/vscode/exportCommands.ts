// Export and import commands: a document's annotations as ClaimReview JSON-LD, W3C Web Annotation
// JSON-LD, brat standoff or CSV, and a brat `.ann` file imported as a sidecar — the same core
// converters as `claimlens export|import`. Each command takes an argument object
// (`{uri?, target?}`, `{annUri, textUri?, replace?}`) so tests and keybindings can run it without
// prompts; without one it works on the active article and asks with a save/open dialog.
// Nothing is written in an untrusted workspace.
import * as vscode from 'vscode';
import { baseName } from '../core/fs';
import { importBrat, toBrat } from '../core/interchange/brat';
import { toClaimReviews } from '../core/interchange/claimReview';
import { claimsToCsv } from '../core/interchange/csv';
import { ratingScaleOf } from '../core/interchange/ratingScale';
import { toWebAnnotationCollection } from '../core/interchange/webAnnotation';
import type { Sidecar } from '../core/sidecar/model';
import { decodeText, encodeText, sha256Hex } from '../core/text';
import { describeError, UntrustedWorkspaceError, type ClaimLensServices } from './services';
import { locationOf, uriOf } from './workspaceFs';

type UriArg = vscode.Uri | string;
export interface ExportArgs { uri?: UriArg; target?: UriArg }
export interface ImportBratArgs { annUri?: UriArg; textUri?: UriArg; replace?: boolean }

/** What an export resolves with (undefined when cancelled or refused; the message says why). */
export interface ExportResult { target: string; format: ExportFormat; items: number; warnings: string[] }
export interface ImportResult { sidecar: string; claims: number; speakers: number; problems: string[] }

export type ExportFormat = 'claimreview' | 'webannotation' | 'brat' | 'csv';

const FORMATS: Record<ExportFormat, { command: string; label: string; extension: string; filters: Record<string, string[]> }> = {
  claimreview: { command: 'claimlens.exportClaimReview', label: 'ClaimReview JSON-LD', extension: '.claimreview.jsonld', filters: { 'JSON-LD': ['jsonld', 'json'] } },
  webannotation: { command: 'claimlens.exportWebAnnotation', label: 'W3C Web Annotation JSON-LD', extension: '.annotations.jsonld', filters: { 'JSON-LD': ['jsonld', 'json'] } },
  brat: { command: 'claimlens.exportBrat', label: 'brat standoff', extension: '.ann', filters: { 'brat standoff': ['ann'] } },
  csv: { command: 'claimlens.exportCsv', label: 'CSV', extension: '.claims.csv', filters: { CSV: ['csv'] } },
};

class ExportError extends Error {}
class Cancelled extends Error {}

function toUri(value: unknown, what: string): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return /^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? uriOf(value) : vscode.Uri.file(value);
  if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) return vscode.Uri.from(value as vscode.Uri);
  throw new ExportError(`"${what}" must be a URI or a path`);
}

export function registerExportCommands(context: vscode.ExtensionContext, services: ClaimLensServices): void {
  for (const format of Object.keys(FORMATS) as ExportFormat[]) {
    context.subscriptions.push(vscode.commands.registerCommand(FORMATS[format].command, (args?: unknown) => guarded(() => exportDocument(services, format, args))));
  }
  context.subscriptions.push(vscode.commands.registerCommand('claimlens.importBrat', (args?: unknown) => guarded(() => importBratFile(services, args))));
}

async function guarded<T>(body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Cancelled) return undefined;
    if (error instanceof UntrustedWorkspaceError) void vscode.window.showWarningMessage(error.message);
    else void vscode.window.showErrorMessage(`ClaimLens: ${describeError(error)}`);
    return undefined;
  }
}

/** The article addressed: `uri` (an article or its sidecar), a menu's resource, or the active editor's. */
function documentUriOf(services: ClaimLensServices, args: unknown): vscode.Uri {
  const raw = args instanceof vscode.Uri ? args : (args as ExportArgs | undefined)?.uri;
  if (raw !== undefined) {
    const uri = toUri(raw, 'uri');
    return uri.path.endsWith('.annotations.yaml') ? uri.with({ path: uri.path.slice(0, -'.annotations.yaml'.length) }) : uri;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || !services.isArticle(editor.document)) throw new ExportError('open an article first (or pass {uri})');
  return editor.document.uri;
}

async function exportDocument(services: ClaimLensServices, format: ExportFormat, raw: unknown): Promise<ExportResult> {
  const spec = FORMATS[format];
  services.requireTrust(`export annotations as ${spec.label}`);
  const args = (raw instanceof vscode.Uri || raw === undefined || raw === null ? {} : raw) as ExportArgs;
  const documentUri = documentUriOf(services, raw);
  const name = vscode.workspace.asRelativePath(documentUri);
  const state = await services.store.reload(locationOf(documentUri)).catch((error: unknown) => {
    throw new ExportError(describeError(error));
  });
  if (!state.exists) throw new ExportError(`${name} has no annotations yet: tag a claim first, then export`);
  const firstError = state.diagnostics.find((d) => d.severity === 'error');
  if (!state.sidecar || !state.writable || firstError) {
    throw new ExportError(`${baseName(state.sidecarLocation)} has errors${firstError ? ` (line ${firstError.line}: ${firstError.message})` : ''}: fix them (see the Problems panel), then export again`);
  }
  const sidecar = state.sidecar;
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const { text, items } = await render(format, sidecar, documentUri, services, warn);

  let target = args.target !== undefined ? toUri(args.target, 'target') : undefined;
  if (!target) {
    const suggested = documentUri.with({ path: documentUri.path.replace(/\.[^./]*$/u, '') + spec.extension });
    target = await vscode.window.showSaveDialog({ defaultUri: suggested, filters: spec.filters, saveLabel: `Export ${spec.label}`, title: `ClaimLens: export ${name} as ${spec.label}` });
    if (!target) throw new Cancelled();
  }
  try {
    await vscode.workspace.fs.writeFile(target, encodeText(text));
  } catch (error) {
    throw new ExportError(`could not write ${target.fsPath || target.toString()}: ${describeError(error)}`);
  }
  const what = format === 'claimreview' ? `${items} reviewed claim${items === 1 ? '' : 's'}` : `${items} claim${items === 1 ? '' : 's'}`;
  const note = warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings[0]}${warnings.length > 1 ? ' …' : ''})` : '';
  if (args.target === undefined) {
    void vscode.window.showInformationMessage(`ClaimLens: exported ${what} of ${name} as ${spec.label}${note}.`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.window.showTextDocument(target!);
    });
  }
  return { target: target.toString(), format, items, warnings };
}

async function render(format: ExportFormat, sidecar: Sidecar, documentUri: vscode.Uri, services: ClaimLensServices, warn: (m: string) => void): Promise<{ text: string; items: number }> {
  const scale = ratingScaleOf(services.verdictScale);
  const documentUrl = () => documentUri.scheme === 'file' ? documentUri.toString() : undefined;
  switch (format) {
    case 'claimreview': {
      const reviews = toClaimReviews([sidecar], { scale, warn, documentUrl });
      if (reviews.length === 0) warn('no reviewed claim (every claim is unverified or rejected): the export is empty');
      return { text: JSON.stringify(reviews, null, 2) + '\n', items: reviews.length };
    }
    case 'webannotation': {
      const collection = toWebAnnotationCollection([sidecar], { scale, documentUrl });
      return { text: JSON.stringify(collection, null, 2) + '\n', items: sidecar.claims.filter((c) => c.status !== 'rejected').length };
    }
    case 'csv':
      return { text: claimsToCsv([sidecar]), items: sidecar.claims.length };
    case 'brat': {
      let text: string | undefined;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === documentUri.toString());
      if (open && !open.isDirty) text = open.getText();
      else {
        try {
          text = decodeText(await vscode.workspace.fs.readFile(documentUri)).text;
        } catch {
          warn('the document could not be read: Source and Cue spans are left out');
        }
      }
      return { text: toBrat(sidecar, { ...(text !== undefined ? { text } : {}), warn }), items: sidecar.claims.filter((c) => c.status !== 'rejected').length };
    }
  }
}

/** `x.ann` → `x.txt` beside it, else PolNeAR's layout: attributions/x_abcd.ann → text/x.txt. */
async function guessTextUri(ann: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.Uri.joinPath(ann, '..');
  const stem = ann.path.slice(ann.path.lastIndexOf('/') + 1).replace(/\.ann$/u, '');
  const candidates = [
    vscode.Uri.joinPath(folder, `${stem}.txt`),
    vscode.Uri.joinPath(folder, '..', 'text', `${stem}.txt`),
    vscode.Uri.joinPath(folder, '..', 'text', `${stem.replace(/_[0-9a-f]{4}$/u, '')}.txt`),
  ];
  for (const candidate of candidates) {
    if (await vscode.workspace.fs.stat(candidate).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

async function readText(uri: vscode.Uri): Promise<string> {
  try {
    return decodeText(await vscode.workspace.fs.readFile(uri)).text;
  } catch (error) {
    throw new ExportError(`cannot read ${vscode.workspace.asRelativePath(uri)}: ${describeError(error)}`);
  }
}

async function importBratFile(services: ClaimLensServices, raw: unknown): Promise<ImportResult> {
  services.requireTrust('import brat annotations');
  const interactive = raw === undefined || raw === null || raw instanceof vscode.Uri;
  const args = (raw instanceof vscode.Uri ? { annUri: raw } : raw ?? {}) as ImportBratArgs;
  let ann = args.annUri !== undefined ? toUri(args.annUri, 'annUri') : undefined;
  if (!ann) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'brat standoff': ['ann'] }, openLabel: 'Import', title: 'ClaimLens: import brat attributions' });
    if (!picked?.[0]) throw new Cancelled();
    ann = picked[0];
  }
  let text = args.textUri !== undefined ? toUri(args.textUri, 'textUri') : await guessTextUri(ann);
  if (!text && interactive) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Text: ['txt'] }, openLabel: 'Use this text', title: `ClaimLens: the text annotated by ${vscode.workspace.asRelativePath(ann)}` });
    text = picked?.[0];
  }
  if (!text) throw new ExportError(`cannot find the text annotated by ${vscode.workspace.asRelativePath(ann)}: pass {textUri}`);

  const documentLocation = locationOf(text);
  const existing = await services.store.reload(documentLocation);
  if (existing.exists && !args.replace) {
    const name = vscode.workspace.asRelativePath(services.sidecarUri(text));
    if (!interactive) throw new ExportError(`${name} already exists: not replacing it (pass {replace: true} to replace it)`);
    const choice = await vscode.window.showWarningMessage(`${name} already exists. Replace its annotations with the imported ones?`, { modal: true }, 'Replace');
    if (choice !== 'Replace') throw new Cancelled();
  }
  const [annText, documentText] = await Promise.all([readText(ann), readText(text)]);
  const result = importBrat(annText, documentText, {
    documentName: baseName(text.path),
    sha256: await sha256Hex(documentText),
    ...(services.author ? { author: services.author } : {}),
  });
  const problems = result.problems.map((p) => `${vscode.workspace.asRelativePath(ann!)}:${p.line}: ${p.message}`);
  if (result.sidecar.claims.length === 0) {
    throw new ExportError(`${vscode.workspace.asRelativePath(ann)}: no attribution with content to import (${result.attributions} attribution events)`);
  }
  // Through the store: the views, highlights and Problems follow at once, and nothing unreadable is written.
  const state = await services.store.update(documentLocation, (draft) => {
    draft.version = result.sidecar.version;
    draft.document = result.sidecar.document;
    draft.speakers = result.sidecar.speakers;
    draft.claims = result.sidecar.claims;
    draft.stances = result.sidecar.stances;
  }, { documentText });
  const summary = `imported ${result.sidecar.claims.length} claims and ${result.sidecar.speakers.length} speakers into ${vscode.workspace.asRelativePath(uriOf(state.sidecarLocation))}`;
  if (interactive) void vscode.window.showInformationMessage(`ClaimLens: ${summary}${problems.length ? ` (${problems.length} attributions skipped: ${problems[0]}${problems.length > 1 ? ' …' : ''})` : ''}.`);
  return { sidecar: state.sidecarLocation, claims: result.sidecar.claims.length, speakers: result.sidecar.speakers.length, problems };
}
