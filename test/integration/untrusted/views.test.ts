// Restricted Mode and the export/import commands: they write nothing and resolve with undefined
// (the warning message says why), while the views still show the annotations.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { claimLens, SEED_A, workspaceFolder } from '../editorHelpers';

describe('ClaimLens exports and views in an untrusted workspace', () => {
  it('refuses exports and imports without writing, and still lists the claims', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner should open this suite untrusted');
    const api = await claimLens();
    const seed = vscode.Uri.joinPath(workspaceFolder(), SEED_A);
    for (const command of ['claimlens.exportClaimReview', 'claimlens.exportWebAnnotation', 'claimlens.exportBrat', 'claimlens.exportCsv']) {
      const target = vscode.Uri.joinPath(workspaceFolder(), `refused-${command}.out`);
      const result = await vscode.commands.executeCommand(command, { uri: seed, target });
      assert.equal(result, undefined, `${command} did not refuse`);
      assert.ok(!fs.existsSync(target.fsPath), `${command} wrote ${target.fsPath} in Restricted Mode`);
    }
    const ann = vscode.Uri.joinPath(workspaceFolder(), 'refused.ann');
    const text = vscode.Uri.joinPath(workspaceFolder(), 'refused.txt');
    fs.writeFileSync(text.fsPath, 'Jane Roe said the bridge is safe.\n');
    fs.writeFileSync(ann.fsPath, 'T1\tSource 0 8\tJane Roe\nT2\tCue 9 13\tsaid\nT3\tContent 14 33\tthe bridge is safe.\nE1\tAttribution:T2 Content:T3 Source:T1\n');
    assert.equal(await vscode.commands.executeCommand('claimlens.importBrat', { annUri: ann, textUri: text }), undefined);
    assert.ok(!fs.existsSync(`${text.fsPath}.annotations.yaml`), 'the import wrote a sidecar in Restricted Mode');

    const document = await vscode.workspace.openTextDocument(seed);
    await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    await api.views.trees.whenRefreshed();
    assert.ok(api.views.trees.claims.getChildren().length >= 3, 'the Claims view is empty in Restricted Mode');
  });
});
