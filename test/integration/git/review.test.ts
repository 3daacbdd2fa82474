// "Review Annotation Changes" in a Git repository: the runner commits the seeds (with their
// sidecars) in a fresh repository; the test changes a verdict through the tagging command and
// reviews the working tree against HEAD.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewOutcome } from '../../../src/vscode/review';
import { claimLens, readSidecar, SEED_A, waitFor, workspaceFolder } from '../editorHelpers';
import { cropPng } from '../pngCrop';
import { screenshot, screenshotsEnabled } from '../screenshot';

/** The workbench below the title bar and above the status bar, right of the activity bar. */
const README_CROP = { x: 48, y: 36, width: 1352, height: 840 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Review Annotation Changes in a Git repository', () => {
  // This workspace holds the two seeds and nothing else, which makes it the place to photograph the views.
  it('shows the seeds\' speakers across both articles and the active article\'s claims', async function () {
    this.timeout(90_000);
    const api = await claimLens();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
    await vscode.window.showTextDocument(document, { preview: false });
    await api.whenIdle(document);
    await api.whenIndexed();
    const trees = api.views.trees;
    await trees.whenRefreshed();
    const macron = trees.speakers.speakers().find((s) => s.name === 'Emmanuel Macron');
    assert.ok(macron, 'Emmanuel Macron is not in the Speakers view');
    assert.deepEqual(macron.documents.map((d) => d.uri.slice(d.uri.lastIndexOf('/') + 1)).sort(), [SEED_A, '002_9d82fa3110da9c7e.txt'], 'Macron speaks in both seeds (and nowhere else)');
    assert.ok(trees.claims.getChildren().length >= 3, 'the Claims view has fewer than three groups for the seed');
    if (!screenshotsEnabled()) return;
    await vscode.workspace.getConfiguration('editor').update('wordWrap', 'on', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.claimlens');
      await vscode.commands.executeCommand('claimlens.claims.focus');
      // With the side bar focused, this moves the sash so the side bar is wide enough for labels and counts.
      for (let i = 0; i < 5; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
      await trees.speakersView.reveal(macron, { expand: 2, select: false, focus: false });
      for (const group of trees.claims.getChildren()) if (group.type === 'claim-group' && group.group !== '(suggestions)') await trees.claimsView.reveal(group, { expand: true, select: false, focus: false });
      const editor = vscode.window.activeTextEditor!;
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
      await pause(800);
      // Without the window's title bar and status bar; 16 levels per channel keep the file small.
      const views = await screenshot('views');
      if (views) cropPng(views, README_CROP, 16);
    } finally {
      await vscode.workspace.getConfiguration('editor').update('wordWrap', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('lists a changed verdict (old → new, the claim\'s words), reveals it and marks it in the editor', async function () {
    // The first review waits for the built-in Git extension to start and open the repository.
    this.timeout(90_000);
    const started = Date.now();
    const step = (what: string) => console.log(`${process.env.CLAIMLENS_TEST_LOG_TAG ?? ''}      … ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const api = await claimLens();
    const uri = vscode.Uri.joinPath(workspaceFolder(), SEED_A);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    await api.whenIdle(document);
    step('article open');

    step('reviewing the clean repository');
    const clean = await vscode.commands.executeCommand<ReviewOutcome>('claimlens.reviewChanges', { ref: 'HEAD' });
    assert.ok(clean?.ok, `review against HEAD failed: ${JSON.stringify(clean)}`);
    assert.equal(clean.documents, 0, 'a freshly committed workspace has no annotation changes');

    const unverified = readSidecar(uri).claims.find((c) => c.verdict === 'unverified');
    assert.ok(unverified, 'the seed has no unverified claim to change');
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri: uri.toString(), claimId: unverified.id, verdict: 'false' });
    assert.equal(readSidecar(uri).claims.find((c) => c.id === unverified.id)?.verdict, 'false');

    step('reviewing the changed verdict');
    const outcome = await vscode.commands.executeCommand<ReviewOutcome>('claimlens.reviewChanges', { ref: 'HEAD' });
    assert.ok(outcome?.ok, `review failed: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.documents, 1);
    const review = api.views.review;
    const [documentNode] = review.tree.getChildren();
    assert.ok(documentNode && documentNode.type === 'review-document');
    assert.equal(documentNode.document.documentUri.toString(), uri.toString());
    const claimNodes = review.tree.getChildren(documentNode).filter((n) => n.type === 'review-claim');
    const changed = claimNodes.find((n) => n.type === 'review-claim' && n.claim.claimId === unverified.id);
    assert.ok(changed, 'the re-tagged claim is not in the Annotation Changes view');
    const item = review.tree.getTreeItem(changed);
    assert.equal(item.description, 'Unverified → False');
    const words = unverified.anchor.exact.replace(/\s+/g, ' ').slice(1, 20);
    assert.ok(String(typeof item.label === 'string' ? item.label : item.label?.label).includes(words), `the item does not quote the claim: ${JSON.stringify(item.label)}`);

    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri.toString());
    const span = api.services.rangeToSpan(editor.document, editor.selection);
    const live = api.services.claimsIn(editor.document).find((c) => c.claim?.id === unverified.id)!;
    assert.deepEqual(span, { start: live.start, end: live.end }, 'selecting the change does not select the claim');

    step('waiting for the editor marks');
    await review.whenIdle();
    const marked = await waitFor(() => {
      const ranges = review.decorationsFor(editor);
      return ranges.length ? ranges : undefined;
    }, 'the changed claim marked in the editor');
    assert.equal(marked.length, 1);
    assert.ok(marked[0]!.isEqual(api.services.spanToRange(editor.document, live.start, live.end)));

    if (screenshotsEnabled()) {
      await vscode.workspace.getConfiguration('editor').update('wordWrap', 'on', vscode.ConfigurationTarget.Global);
      try {
        await vscode.commands.executeCommand('workbench.view.extension.claimlens');
        // Room for the Annotation Changes view: the other trees collapsed, a wider side bar.
        await vscode.commands.executeCommand('workbench.actions.treeView.claimlens.claims.collapseAll');
        await vscode.commands.executeCommand('workbench.actions.treeView.claimlens.speakers.collapseAll');
        await vscode.commands.executeCommand('claimlens.annotationChanges.focus');
        await review.view.reveal(changed, { select: true, focus: true });
        editor.selection = new vscode.Selection(marked[0]!.start, marked[0]!.start);
        editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
        await vscode.commands.executeCommand('notifications.clearAll');
        await pause(800);
        const changes = await screenshot('annotation-changes');
        if (changes) cropPng(changes, README_CROP, 16);
      } finally {
        await vscode.workspace.getConfiguration('editor').update('wordWrap', undefined, vscode.ConfigurationTarget.Global);
      }
    }
  });

  it('says so when the ref does not exist', async () => {
    await claimLens();
    const outcome = await vscode.commands.executeCommand<ReviewOutcome>('claimlens.reviewChanges', { ref: 'no-such-branch-xyz' });
    assert.ok(outcome && !outcome.ok, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.reason, 'unknown-ref', outcome.message);
  });
});
