// An editor that never waits: a large article shows the highlights of the part on screen first
// (a provisional analysis) until the whole-document analysis replaces them; an edit updates the
// highlights at once, from the paragraphs around it, before the whole document is analysed again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DocumentAnalysis } from '../../src/vscode/analysis';
import { claimLens, HARBOUR_ARTICLE, openArticle, rangeOf, waitFor, workspaceFolder } from './editorHelpers';

/** What the analysis said each time it changed for one document. */
function recordAnalyses(api: Awaited<ReturnType<typeof claimLens>>, uri: vscode.Uri): { seen: DocumentAnalysis[]; dispose(): void } {
  const seen: DocumentAnalysis[] = [];
  const subscription = api.services.onDidChangeAnalysis((changed) => {
    if (changed?.toString() !== uri.toString()) return;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const analysis = document && api.services.analysis.current(document);
    if (analysis) seen.push(analysis);
  });
  return { seen, dispose: () => subscription.dispose() };
}

const hasClaim = (analysis: DocumentAnalysis, words: string): boolean => analysis.extraction.claims.some((c) => c.text.includes(words));

describe('Highlights that never wait for the whole analysis', () => {
  it('shows the part on screen of a long article at once, then the whole-document analysis', async () => {
    const api = await claimLens();
    // About 70 KB of our own reporting: far more than the window analysed around the screen.
    const paragraphs: string[] = ['Harbour diary'];
    for (let i = 1; i <= 300; i++) {
      paragraphs.push(`"The ferry ran ${i} minutes late on Tuesday," said Tom Baker, the harbour master. Passengers waited on pier ${i % 7} in the rain.`);
    }
    paragraphs.push('"The lighthouse will stay open all winter," said Nadia Perez, the coast guard commander.');
    const uri = vscode.Uri.joinPath(workspaceFolder(), 'it', `long-${process.pid}.txt`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(paragraphs.join('\n\n') + '\n'));
    // The whole-document analysis runs on a worker thread, one document at a time: another large
    // article opened just before keeps it busy, so the long article cannot be analysed whole
    // before it is shown, however fast the machine.
    const busy = vscode.Uri.joinPath(workspaceFolder(), 'it', `busy-${process.pid}.txt`);
    await vscode.workspace.fs.writeFile(busy, new TextEncoder().encode(paragraphs.join('\n\n').repeat(4) + '\n'));
    await vscode.workspace.openTextDocument(busy);
    const recorder = recordAnalyses(api, uri);
    try {
      const editor = await vscode.window.showTextDocument(uri);
      const document = editor.document;
      await api.whenIdle(document);
      const first = recorder.seen[0];
      assert.ok(first, 'no analysis was published for the long article');
      assert.equal(first.provisional, true, 'the first highlights were not the provisional ones of the screen');
      assert.ok(hasClaim(first, 'ran 1 minutes late'), 'the provisional analysis misses the claim at the top of the screen');
      assert.ok(!hasClaim(first, 'lighthouse'), 'the provisional analysis went through the whole article');

      const last = recorder.seen[recorder.seen.length - 1]!;
      assert.equal(last.provisional, false, 'the whole-document analysis did not replace the provisional one');
      assert.equal(api.services.analysis.current(document)?.provisional, false);
      assert.ok(hasClaim(last, 'lighthouse'), 'the whole-document analysis misses the last paragraph');
      // Its highlights reach the end of the article, with the offsets the text has (the whole text is analysed by then).
      const far = rangeOf(document, '"The lighthouse will stay open all winter,"');
      // A whole update goes out in short tasks, what is on screen first: the end of a long article may come a moment later.
      await waitFor(() => api.decorationsFor(editor).suggestion?.some((r) => r.isEqual(far)), 'the last paragraph to be highlighted');
      const speakers = Object.entries(api.decorationsFor(editor)).filter(([kind]) => kind.startsWith('speaker')).flatMap(([, ranges]) => ranges);
      assert.ok(speakers.some((r) => document.getText(r) === 'Nadia Perez'), 'Nadia Perez is not highlighted as a speaker');
    } finally {
      recorder.dispose();
    }
  });

  it('follows an edit at once, from the paragraphs around it, before the whole document is analysed again', async () => {
    const { editor, api } = await openArticle(HARBOUR_ARTICLE);
    const document = editor.document;
    const kindsOf = (words: string): string[] => {
      const range = rangeOf(document, words);
      return Object.entries(api.decorationsFor(editor)).filter(([, ranges]) => ranges.some((r) => r.isEqual(range))).map(([kind]) => kind).sort();
    };
    const bakerBefore = kindsOf('Tom Baker');
    assert.ok(bakerBefore.some((k) => k.startsWith('speaker')), 'Tom Baker is not highlighted before the edit');

    const recorder = recordAnalyses(api, document.uri);
    try {
      const typed = '“The tunnel will open next spring,” said Ana Silva, the city engineer.\n\n';
      await editor.edit((edit) => edit.insert(new vscode.Position(2, 0), typed));
      // The first analysis of the edited text is the one made at once around the edit.
      const first = recorder.seen[0];
      assert.ok(first, 'the edit published no analysis');
      assert.equal(first.version, document.version);
      assert.equal(first.provisional, true, 'the first analysis after the edit was not the immediate one');
      assert.ok(hasClaim(first, 'The tunnel will open next spring'), 'the quote typed is not in the analysis made at once');
      // Its highlights are there, and everything else kept its highlight at its new place.
      const quote = rangeOf(document, '“The tunnel will open next spring,”');
      assert.ok(api.decorationsFor(editor).suggestion?.some((r) => r.isEqual(quote)), 'the quote typed is not highlighted at once');
      assert.ok(kindsOf('Ana Silva').some((k) => k.startsWith('speaker')), 'the speaker typed is not highlighted at once');
      assert.deepEqual(kindsOf('Tom Baker'), bakerBefore, 'a speaker elsewhere lost or changed its highlight');
      assert.ok(api.decorationsFor(editor).suggestion?.some((r) => document.getText(r).includes('the new bridge would cost')), 'a claim elsewhere lost its highlight');

      // The whole-document analysis follows and keeps it.
      await api.whenIdle(document);
      assert.equal(api.services.analysis.current(document)?.provisional, false);
      assert.ok(api.decorationsFor(editor).suggestion?.some((r) => r.isEqual(quote)), 'the whole-document analysis lost the quote typed');
    } finally {
      recorder.dispose();
    }
  });

  it('drops the highlight of a quote deleted, at once', async () => {
    const { editor, api } = await openArticle(HARBOUR_ARTICLE);
    const document = editor.document;
    const quote = rangeOf(document, '“We cannot afford another delay on the bridge,”');
    assert.ok(api.decorationsFor(editor).suggestion?.some((r) => r.isEqual(quote)), 'the quote is not highlighted before the edit');
    await editor.edit((edit) => edit.delete(document.lineAt(quote.start.line).range));
    assert.ok(!api.decorationsFor(editor).suggestion?.some((r) => document.getText(r).includes('another delay')), 'the deleted quote is still highlighted');
    assert.ok(!(api.decorationsFor(editor).suggestion ?? []).some((r) => r.end.line >= document.lineCount), 'a highlight points past the end of the text');
  });
});
