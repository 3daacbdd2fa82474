// Each fact-checking command driven with an argument object (as a keybinding, a hover link or
// another extension would) writes the expected sidecar: read back from disk and parsed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { claimLens, HARBOUR_ARTICLE, openArticle, rangeOf, readSidecar, sidecarText, waitFor } from './editorHelpers';

interface CommandResult { uri: string; claimId?: string; changed?: number }

const run = (command: string, args: unknown) => vscode.commands.executeCommand<CommandResult | undefined>(command, args);

describe('Commands write the sidecar', () => {
  before(async () => {
    await vscode.workspace.getConfiguration('claimlens').update('author', 'Integration Tester', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('claimlens').update('author', undefined, vscode.ConfigurationTarget.Global);
  });

  it('claimlens.tagClaim creates a claim from a range, with verdict, rationale, author and date', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const quote = 'the new bridge would cost twice as much';
    // The range as JSON, the way a keybinding or another extension passes it.
    const r = rangeOf(editor.document, quote);
    const result = await run('claimlens.tagClaim', { uri: uri.toString(), range: { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } }, verdict: 'false', rationale: 'The estimate is 1.4 times.' });
    assert.ok(result?.claimId, 'tagClaim returned no claim id');
    const sidecar = readSidecar(uri);
    const claim = sidecar.claims.find((c) => c.id === result.claimId);
    assert.ok(claim, 'the claim is not in the sidecar');
    assert.equal(claim.anchor.exact, quote);
    assert.equal(claim.verdict, 'false');
    assert.equal(claim.rationale, 'The estimate is 1.4 times.');
    assert.equal(claim.status, 'accepted');
    assert.equal(claim.author, 'Integration Tester');
    assert.match(claim.updated ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  it('claimlens.tagClaim on a machine suggestion accepts it with its speaker', async () => {
    const { editor, uri, api } = await openArticle(HARBOUR_ARTICLE);
    const suggestion = api.services.pendingSuggestions(editor.document).find((s) => s.text.includes('cannot afford'));
    assert.ok(suggestion, 'the extractor did not suggest the mayor\'s quote');
    const result = await run('claimlens.tagClaim', { uri, claimId: suggestion.id, verdict: 'mostly-true' });
    const sidecar = readSidecar(uri);
    const claim = sidecar.claims.find((c) => c.id === result?.claimId)!;
    assert.equal(claim.verdict, 'mostly-true');
    assert.equal(claim.status, 'accepted');
    const speaker = sidecar.speakers.find((s) => s.id === claim.speaker);
    assert.equal(speaker?.name, 'Tom Baker');
    assert.ok(!api.services.pendingSuggestions(editor.document).some((s) => s.id === suggestion.id), 'the accepted suggestion is still pending');
  });

  it('claimlens.addSource adds http(s) sources and refuses anything else, changing nothing', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    await run('claimlens.addSource', { uri, range, url: 'https://example.org/timetable', title: 'Timetable' });
    assert.deepEqual(readSidecar(uri).claims[0]!.sources, [{ url: 'https://example.org/timetable', title: 'Timetable' }]);
    const before = sidecarText(uri);
    for (const url of ['javascript:alert(1)', 'command:workbench.action.quit', 'file:///etc/passwd', 'not a url']) {
      const result = await run('claimlens.addSource', { uri, range, url });
      assert.equal(result, undefined, `${url} was accepted`);
    }
    assert.equal(sidecarText(uri), before, 'a refused source changed the sidecar');
  });

  it('claimlens.addNote appends notes to the claim', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    await run('claimlens.addNote', { uri, range, note: 'Call the harbour authority.' });
    const { claimId } = (await run('claimlens.addNote', { uri, range, note: 'They did not answer.' }))!;
    const claim = readSidecar(uri).claims.find((c) => c.id === claimId)!;
    assert.equal(claim.note, 'Call the harbour authority.\nThey did not answer.');
  });

  it('claimlens.setSpeaker attributes a claim to a new speaker, then to an existing one', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    await run('claimlens.setSpeaker', { uri, range, speaker: 'Harbour Authority', kind: 'organization' });
    let sidecar = readSidecar(uri);
    assert.deepEqual(sidecar.speakers.map((s) => [s.id, s.name, s.kind]), [['harbour-authority', 'Harbour Authority', 'organization']]);
    assert.equal(sidecar.claims[0]!.speaker, 'harbour-authority');
    // Correcting the machine: the claim was said by the mayor (known from the analysis by id).
    await run('claimlens.setSpeaker', { uri, range, speaker: 'tom-baker' });
    sidecar = readSidecar(uri);
    assert.equal(sidecar.claims[0]!.speaker, 'tom-baker');
    assert.equal(sidecar.speakers.find((s) => s.id === 'tom-baker')?.role, 'Mayor');
  });

  it('claimlens.mergeSpeakers folds the second speaker into the first', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    await run('claimlens.setSpeaker', { uri, range: rangeOf(editor.document, 'the ferry service would end in May'), speaker: 'T. Baker' });
    await run('claimlens.setSpeaker', { uri, range: rangeOf(editor.document, 'the new bridge would cost'), speaker: 'tom-baker' });
    const result = await run('claimlens.mergeSpeakers', { ids: ['tom-baker', 't-baker'] });
    assert.ok((result?.changed ?? 0) >= 1, 'no sidecar changed');
    const sidecar = readSidecar(uri);
    assert.deepEqual(sidecar.speakers.map((s) => s.id), ['tom-baker']);
    assert.ok(sidecar.speakers[0]!.aliases.includes('T. Baker'));
    assert.ok(sidecar.claims.every((c) => c.speaker === 'tom-baker'));
  });

  it('claimlens.setStance records a confirmed stance that the speaker hover marks as confirmed', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    await run('claimlens.setSpeaker', { uri, range: rangeOf(editor.document, 'We cannot afford another delay on the bridge'), speaker: 'tom-baker' });
    await run('claimlens.setStance', { uri, speaker: 'tom-baker', target: 'delays to the bridge', polarity: 'oppose', summary: 'Opposes any further delay to the bridge' });
    const stance = readSidecar(uri).stances[0]!;
    assert.equal(stance.speaker, 'tom-baker');
    assert.equal(stance.polarity, 'oppose');
    assert.equal(stance.claims.length, 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, rangeOf(editor.document, 'Tom Baker').start);
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(shown, /Opposes any further delay to the bridge.*\*\*confirmed\*\*/, shown);
  });

  it('claimlens.acceptSuggestions records every suggestion; claimlens.rejectSuggestion keeps a rejection', async () => {
    const { editor, uri, api } = await openArticle(HARBOUR_ARTICLE);
    const suggestions = api.services.pendingSuggestions(editor.document);
    assert.ok(suggestions.length >= 2, 'expected at least two suggestions in the article');
    const [rejected] = suggestions;
    await run('claimlens.rejectSuggestion', { uri, claimId: rejected!.id });
    let sidecar = readSidecar(uri);
    assert.deepEqual(sidecar.claims.map((c) => [c.anchor.exact, c.status]), [[rejected!.text, 'rejected']]);
    const result = await run('claimlens.acceptSuggestions', { uri });
    assert.equal(result?.changed, suggestions.length - 1);
    sidecar = readSidecar(uri);
    assert.equal(sidecar.claims.filter((c) => c.status === 'accepted').length, suggestions.length - 1);
    assert.equal(sidecar.claims.find((c) => c.anchor.exact === rejected!.text)?.status, 'rejected', 'accepting all re-accepted a rejected suggestion');
    assert.deepEqual(api.services.pendingSuggestions(editor.document), []);
  });

  it('claimlens.openSidecar opens the sidecar; claimlens.revealClaim selects a claim', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    const { claimId } = (await run('claimlens.tagClaim', { uri, range, verdict: 'true' }))!;
    await run('claimlens.openSidecar', { uri: uri.toString() });
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.path.endsWith('.annotations.yaml'), 'the sidecar editor');
    await run('claimlens.revealClaim', { uri, claimId });
    const active = vscode.window.activeTextEditor!;
    assert.equal(active.document.uri.toString(), uri.toString());
    assert.equal(active.document.getText(active.selection), 'the ferry service would end in May');
  });

  it('claimlens.toggleHighlights switches the highlights off and on', async () => {
    const { editor, api } = await openArticle(HARBOUR_ARTICLE);
    assert.ok(Object.keys(api.decorationsFor(editor)).length > 0, 'no highlights to begin with');
    await vscode.commands.executeCommand('claimlens.toggleHighlights');
    try {
      await waitFor(() => Object.keys(api.decorationsFor(editor)).length === 0, 'the highlights to disappear');
    } finally {
      await vscode.commands.executeCommand('claimlens.toggleHighlights');
    }
    await waitFor(() => Object.keys(api.decorationsFor(editor)).length > 0, 'the highlights to come back');
  });

  it('claimlens.reindex indexes the workspace articles', async () => {
    const api = await claimLens();
    await vscode.commands.executeCommand('claimlens.reindex');
    assert.ok(api.services.analysis.isIndexed);
    assert.ok(api.services.analysis.knownDocuments().some((d) => d.endsWith('000_02db67045c6df099.txt')));
  });

  it('reports a sidecar it cannot safely rewrite instead of overwriting it', async () => {
    const { editor, uri, api } = await openArticle(HARBOUR_ARTICLE);
    const broken = 'version: 1\nclaims: [\n  - this is not YAML\n';
    await vscode.workspace.fs.writeFile(vscode.Uri.file(`${uri.fsPath}.annotations.yaml`), new TextEncoder().encode(broken));
    await waitFor(() => api.services.annotationsFor(editor.document)?.writable === false, 'the broken sidecar to be loaded');
    const result = await run('claimlens.tagClaim', { uri, range: rangeOf(editor.document, 'the ferry service'), verdict: 'false' });
    assert.equal(result, undefined);
    assert.equal(sidecarText(uri), broken, 'the unparsable sidecar was rewritten');
  });
});
