// What a person sees in the editor and how it follows their work: highlights after opening and
// after an edit, anchors following edits (in memory; written back on save only), sidecars changed
// on disk picked up, and the status bar.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { HARBOUR_ARTICLE, openArticle, rangeOf, readSidecar, SEED_A, sidecarPath, sidecarText, waitFor, workspaceFolder, claimLens } from './editorHelpers';

describe('Highlights and the annotation store in the editor', () => {
  it('highlights speakers, suggestions and cue words of a seed once it is open', async () => {
    const api = await claimLens();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    const editor = await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    const shown = api.decorationsFor(editor);
    const speakerRanges = Object.entries(shown).filter(([kind]) => kind.startsWith('speaker')).flatMap(([, ranges]) => ranges);
    assert.ok(speakerRanges.some((r) => document.getText(r) === 'Emmanuel Macron' || document.getText(r) === 'Macron'), 'Macron is not highlighted as a speaker');
    assert.ok((shown.suggestion ?? []).length > 0, 'no machine suggestion highlighted');
    assert.ok((shown.cue ?? []).some((r) => /warn|said|add/.test(document.getText(r))), 'no cue word highlighted');
    // One speaker, one colour: every mention of Macron has the same kind.
    const macronKinds = new Set(Object.entries(shown).filter(([kind, ranges]) => kind.startsWith('speaker') && ranges.some((r) => /Macron/.test(document.getText(r)))).map(([kind]) => kind));
    assert.equal(macronKinds.size, 1, `Macron's mentions have several colours: ${[...macronKinds].join(', ')}`);
    // The status bar counts the document's speakers and suggestions.
    const counts = api.statusCounts(document);
    assert.ok(counts.speakers > 0 && counts.suggestions > 0, JSON.stringify(counts));
  });

  it('annotates through the command, follows an edit above the claim, and writes the anchor back only on save', async () => {
    const { editor, uri, api } = await openArticle(HARBOUR_ARTICLE);
    const quote = 'the ferry service would end in May';
    const range = rangeOf(editor.document, quote);
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri, range, verdict: 'false' });
    const written = readSidecar(uri).claims[0]!;
    assert.equal(written.anchor.exact, quote);
    await waitFor(() => api.decorationsFor(editor)['claim-false']?.some((r) => r.isEqual(range)), 'the claim to be highlighted as false');

    // Insert a paragraph above the claim: the highlight moves down with it.
    const before = sidecarText(uri);
    await editor.edit((edit) => edit.insert(new vscode.Position(2, 0), 'A new first paragraph, written after the claim was tagged.\n\n'));
    const moved = rangeOf(editor.document, quote);
    assert.equal(moved.start.line, range.start.line + 2);
    await waitFor(() => api.decorationsFor(editor)['claim-false']?.some((r) => r.isEqual(moved)), 'the claim highlight to follow the edit');
    // In memory, the anchor resolves to its new place...
    const resolution = api.services.annotationsFor(editor.document)?.resolutions?.get(written.id);
    assert.equal(resolution?.status, 'moved');
    // ...but an unsaved edit never rewrites the sidecar.
    assert.equal(sidecarText(uri), before);

    await editor.document.save();
    const expectedStart = api.services.rangeToSpan(editor.document, moved).start;
    await waitFor(() => sidecarText(uri)?.includes(`start: ${expectedStart}`), 'the saved sidecar to carry the new offsets');
    assert.equal(readSidecar(uri).claims[0]!.anchor.exact, quote);
  });

  it('picks up a sidecar changed on disk (a git checkout, a hand edit)', async () => {
    const { editor, uri, api } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri, range, verdict: 'unverified' });
    await waitFor(() => api.decorationsFor(editor)['claim-neutral']?.length, 'the unverified highlight');
    // Another program changes the verdict in the file.
    const text = fs.readFileSync(sidecarPath(uri), 'utf8');
    assert.match(text, /verdict: unverified/);
    fs.writeFileSync(sidecarPath(uri), text.replace('verdict: unverified', 'verdict: true'));
    await waitFor(() => api.services.annotationsFor(editor.document)?.sidecar?.claims[0]?.verdict === 'true', 'the store to reload the changed sidecar');
    await waitFor(() => api.decorationsFor(editor)['claim-true']?.some((r) => r.isEqual(range)), 'the highlight to turn "true"');
    assert.equal(api.decorationsFor(editor)['claim-neutral'], undefined);
    // The sidecar deleted on disk: the claim highlight goes away.
    fs.rmSync(sidecarPath(uri));
    await waitFor(() => !api.decorationsFor(editor)['claim-true'], 'the highlight to disappear with the sidecar');
  });

  it('keeps claims in place around emoji and astral characters (code points vs UTF-16)', async () => {
    const text = 'Update 🚢🚢 for the harbour 😀\n\nThe harbour authority warned that the ferry 🚢 service would end in May.\n';
    const { editor, uri, api } = await openArticle(text);
    const quote = 'the ferry 🚢 service would end in May';
    const range = rangeOf(editor.document, quote);
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri, range, verdict: 'mixed' });
    const claim = readSidecar(uri).claims[0]!;
    assert.equal(claim.anchor.exact, quote);
    // Code points: the three emoji before the quote count once each.
    assert.equal(claim.anchor.start, editor.document.offsetAt(range.start) - 3);
    await waitFor(() => api.decorationsFor(editor)['claim-mixed']?.some((r) => r.isEqual(range)), 'the highlight on the exact quote');
  });
});
