// The foundation's promise, checked inside a real VS Code: with the seeds folder open the extension
// activates on its own, every command it contributes is registered, and a language feature
// answers through VS Code's own command API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { screenshot, screenshotsEnabled } from './screenshot';

const EXTENSION_ID = 'claimlens.claimlens';
const SEED = '000_02db67045c6df099.txt';

async function openSeed(): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code opened without a workspace folder; the runner should open a copy of seeds/');
  return vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, SEED));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function hoverText(hover: vscode.Hover): string {
  return hover.contents.map((part) => (typeof part === 'string' ? part : part.value)).join('\n');
}

describe('ClaimLens inside VS Code', () => {
  it('activates by itself once a seed article is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    await vscode.window.showTextDocument(await openSeed());
    // Deliberately not calling extension.activate(): the manifest's activation events must do it.
    assert.ok(await waitFor(() => extension.isActive, 10_000), 'the extension did not activate within 10 s of opening a seed');
  });

  it('registers every command its manifest contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed: string[] = (extension.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed commands missing from VS Code');
  });

  it('answers a hover over a speaker name through vscode.executeHoverProvider', async () => {
    const document = await openSeed();
    const text = document.getText();
    const offset = text.indexOf('Macron');
    assert.ok(offset >= 0, `${SEED} no longer mentions Macron`);
    const position = document.positionAt(offset + 2); // inside the word
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    // A bare VS Code has no hover for plain text, so any hover here comes from ClaimLens.
    assert.ok(hovers.length > 0, 'no hover over "Macron"');
    const shown = hovers.map(hoverText).join('\n');
    assert.match(shown, /Macron/, `the hover does not mention Macron: ${shown}`);

    if (screenshotsEnabled()) {
      // The hover card as a person sees it.
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
      await vscode.commands.executeCommand('editor.action.showHover');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await screenshot('seed-hover');
    }
  });
});
