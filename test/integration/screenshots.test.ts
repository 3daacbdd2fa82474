// Pictures for the README, taken from the running VS Code when CLAIMLENS_SCREENSHOTS is set
// (test/integration/screenshot.ts): a seed with its highlights, and the speaker hover card. The
// test itself always runs (cheap) and checks that there is something to photograph.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { claimLens, rangeOf, SEED_A, workspaceFolder } from './editorHelpers';
import { cropPng } from './pngCrop';
import { screenshot, screenshotsEnabled } from './screenshot';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Screenshots for the README', () => {
  it('photographs a seed with highlights and the speaker hover card', async () => {
    const api = await claimLens();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    await api.whenIndexed();
    await api.whenIdle(document);
    assert.ok(Object.keys(api.decorationsFor(editor)).length > 0, 'nothing highlighted to photograph');
    if (!screenshotsEnabled()) return;

    // Long lines wrap, so a whole paragraph is visible; the sidebar stays out of the picture.
    await vscode.workspace.getConfiguration('editor').update('wordWrap', 'on', vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('editor').update('minimap.enabled', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    try {
      editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await pause(500);
      // The editor's text area (without the activity bar and tabs), posterised to keep it small.
      const highlights = await screenshot('highlights');
      if (highlights) cropPng(highlights, { x: 48, y: 90, width: 1352, height: 650 }, 16);

      const position = rangeOf(document, 'Macron').start.translate(0, 2);
      editor.selection = new vscode.Selection(position, position);
      await vscode.commands.executeCommand('editor.action.showHover');
      await pause(800);
      const hover = await screenshot('speaker-hover');
      if (hover) cropPng(hover, { x: 48, y: 90, width: 1160, height: 400 }, 16);
    } finally {
      await vscode.workspace.getConfiguration('editor').update('wordWrap', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('editor').update('minimap.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
