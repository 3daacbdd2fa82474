// Hover cards as a person sees them, through VS Code's own hover command: the speaker card on the
// seeds (name, role, stances across the corpus with evidence links), the claim card (verdict and
// its change links), and a crafted sidecar that must not inject links, commands or HTML.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { claimLens, HARBOUR_ARTICLE, hoversAt, hoverText, openArticle, rangeOf, readSidecar, SEED_A, sidecarPath, waitFor, workspaceFolder } from './editorHelpers';

describe('Hover cards', () => {
  it('shows who Macron is, where he speaks and where he stands, with links to the evidence', async () => {
    const api = await claimLens();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    await api.whenIndexed();
    const position = rangeOf(document, 'Macron').start.translate(0, 2);
    const hovers = await hoversAt(document, position);
    const shown = hoverText(hovers);
    assert.match(shown, /\*\*Emmanuel Macron\*\*/, shown);
    assert.match(shown, /French President|President of France/, shown);
    assert.match(shown, /claims? in this document/, shown);
    assert.match(shown, /in \d+ documents? of the corpus/, shown);
    // A stance line with an evidence link that reveals the claim.
    const stanceLine = shown.split('\n').find((line) => /(Supports|Opposes|mixed views|favourably|Criticises)/.test(line) && line.includes('command:claimlens.revealClaim'));
    assert.ok(stanceLine, `no stance with an evidence link in:\n${shown}`);
    const link = /\(command:claimlens\.revealClaim\?([^ )]+)/.exec(stanceLine)!;
    const [args] = JSON.parse(decodeURIComponent(link[1]!)) as [{ uri: string; claimId: string }];
    // Following the link selects the statement.
    await vscode.commands.executeCommand('claimlens.revealClaim', args);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), args.uri);
    assert.ok(!editor.selection.isEmpty, 'revealing the evidence selected nothing');
  });

  it('shows a claim\'s verdict, rationale, sources and links to change the verdict', async () => {
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const range = rangeOf(editor.document, 'the ferry service would end in May');
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri: uri.toString(), range, verdict: 'misleading', rationale: 'The ferry runs until June.' });
    await vscode.commands.executeCommand('claimlens.addSource', { uri, range, url: 'https://example.org/ferry-timetable', title: 'Ferry timetable' });
    const shown = hoverText(await hoversAt(editor.document, range.start.translate(0, 4)));
    assert.match(shown, /Verdict: \*\*Misleading\*\*/, shown);
    assert.match(shown, /The ferry runs until June\\\./, shown);
    assert.match(shown, /\[Ferry timetable\]\(https:\/\/example\.org\/ferry-timetable\)/, shown);
    assert.match(shown, /accepted/, shown);
    assert.match(shown, /\[True\]\(command:claimlens\.tagClaim\?/, shown);
    assert.equal(readSidecar(uri).claims[0]!.verdict, 'misleading');
  });

  it('offers to accept or reject a machine suggestion', async () => {
    const { editor } = await openArticle(HARBOUR_ARTICLE);
    const shown = hoverText(await hoversAt(editor.document, rangeOf(editor.document, 'cannot afford').start));
    assert.match(shown, /machine suggestion/, shown);
    assert.match(shown, /Tom Baker/, shown);
    assert.match(shown, /\[Accept\]\(command:claimlens\.tagClaim\?/, shown);
    assert.match(shown, /\[Reject\]\(command:claimlens\.rejectSuggestion\?/, shown);
  });

  it('escapes everything a crafted sidecar says: no injected command links, images or HTML', async () => {
    const api = await claimLens();
    const { editor, uri } = await openArticle(HARBOUR_ARTICLE);
    const quote = 'the new bridge would cost twice as much as the old one';
    const start = editor.document.getText().indexOf(quote);
    const crafted = [
      'version: 1',
      'document:',
      `  name: ${uri.path.slice(uri.path.lastIndexOf('/') + 1)}`,
      '  sha256: ""',
      'speakers:',
      '  - id: mallory',
      '    name: "[Mallory](command:workbench.action.quit)"',
      '    kind: person',
      '    role: "<img src=x onerror=alert(1)>"',
      'claims:',
      '  - id: c-crafted',
      '    anchor:',
      `      exact: "${quote}"`,
      '      prefix: ""',
      '      suffix: ""',
      `      start: ${start}`,
      `      end: ${start + quote.length}`,
      '    speaker: mallory',
      '    kind: indirect',
      '    status: accepted',
      '    verdict: "false"',
      '    rationale: "Click [x](command:workbench.action.quit) now <img src=x onerror=alert(1)> **bold** $(alert)"',
      '    sources:',
      '      - url: "command:workbench.action.quit"',
      '        title: "[quit](command:workbench.action.quit)"',
      '      - url: "javascript:alert(1)"',
      '    tags: ["<script>x</script>"]',
      'stances: []',
      '',
    ].join('\n');
    fs.writeFileSync(sidecarPath(uri), crafted);
    await waitFor(() => api.services.annotationsFor(editor.document)?.sidecar?.claims.some((c) => c.id === 'c-crafted'), 'the crafted sidecar to be loaded');
    const hovers = await hoversAt(editor.document, editor.document.positionAt(start + 5));
    const shown = hoverText(hovers);
    assert.match(shown, /Verdict: \*\*False\*\*/, shown);
    assert.doesNotMatch(shown, /\]\(command:workbench/, `a command link was injected:\n${shown}`);
    assert.doesNotMatch(shown, /\]\(javascript:/, `a javascript: link was injected:\n${shown}`);
    assert.doesNotMatch(shown, /(^|[^\\])<(img|script)/, `raw HTML reached the hover:\n${shown}`);
    assert.doesNotMatch(shown, /(^|[^\\])\*\*bold/, `markup from the sidecar was interpreted:\n${shown}`);
    // Only ClaimLens' own commands are trusted.
    for (const hover of hovers) {
      for (const part of hover.contents) {
        if (typeof part === 'string' || !('isTrusted' in part)) continue;
        const trusted = part.isTrusted;
        assert.ok(typeof trusted === 'object' && trusted.enabledCommands.every((c) => c.startsWith('claimlens.')), `hover trusts ${JSON.stringify(trusted)}`);
        assert.notEqual(part.supportHtml, true);
      }
    }
  });
});
