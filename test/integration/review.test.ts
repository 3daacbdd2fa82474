// "Review Annotation Changes" outside a Git repository (the main suite's workspace is a plain
// folder): the command answers why it cannot compare instead of failing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewOutcome } from '../../src/vscode/review';
import { claimLens } from './editorHelpers';

describe('Review Annotation Changes outside Git', () => {
  it('says the workspace is not in a Git repository and leaves the view empty', async () => {
    const api = await claimLens();
    const outcome = await vscode.commands.executeCommand<ReviewOutcome>('claimlens.reviewChanges', { ref: 'HEAD' });
    assert.ok(outcome && !outcome.ok, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.ok(outcome.reason === 'not-a-repository' || outcome.reason === 'no-git', `unexpected reason ${outcome.reason}`);
    assert.match(outcome.message, /Git/);
    assert.equal(api.views.review.current(), undefined);
    assert.deepEqual(api.views.review.tree.getChildren(), []);
  });
});
