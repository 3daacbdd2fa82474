// Offsets between code points (sidecars) and UTF-16 (VS Code): emoji, astral letters and combining
// marks before a claim, tagged through the command with a vscode.Range.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openArticle, rangeOf, readSidecar, waitFor } from './editorHelpers';

const CLAIM = 'the new bridge would cost twice as much as the old one';
const ARTICLE = `Harbour news 😀👩‍👩‍👧 𝔘𝔫𝔦 Cafe\u0301\n\nCouncil member Jane Roe 🇫🇷 said on Monday that ${CLAIM}.\n`;

describe('astral characters before a claim', () => {
  it('tagging through claimlens.tagClaim stores code-point offsets, and the highlight sits on the claim', async () => {
    const { editor, uri, api } = await openArticle(ARTICLE);
    const document = editor.document;
    const range = rangeOf(document, CLAIM);
    const result = await vscode.commands.executeCommand<{ claimId?: string }>('claimlens.tagClaim', { uri, range, verdict: 'false' });
    assert.ok(result?.claimId, 'the claim was not tagged');
    const claim = readSidecar(uri).claims.find((c) => c.id === result.claimId)!;
    const utf16 = ARTICLE.indexOf(CLAIM);
    const codePoints = [...ARTICLE.slice(0, utf16)].length;
    assert.notEqual(codePoints, utf16, 'the test text must have astral characters before the claim');
    assert.equal(claim.anchor.start, codePoints);
    assert.equal(claim.anchor.end, codePoints + [...CLAIM].length);
    assert.equal(claim.anchor.exact, CLAIM);
    // The highlight: in VS Code positions (UTF-16), exactly the selected range.
    const highlighted = await waitFor(() => {
      const ranges = Object.entries(api.decorationsFor(editor)).filter(([kind]) => kind.startsWith('claim')).flatMap(([, r]) => r);
      return ranges.find((r) => r.isEqual(range));
    }, 'the tagged claim to be highlighted at its range');
    assert.equal(document.getText(highlighted), CLAIM);
  });
});
