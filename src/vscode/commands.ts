// The fact-checking commands. Each takes one argument object, so keybindings, tests, hover links and
// other extensions can drive it without prompts; run from the palette, a menu or a keybinding
// without one, it works on the active editor's selection and asks with quick picks. Every change
// goes through the store and lands in the sidecar at once; a failure shows what to do and loses
// nothing (the store never overwrites a file it cannot read back).
import * as vscode from 'vscode';
import type { ExtractedClaim } from '../core/extract/types';
import type { Claim, Polarity, Sidecar, SpeakerKind } from '../core/sidecar/model';
import {
  acceptSuggestion, addClaimFromSpan, findSpeakerByName, mergeSpeakers, rejectSuggestion, setStance, SidecarEditError,
  updateClaim, upsertSpeaker,
} from '../core/sidecar/store';
import { findVerdict } from '../core/sidecar/verdicts';
import type { Highlights } from './decorations';
import { safeWebUrl } from './markdown';
import { type ClaimLensServices, describeError, UntrustedWorkspaceError } from './services';
import { locationOf, uriOf } from './workspaceFs';

type UriArg = vscode.Uri | string;
type PositionJson = { line: number; character: number };
type RangeArg = vscode.Range | { start: PositionJson; end: PositionJson } | [PositionJson, PositionJson];

export interface TagClaimArgs { uri?: UriArg; range?: RangeArg; claimId?: string; verdict?: string; rationale?: string }
export interface AddSourceArgs { uri?: UriArg; claimId?: string; range?: RangeArg; url?: string; title?: string }
export interface AddNoteArgs { uri?: UriArg; claimId?: string; range?: RangeArg; note?: string }
export interface SetSpeakerArgs { uri?: UriArg; range?: RangeArg; claimId?: string; speaker?: string; role?: string; kind?: SpeakerKind }
export interface MergeSpeakersArgs { ids?: string[] }
export interface SetStanceArgs { uri?: UriArg; speaker?: string; target?: string; polarity?: Polarity; summary?: string; claims?: string[] }
export interface DocumentArgs { uri?: UriArg }
export interface RejectSuggestionArgs { uri?: UriArg; claimId?: string; range?: RangeArg }
export interface RevealClaimArgs { uri?: UriArg; claimId?: string; start?: number; end?: number }

/** What a write command resolves with (undefined when it failed or was cancelled). */
export interface CommandResult { uri: string; claimId?: string; changed?: number }

const POLARITIES: readonly Polarity[] = ['support', 'oppose', 'neutral', 'mixed'];

/** Cancelled by the person (Escape in a prompt): no message. */
class Cancelled extends Error {}

/** A problem with what was asked for; the message says what to do. */
class CommandError extends Error {}

function toUri(value: UriArg): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'object' && value !== null && 'scheme' in value && 'path' in value) return vscode.Uri.from(value as vscode.Uri);
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? uriOf(value) : vscode.Uri.file(value);
  throw new CommandError('"uri" must be a URI or a path');
}

function toPosition(value: unknown, what: string): vscode.Position {
  const p = value as PositionJson | undefined;
  if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) throw new CommandError(`"${what}" must be {line, character} with whole numbers`);
  return new vscode.Position(p.line, p.character);
}

function toRange(value: RangeArg): vscode.Range {
  if (value instanceof vscode.Range) return value;
  if (Array.isArray(value)) return new vscode.Range(toPosition(value[0], 'range[0]'), toPosition(value[1], 'range[1]'));
  return new vscode.Range(toPosition(value.start, 'range.start'), toPosition(value.end, 'range.end'));
}

/** Called with no argument object (palette, keybinding) or with a resource (menus pass the document's URI). */
function isInteractive(args: unknown): boolean {
  return args === undefined || args === null || args instanceof vscode.Uri;
}

function argsOf<T extends object>(args: unknown): T {
  if (args instanceof vscode.Uri) return { uri: args } as T;
  if (args === undefined || args === null) return {} as T;
  if (typeof args !== 'object') throw new CommandError('the command takes one argument object');
  return args as T;
}

interface Target {
  document: vscode.TextDocument;
  editor?: vscode.TextEditor;
  /** A sidecar claim (live span) or a pending suggestion, when one is addressed. */
  claim?: Claim;
  suggestion?: ExtractedClaim;
  /** The span (code points) to create a claim from when nothing is there yet. */
  span?: { start: number; end: number };
}

export class Commands {
  constructor(private readonly services: ClaimLensServices, private readonly highlights: Highlights) {}

  register(context: vscode.ExtensionContext): void {
    const commands: Array<[string, (args: unknown) => Promise<unknown> | unknown]> = [
      ['claimlens.tagClaim', (a) => this.run(() => this.tagClaim(a))],
      ['claimlens.addSource', (a) => this.run(() => this.addSource(a))],
      ['claimlens.addNote', (a) => this.run(() => this.addNote(a))],
      ['claimlens.setSpeaker', (a) => this.run(() => this.setSpeaker(a))],
      ['claimlens.mergeSpeakers', (a) => this.run(() => this.mergeSpeakers(a))],
      ['claimlens.setStance', (a) => this.run(() => this.setStance(a))],
      ['claimlens.acceptSuggestions', (a) => this.run(() => this.acceptSuggestions(a))],
      ['claimlens.rejectSuggestion', (a) => this.run(() => this.rejectSuggestion(a))],
      ['claimlens.reindex', () => this.run(() => this.reindex())],
      ['claimlens.toggleHighlights', () => this.run(() => this.toggleHighlights())],
      ['claimlens.openSidecar', (a) => this.run(() => this.openSidecar(a))],
      ['claimlens.revealClaim', (a) => this.run(() => this.revealClaim(a))],
    ];
    for (const [id, handler] of commands) context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }

  /** Runs a command; failures become one error message saying what to do, never an exception. */
  private async run<T>(body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof Cancelled) return undefined;
      if (error instanceof UntrustedWorkspaceError) void vscode.window.showWarningMessage(error.message);
      else void vscode.window.showErrorMessage(`ClaimLens: ${describeError(error)}`);
      if (!(error instanceof CommandError || error instanceof SidecarEditError || error instanceof UntrustedWorkspaceError) && !(error as { code?: string }).code) {
        console.error('ClaimLens command failed', error);
      }
      return undefined;
    }
  }

  // --- shared steps ---------------------------------------------------------------------------

  private async documentOf(uri: UriArg | undefined): Promise<{ document: vscode.TextDocument; editor?: vscode.TextEditor }> {
    if (uri === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !this.services.isArticle(editor.document)) throw new CommandError('open an article (a text or Markdown file) first');
      if (!this.services.hasSidecar(editor.document.uri)) throw new CommandError('save the article first: its annotations are kept in a file next to it');
      return { document: editor.document, editor };
    }
    const target = toUri(uri);
    const document = await vscode.workspace.openTextDocument(target);
    if (!this.services.hasSidecar(document.uri)) throw new CommandError('save the article first: its annotations are kept in a file next to it');
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    return { document, ...(editor ? { editor } : {}) };
  }

  /** The claim addressed by `claimId`, by `range`, or by the editor's selection/cursor. */
  private async target(args: { uri?: UriArg; range?: RangeArg; claimId?: string }, options: { create: boolean }): Promise<Target> {
    const services = this.services;
    const { document, editor } = await this.documentOf(args.uri);
    await services.loadAnnotations(document.uri);
    await services.analysis.analyze(document);
    const base: Target = { document, ...(editor ? { editor } : {}) };
    if (args.claimId) {
      const found = services.claimsIn(document, { rejected: true }).find((c) => (c.claim?.id ?? c.suggestion?.id) === args.claimId);
      const stored = found?.claim ?? services.annotationsFor(document)?.sidecar?.claims.find((c) => c.id === args.claimId);
      if (stored) return { ...base, claim: stored };
      if (found?.suggestion) return { ...base, suggestion: found.suggestion };
      throw new CommandError(`there is no claim "${args.claimId}" in ${vscode.workspace.asRelativePath(document.uri)}; it may have been removed: reload and try again`);
    }
    const range = args.range !== undefined ? toRange(args.range) : editor?.selection;
    if (!range) throw new CommandError('say which claim: pass "claimId" or "range", or select the claim in the editor');
    const span = services.rangeToSpan(document, document.validateRange(range));
    const claims = services.claimsIn(document, { rejected: true });
    const same = claims.find((c) => c.start === span.start && c.end === span.end);
    const at = same ?? (span.start === span.end ? services.claimAt(document, span.start) : undefined);
    if (at?.claim) return { ...base, claim: at.claim };
    if (at?.suggestion) return { ...base, suggestion: at.suggestion };
    if (span.start === span.end || !options.create) {
      throw new CommandError('no claim here: select the words of the claim, or put the cursor in a highlighted claim');
    }
    return { ...base, span };
  }

  /**
   * Makes sure the target is a claim in the draft (accepting the suggestion or creating the claim
   * from the span) and returns its id.
   */
  private claimIn(draft: Sidecar, target: Target, fields: { verdict?: string; rationale?: string } = {}): string {
    const services = this.services;
    const text = target.document.getText();
    const stamp = services.store.stamp();
    const map = services.offsetMap(target.document);
    if (target.claim) {
      const claim = draft.claims.find((c) => c.id === target.claim!.id);
      if (!claim) throw new SidecarEditError(`the claim "${target.claim.id}" is no longer in the sidecar (changed on disk?): try again`);
      return claim.id;
    }
    if (target.suggestion) {
      const speakers = services.analysis.current(target.document)?.extraction.speakers ?? [];
      return acceptSuggestion(draft, text, target.suggestion, speakers, stamp, map).id;
    }
    const span = target.span!;
    return addClaimFromSpan(draft, text, span.start, span.end, { ...fields }, stamp, map).id;
  }

  /** Text to pass to the store: the live text when anchors are created from it or it is saved. */
  private documentTextFor(target: Target): string | undefined {
    return target.claim && target.document.isDirty ? undefined : target.document.getText();
  }

  private async update(target: Target, mutate: (draft: Sidecar) => string | undefined): Promise<CommandResult> {
    const services = this.services;
    let claimId: string | undefined;
    const documentText = this.documentTextFor(target);
    await services.store.update(locationOf(target.document.uri), (draft) => {
      claimId = mutate(draft);
    }, documentText === undefined ? {} : { documentText });
    return { uri: target.document.uri.toString(), ...(claimId ? { claimId } : {}) };
  }

  private checkVerdict(verdict: string): void {
    if (!findVerdict(this.services.verdictScale, verdict)) {
      throw new CommandError(`"${verdict}" is not a verdict of the scale in use (${this.services.verdictScale.verdicts.map((v) => v.key).join(', ')}); change the claimlens.verdicts setting to add it`);
    }
  }

  private async pickVerdict(current: string | undefined): Promise<string> {
    const items = this.services.verdictScale.verdicts.map((v) => ({
      label: v.label, description: v.key === current ? '(current)' : v.key, detail: v.description, key: v.key,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'ClaimLens: verdict for this claim', placeHolder: 'Pick the verdict', matchOnDetail: true });
    if (!picked) throw new Cancelled();
    return picked.key;
  }

  private async ask(prompt: string, options: { value?: string; placeHolder?: string; validate?: (v: string) => string | undefined; optional?: boolean } = {}): Promise<string> {
    const value = await vscode.window.showInputBox({
      title: 'ClaimLens', prompt, ...(options.value ? { value: options.value } : {}), ...(options.placeHolder ? { placeHolder: options.placeHolder } : {}),
      validateInput: (v) => (options.validate ? options.validate(v) : !options.optional && !v.trim() ? 'Type something, or press Escape to cancel' : undefined),
    });
    if (value === undefined) throw new Cancelled();
    return value.trim();
  }

  // --- the commands ---------------------------------------------------------------------------

  async tagClaim(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<TagClaimArgs>(raw);
    this.services.requireTrust('tag claims');
    const target = await this.target(args, { create: true });
    let verdict = args.verdict;
    let rationale = args.rationale;
    if (interactive) {
      verdict = await this.pickVerdict(target.claim?.verdict);
      rationale = await this.ask('Rationale (optional): why this verdict?', { value: target.claim?.rationale ?? '', optional: true });
    }
    if (verdict !== undefined) this.checkVerdict(verdict);
    const stamp = this.services.store.stamp();
    return this.update(target, (draft) => {
      const id = this.claimIn(draft, target, { ...(verdict ? { verdict } : {}), ...(rationale ? { rationale } : {}) });
      updateClaim(draft, id, { status: 'accepted', ...(verdict ? { verdict } : {}), ...(rationale !== undefined ? { rationale } : {}) }, stamp);
      return id;
    });
  }

  async addSource(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<AddSourceArgs>(raw);
    this.services.requireTrust('add sources');
    const target = await this.target(args, { create: true });
    const validate = (v: string) => (safeWebUrl(v) ? undefined : 'Sources must be http:// or https:// links');
    const url = interactive ? await this.ask('Source URL (http or https)', { placeHolder: 'https://…', validate }) : args.url;
    if (!url || validate(url)) throw new CommandError(`"${url ?? ''}" is not a usable source: give an http:// or https:// link`);
    const title = interactive ? await this.ask('Title of the source (optional)', { optional: true }) : args.title?.trim();
    const stamp = this.services.store.stamp();
    return this.update(target, (draft) => {
      const id = this.claimIn(draft, target);
      const claim = draft.claims.find((c) => c.id === id)!;
      const href = new URL(url.trim()).href;
      const sources = claim.sources.filter((s) => s.url !== href);
      sources.push({ url: href, ...(title ? { title } : {}) });
      updateClaim(draft, id, { sources, ...(claim.status !== 'accepted' ? { status: 'accepted' } : {}) }, stamp);
      return id;
    });
  }

  async addNote(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<AddNoteArgs>(raw);
    this.services.requireTrust('add notes');
    const target = await this.target(args, { create: true });
    const note = interactive ? await this.ask('Note on this claim') : args.note?.trim();
    if (!note) throw new CommandError('the note is empty: pass "note" with some text');
    const stamp = this.services.store.stamp();
    return this.update(target, (draft) => {
      const id = this.claimIn(draft, target);
      const claim = draft.claims.find((c) => c.id === id)!;
      updateClaim(draft, id, { note: claim.note ? `${claim.note}\n${note}` : note, ...(claim.status !== 'accepted' ? { status: 'accepted' } : {}) }, stamp);
      return id;
    });
  }

  async setSpeaker(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<SetSpeakerArgs>(raw);
    this.services.requireTrust('change speakers');
    const target = await this.target(args, { create: true });
    const wanted = interactive ? await this.pickSpeaker(target.document) : args.speaker?.trim();
    if (!wanted) throw new CommandError('say who: pass "speaker" with a speaker id or a name');
    const known = this.services.speaker(target.document, wanted);
    const stamp = this.services.store.stamp();
    return this.update(target, (draft) => {
      const id = this.claimIn(draft, target);
      const speaker = draft.speakers.find((s) => s.id === wanted) ?? findSpeakerByName(draft, wanted) ?? upsertSpeaker(draft, known
        ? { id: known.id, name: known.name, kind: args.kind ?? known.kind, ...(known.role ? { role: known.role } : {}), aliases: known.aliases }
        : { name: wanted, kind: args.kind ?? 'person', ...(args.role ? { role: args.role } : {}) });
      if (args.role && speaker.role !== args.role) speaker.role = args.role;
      updateClaim(draft, id, { speaker: speaker.id, status: 'accepted' }, stamp);
      return id;
    });
  }

  private async pickSpeaker(document: vscode.TextDocument): Promise<string> {
    const services = this.services;
    const seen = new Map<string, { label: string; description: string; value: string }>();
    for (const s of services.annotationsFor(document)?.sidecar?.speakers ?? []) seen.set(s.id, { label: s.name, description: `${s.role ?? s.kind} · in the sidecar`, value: s.id });
    for (const s of services.analysis.current(document)?.extraction.speakers ?? []) if (!seen.has(s.id)) seen.set(s.id, { label: s.name, description: `${s.role ?? s.kind} · suggested`, value: s.id });
    const NEW = { label: '$(add) New speaker…', description: '', value: '' };
    const picked = await vscode.window.showQuickPick([...seen.values(), NEW], { title: 'ClaimLens: who said this?', placeHolder: 'Pick the speaker' });
    if (!picked) throw new Cancelled();
    return picked.value || (await this.ask('Name of the speaker', { placeHolder: 'e.g. Jean Dupont' }));
  }

  async mergeSpeakers(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<MergeSpeakersArgs>(raw);
    const services = this.services;
    services.requireTrust('merge speakers');
    await services.analysis.ensureIndexed();
    let ids = args.ids;
    if (interactive) {
      const all = new Map<string, { label: string; description: string; id: string }>();
      for (const [uri, sidecar] of services.loadedSidecars()) {
        for (const s of sidecar.speakers) {
          const item = all.get(s.id) ?? { label: s.name, description: s.id, id: s.id };
          item.description = `${s.id} · ${vscode.workspace.asRelativePath(uriOf(uri))}`;
          all.set(s.id, item);
        }
      }
      const keep = await vscode.window.showQuickPick([...all.values()], { title: 'ClaimLens: merge speakers (1/2)', placeHolder: 'The speaker to keep' });
      if (!keep) throw new Cancelled();
      const others = await vscode.window.showQuickPick([...all.values()].filter((i) => i.id !== keep.id), { title: 'ClaimLens: merge speakers (2/2)', placeHolder: `Speakers to fold into ${keep.label}`, canPickMany: true });
      if (!others?.length) throw new Cancelled();
      ids = [keep.id, ...others.map((o) => o.id)];
    }
    if (!Array.isArray(ids) || ids.length < 2 || ids.some((id) => typeof id !== 'string' || !id)) throw new CommandError('pass "ids": the speaker to keep first, then the speakers to merge into it');
    const [keep, ...others] = [...new Set(ids)] as [string, ...string[]];
    let changed = 0;
    for (const [uri, sidecar] of services.loadedSidecars()) {
      if (!sidecar.speakers.some((s) => s.id === keep) || !others.some((o) => sidecar.speakers.some((s) => s.id === o))) continue;
      await services.store.update(uri, (draft) => {
        const stamp = services.store.stamp();
        for (const other of others) if (draft.speakers.some((s) => s.id === other)) mergeSpeakers(draft, keep, other, stamp);
      });
      changed++;
    }
    if (changed === 0) throw new CommandError(`no sidecar has both "${keep}" and ${others.map((o) => `"${o}"`).join(' or ')}: nothing to merge`);
    if (interactive) void vscode.window.showInformationMessage(`ClaimLens: merged into ${keep} in ${changed} sidecar${changed === 1 ? '' : 's'}.`);
    return { uri: '', changed };
  }

  async setStance(raw: unknown): Promise<CommandResult> {
    const interactive = isInteractive(raw);
    const args = argsOf<SetStanceArgs>(raw);
    const services = this.services;
    services.requireTrust('record stances');
    const { document } = await this.documentOf(args.uri);
    await services.loadAnnotations(document.uri);
    await services.analysis.analyze(document);
    const speakerArg = interactive ? await this.pickSpeaker(document) : args.speaker?.trim();
    if (!speakerArg) throw new CommandError('pass "speaker" (an id or a name)');
    const target = interactive ? await this.ask('Target of the stance (a person, organisation or policy)', { placeHolder: 'e.g. lifting sanctions on Russia' }) : args.target?.trim();
    if (!target) throw new CommandError('pass "target": what the speaker is for or against');
    let polarity = args.polarity;
    if (interactive) {
      const picked = await vscode.window.showQuickPick(POLARITIES.map((p) => ({ label: p })), { title: 'ClaimLens: stance', placeHolder: `Does the speaker support or oppose ${target}?` });
      if (!picked) throw new Cancelled();
      polarity = picked.label;
    }
    if (!polarity || !POLARITIES.includes(polarity)) throw new CommandError(`"polarity" must be one of ${POLARITIES.join(', ')}`);
    const summary = interactive ? await this.ask('One-line summary (optional)', { optional: true }) : args.summary;
    const known = services.speaker(document, speakerArg);
    const stamp = services.store.stamp();
    await services.store.update(locationOf(document.uri), (draft) => {
      const speaker = draft.speakers.find((s) => s.id === speakerArg) ?? findSpeakerByName(draft, speakerArg) ?? upsertSpeaker(draft, known
        ? { id: known.id, name: known.name, kind: known.kind, ...(known.role ? { role: known.role } : {}), aliases: known.aliases }
        : { name: speakerArg });
      // Evidence: the claims given, else this speaker's claims in the sidecar.
      const claims = args.claims ?? draft.claims.filter((c) => c.speaker === speaker.id && c.status !== 'rejected').map((c) => c.id);
      setStance(draft, { speaker: speaker.id, target, polarity: polarity!, claims, ...(summary ? { summary } : {}) }, stamp);
    });
    return { uri: document.uri.toString() };
  }

  async acceptSuggestions(raw: unknown): Promise<CommandResult> {
    const args = argsOf<DocumentArgs>(raw);
    const services = this.services;
    services.requireTrust('accept suggestions');
    const { document } = await this.documentOf(args.uri);
    await services.loadAnnotations(document.uri);
    const analysis = await services.analysis.analyze(document);
    const pending = services.pendingSuggestions(document);
    if (!analysis || pending.length === 0) {
      if (isInteractive(raw)) void vscode.window.showInformationMessage('ClaimLens: no pending suggestions in this document.');
      return { uri: document.uri.toString(), changed: 0 };
    }
    const text = document.getText();
    const map = services.offsetMap(document);
    const stamp = services.store.stamp();
    await services.store.update(locationOf(document.uri), (draft) => {
      for (const suggestion of pending) acceptSuggestion(draft, text, suggestion, analysis.extraction.speakers, stamp, map);
    }, { documentText: text });
    return { uri: document.uri.toString(), changed: pending.length };
  }

  async rejectSuggestion(raw: unknown): Promise<CommandResult> {
    const args = argsOf<RejectSuggestionArgs>(raw);
    const services = this.services;
    services.requireTrust('reject suggestions');
    const target = await this.target(args, { create: false });
    const stamp = services.store.stamp();
    return this.update(target, (draft) => {
      if (target.claim) return updateClaim(draft, target.claim.id, { status: 'rejected' }, stamp).id;
      const speakers = services.analysis.current(target.document)?.extraction.speakers ?? [];
      return rejectSuggestion(draft, target.document.getText(), target.suggestion!, speakers, stamp, services.offsetMap(target.document)).id;
    });
  }

  async reindex(): Promise<CommandResult> {
    await this.services.analysis.reindex();
    return { uri: '' };
  }

  async toggleHighlights(): Promise<boolean> {
    const enabled = !this.highlights.isEnabled;
    const config = vscode.workspace.getConfiguration('claimlens');
    const inspected = config.inspect<boolean>('highlights.enabled');
    // Change it where it is set (a workspace setting would otherwise override a user one).
    const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update('highlights.enabled', enabled, target);
    return enabled;
  }

  async openSidecar(raw: unknown): Promise<CommandResult | undefined> {
    const args = argsOf<DocumentArgs>(raw);
    let uri: vscode.Uri;
    if (args.uri !== undefined) uri = toUri(args.uri);
    else {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new CommandError('open an article first');
      uri = editor.document.uri;
    }
    if (uri.path.endsWith('.annotations.yaml')) uri = uri.with({ path: uri.path.slice(0, -'.annotations.yaml'.length) });
    const sidecar = this.services.sidecarUri(uri);
    if (!(await this.services.fs.stat(sidecar.toString()))) {
      void vscode.window.showInformationMessage(`ClaimLens: ${vscode.workspace.asRelativePath(uri)} has no annotations yet. Tag a claim (Ctrl+Alt+T) to create ${vscode.workspace.asRelativePath(sidecar)}.`);
      return undefined;
    }
    await vscode.window.showTextDocument(sidecar, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return { uri: sidecar.toString() };
  }

  async revealClaim(raw: unknown): Promise<CommandResult> {
    const args = argsOf<RevealClaimArgs>(raw);
    const services = this.services;
    const { document } = await this.documentOf(args.uri);
    await services.loadAnnotations(document.uri);
    await services.analysis.analyze(document);
    let span: { start: number; end: number } | undefined;
    if (args.claimId) {
      const found = services.claimsIn(document, { rejected: true }).find((c) => (c.claim?.id ?? c.suggestion?.id) === args.claimId)
        ?? services.claimsIn(document, { rejected: true }).find((c) => c.claim && services.analysis.current(document)?.extraction.claims.some((s) => s.id === args.claimId && s.start === c.start && s.end === c.end));
      if (found) span = { start: found.start, end: found.end };
    }
    if (!span && Number.isInteger(args.start) && Number.isInteger(args.end)) span = { start: args.start!, end: args.end! };
    if (!span) throw new CommandError(`the claim ${args.claimId ? `"${args.claimId}" ` : ''}is not in ${vscode.workspace.asRelativePath(document.uri)} any more: the document may have changed`);
    const range = services.spanToRange(document, span.start, span.end);
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { uri: document.uri.toString(), ...(args.claimId ? { claimId: args.claimId } : {}) };
  }
}

