// Restricted Mode (an untrusted folder): ClaimLens still shows highlights and hover cards, but every
// command that would write refuses with a message, and no sidecar is written or changed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { claimLens, HARBOUR_ARTICLE, hoversAt, hoverText, rangeOf, SEED_A, sidecarPath, waitFor, workspaceFolder } from '../editorHelpers';

describe('ClaimLens in an untrusted workspace', () => {
  it('runs in Restricted Mode and still shows highlights and hover cards', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner should open this suite untrusted');
    const api = await claimLens();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    const editor = await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    assert.ok(Object.keys(api.decorationsFor(editor)).some((kind) => kind.startsWith('speaker')), 'no speaker highlighted');
    const shown = hoverText(await hoversAt(document, rangeOf(document, 'Macron').start));
    assert.match(shown, /Emmanuel Macron/, shown);
  });

  it('refuses every command that writes, and writes nothing', async () => {
    const api = await claimLens();
    // Node's fs: ClaimLens itself must not write here.
    const uri = vscode.Uri.joinPath(workspaceFolder(), `untrusted-${process.pid}.txt`);
    fs.writeFileSync(uri.fsPath, HARBOUR_ARTICLE);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    const range = rangeOf(document, 'the ferry service would end in May');
    const seedSidecar = `${vscode.Uri.joinPath(workspaceFolder(), SEED_A).fsPath}.annotations.yaml`;
    const seedBefore = fs.existsSync(seedSidecar) ? fs.readFileSync(seedSidecar, 'utf8') : undefined;
    const attempts: Array<[string, unknown]> = [
      ['claimlens.tagClaim', { uri, range, verdict: 'false' }],
      ['claimlens.addSource', { uri, range, url: 'https://example.org/' }],
      ['claimlens.addNote', { uri, range, note: 'x' }],
      ['claimlens.setSpeaker', { uri, range, speaker: 'Someone' }],
      ['claimlens.setStance', { uri, speaker: 'tom-baker', target: 'bridges', polarity: 'support' }],
      ['claimlens.acceptSuggestions', { uri }],
      ['claimlens.mergeSpeakers', { ids: ['emmanuel-macron', 'macron'] }],
    ];
    for (const [command, args] of attempts) {
      assert.equal(await vscode.commands.executeCommand(command, args), undefined, `${command} did something in Restricted Mode`);
    }
    assert.equal(fs.existsSync(sidecarPath(uri)), false, 'a sidecar was written in Restricted Mode');
    assert.equal(fs.existsSync(seedSidecar) ? fs.readFileSync(seedSidecar, 'utf8') : undefined, seedBefore, 'a seed sidecar changed');
    // Saving an edited document does not re-anchor (write) either.
    const seed = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    const editor = await vscode.window.showTextDocument(seed);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'Inserted line.\n'));
    await seed.save();
    await waitFor(() => !seed.isDirty, 'the seed to be saved');
    await new Promise((resolve) => setTimeout(resolve, 500)); // a re-anchoring write would have happened by now
    assert.equal(fs.existsSync(seedSidecar) ? fs.readFileSync(seedSidecar, 'utf8') : undefined, seedBefore, 'saving re-anchored the sidecar in Restricted Mode');
  });
});
