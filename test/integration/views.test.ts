// The ClaimLens views, Problems and export commands inside a real VS Code: what the Speakers,
// Claims and Orphaned annotations trees show for the seeds and for articles of our own, that
// selecting an item selects the claim in the editor, that a broken sidecar shows up in Problems,
// and that the export/import commands write what they promise.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ClaimsTreeNode } from '../../src/vscode/views/claimsTree';
import type { SpeakersTreeNode } from '../../src/vscode/views/speakersTree';
import { claimLens, HARBOUR_ARTICLE, openArticle, readSidecar, SEED_A, waitFor, workspaceFolder } from './editorHelpers';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

async function runItem(item: vscode.TreeItem): Promise<void> {
  assert.ok(item.command, `tree item "${labelOf(item)}" does nothing when selected`);
  await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
}

async function openSeed(): Promise<{ editor: vscode.TextEditor; document: vscode.TextDocument }> {
  const api = await claimLens();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), SEED_A));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await api.whenIdle(document);
  return { editor, document };
}

describe('ClaimLens views', () => {
  it('Claims lists the active article by verdict, with quote and speaker, and selecting one selects it', async () => {
    const api = await claimLens();
    const { document } = await openSeed();
    const trees = api.views.trees;
    await trees.whenRefreshed();
    const groups = trees.claims.getChildren();
    const byLabel = new Map(groups.map((g) => [labelOf(trees.claims.getTreeItem(g)), g]));
    // The seed's sidecar: 3 true, 2 unsupported, 1 unverified (and machine suggestions).
    for (const [label, count] of [['True', 3], ['Unsupported', 2], ['Unverified', 1]] as const) {
      const group = byLabel.get(label);
      assert.ok(group, `no "${label}" group in the Claims view (groups: ${[...byLabel.keys()].join(', ')})`);
      assert.equal(trees.claims.getChildren(group).length, count, `claims in "${label}"`);
    }
    const order = [...byLabel.keys()];
    assert.ok(order.indexOf('Unverified') < order.indexOf('True'), 'verdict groups are not in the order of the scale');
    const unsupported = trees.claims.getChildren(byLabel.get('Unsupported')).map((n) => ({ node: n, item: trees.claims.getTreeItem(n) }));
    const putin = unsupported.find((c) => c.node.type === 'claim' && c.node.text.includes('Putin really wants that'));
    assert.ok(putin, `the Zelensky quote is not listed: ${unsupported.map((c) => labelOf(c.item)).join(' | ')}`);
    assert.match(labelOf(putin.item), /^“He really wants to divide Europe/, 'the label is not the quote');
    assert.equal(putin.item.description, 'Volodymyr Zelensky');

    await runItem(putin.item);
    const node = putin.node as Extract<ClaimsTreeNode, { type: 'claim' }>;
    const expected = api.services.spanToRange(document, node.start, node.end);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), document.uri.toString());
    assert.ok(editor.selection.isEqual(new vscode.Selection(expected.start, expected.end)), `selection ${JSON.stringify(editor.selection)} is not the claim's range ${JSON.stringify(expected)}`);
    assert.match(document.getText(editor.selection), /Putin really wants that/);
  });

  it('Claims puts machine suggestions of an article of our own in their own group and follows a new verdict', async () => {
    const { uri, api, editor } = await openArticle(HARBOUR_ARTICLE);
    const trees = api.views.trees;
    await trees.whenRefreshed();
    const labels = () => trees.claims.getChildren().map((g) => labelOf(trees.claims.getTreeItem(g)));
    assert.deepEqual(labels(), ['Suggestions'], 'an article without a sidecar shows only suggestions');
    const suggestions = trees.claims.getChildren(trees.claims.getChildren()[0]);
    assert.ok(suggestions.length >= 2, `expected the harbour article's claims as suggestions, got ${suggestions.length}`);

    const target = suggestions.map((n) => n as Extract<ClaimsTreeNode, { type: 'claim' }>).find((n) => n.text.includes('cannot afford'));
    assert.ok(target, 'the mayor\'s quote is not suggested');
    await vscode.commands.executeCommand('claimlens.tagClaim', { uri: uri.toString(), claimId: target.claimId, verdict: 'false' });
    await waitFor(async () => { await trees.whenRefreshed(); return labels().includes('False'); }, 'a "False" group after tagging');
    const falseGroup = trees.claims.getChildren().find((g) => labelOf(trees.claims.getTreeItem(g)) === 'False')!;
    const [tagged] = trees.claims.getChildren(falseGroup);
    assert.ok(tagged && tagged.type === 'claim' && tagged.text.includes('cannot afford'));
    assert.equal(readSidecar(uri).claims.find((c) => c.anchor.exact.includes('cannot afford'))?.verdict, 'false');
    void editor;
  });

  it('Speakers lists the corpus with claim counts, documents under each speaker and their claims', async () => {
    const api = await claimLens();
    await openSeed();
    await api.whenIndexed();
    const trees = api.views.trees;
    await trees.whenRefreshed();
    const speakers = trees.speakers.getChildren() as Array<Extract<SpeakersTreeNode, { type: 'speaker' }>>;
    const macron = speakers.find((s) => s.name === 'Emmanuel Macron');
    assert.ok(macron, `Emmanuel Macron is not in the Speakers view: ${speakers.map((s) => s.name).slice(0, 20).join(', ')}`);
    assert.ok(macron.totalClaims >= 1, 'Macron has no claims counted');
    const item = trees.speakers.getTreeItem(macron);
    assert.match(String(item.description), /^\d+ claims? · \d+ documents?$/);
    const documents = trees.speakers.getChildren(macron);
    assert.equal(documents.length, macron.documents.length);
    const seedDoc = documents.find((d) => d.type === 'speaker-document' && d.documentUri.endsWith(SEED_A));
    assert.ok(seedDoc, 'the seed article is not under Macron');
    const claims = trees.speakers.getChildren(seedDoc);
    assert.equal(claims.length, (seedDoc as Extract<SpeakersTreeNode, { type: 'speaker-document' }>).claims, 'claims under the document do not match its count');
    // Most quoted first.
    for (let i = 1; i < speakers.length; i++) assert.ok(speakers[i - 1]!.totalClaims >= speakers[i]!.totalClaims, 'speakers are not sorted by claims');

    const first = claims[0] as Extract<SpeakersTreeNode, { type: 'speaker-claim' }>;
    await runItem(trees.speakers.getTreeItem(first));
    const editor = vscode.window.activeTextEditor!;
    assert.ok(editor.document.uri.toString().endsWith(SEED_A));
    assert.equal(api.services.rangeToSpan(editor.document, editor.selection).start, first.start, 'selecting a speaker\'s claim does not select it');

  });

  it('Orphaned annotations and Problems show a claim whose quote left the text, at its sidecar line', async () => {
    const api = await claimLens();
    const folder = vscode.Uri.joinPath(workspaceFolder(), 'it');
    const article = vscode.Uri.joinPath(folder, `orphan-${process.pid}.txt`);
    await vscode.workspace.fs.writeFile(article, new TextEncoder().encode('The council said the park would reopen in June.\n'));
    const sidecarText = [
      'version: 1',
      'document:',
      `  name: orphan-${process.pid}.txt`,
      'speakers: []',
      'claims:',
      '  - id: c-gone',
      '    speaker: null',
      '    kind: indirect',
      '    status: accepted',
      '    verdict: "false"',
      '    anchor:',
      '      exact: the tunnel would be finished by 2030',
      '      start: 10',
      '      end: 46',
      '      prefix: ""',
      '      suffix: ""',
      'stances: []',
      '',
    ].join('\n');
    const sidecar = vscode.Uri.joinPath(folder, `orphan-${process.pid}.txt.annotations.yaml`);
    await vscode.workspace.fs.writeFile(sidecar, new TextEncoder().encode(sidecarText));
    await api.services.store.reload(article.toString());
    const trees = api.views.trees;
    const documentNode = await waitFor(async () => {
      await trees.whenRefreshed();
      return trees.orphans.getChildren().find((d) => d.type === 'orphan-document' && d.documentUri === article.toString());
    }, 'the orphaned claim in the Orphaned annotations view');
    const [orphan] = trees.orphans.getChildren(documentNode);
    assert.ok(orphan && orphan.type === 'orphan');
    assert.equal(orphan.finding.line, 6, 'the orphan is not located at its "- id:" line');
    const item = trees.orphans.getTreeItem(orphan);
    assert.match(labelOf(item), /tunnel would be finished/);
    assert.match(String((item.tooltip as vscode.MarkdownString).value), /no longer in/);

    await runItem(item);
    const editor = await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === sidecar.toString() && vscode.window.activeTextEditor, 'the sidecar opened');
    assert.equal(editor.selection.active.line, 5, 'the sidecar is not opened at the claim');

    await api.views.problems.whenUpdated();
    const diagnostics = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(sidecar).filter((d) => d.code === 'orphan');
      return found.length ? found : undefined;
    }, 'an orphan warning in Problems');
    assert.equal(diagnostics[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostics[0]!.range.start.line, 5);
    assert.deepEqual(vscode.languages.getDiagnostics(sidecar).filter((d) => d.code !== 'orphan'), [], 'the orphan test sidecar itself has problems');
  });

  it('Problems shows a broken sidecar written into the workspace as an error at its line', async () => {
    const api = await claimLens();
    const folder = vscode.Uri.joinPath(workspaceFolder(), 'it');
    const article = vscode.Uri.joinPath(folder, `broken-${process.pid}.txt`);
    await vscode.workspace.fs.writeFile(article, new TextEncoder().encode('The minister said taxes would fall.\n'));
    const sidecar = vscode.Uri.joinPath(folder, `broken-${process.pid}.txt.annotations.yaml`);
    // Line 4 opens a flow sequence that never closes.
    fs.writeFileSync(sidecar.fsPath, ['version: 1', 'document:', `  name: broken-${process.pid}.txt`, 'speakers: [', 'claims: []', 'stances: []', ''].join('\n'));
    const errors = await waitFor(async () => {
      await api.views.problems.whenUpdated();
      const found = vscode.languages.getDiagnostics(sidecar).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      return found.length ? found : undefined;
    }, 'an error on the broken sidecar in Problems (the file watcher reloads it)', 15_000);
    assert.equal(errors[0]!.source, 'ClaimLens');
    assert.match(errors[0]!.message, /YAML/);
    assert.ok(errors[0]!.range.start.line >= 3, `the error is not at the broken line: ${errors[0]!.range.start.line + 1}`);

    // Fixed on disk → the problem goes away.
    fs.writeFileSync(sidecar.fsPath, ['version: 1', 'document:', `  name: broken-${process.pid}.txt`, 'speakers: []', 'claims: []', 'stances: []', ''].join('\n'));
    await waitFor(async () => {
      await api.views.problems.whenUpdated();
      return vscode.languages.getDiagnostics(sidecar).length === 0;
    }, 'the error to disappear once the sidecar is fixed', 15_000);
  });

  it('lists unverified claims as information on the article when claimlens.problems.unverifiedClaims is on', async () => {
    const api = await claimLens();
    const { document } = await openSeed();
    const config = vscode.workspace.getConfiguration('claimlens');
    await config.update('problems.unverifiedClaims', true, vscode.ConfigurationTarget.Global);
    try {
      const infos = await waitFor(async () => {
        await api.views.problems.whenUpdated();
        const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.code === 'unverified');
        return found.length ? found : undefined;
      }, 'unverified claims in Problems');
      assert.equal(infos.length, 1, 'the seed has one unverified claim');
      assert.equal(infos[0]!.severity, vscode.DiagnosticSeverity.Information);
    } finally {
      await config.update('problems.unverifiedClaims', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(async () => {
      await api.views.problems.whenUpdated();
      return vscode.languages.getDiagnostics(document.uri).every((d) => d.code !== 'unverified');
    }, 'the information to go when the setting is off');
  });
});

describe('ClaimLens export and import commands', () => {
  const out = () => vscode.Uri.joinPath(workspaceFolder(), 'it', 'exports');
  const seed = () => vscode.Uri.joinPath(workspaceFolder(), SEED_A);

  it('exports a seed as ClaimReview, Web Annotation, brat and CSV to the given target', async () => {
    await claimLens();
    const targets = {
      claimreview: vscode.Uri.joinPath(out(), 'seed.claimreview.jsonld'),
      webannotation: vscode.Uri.joinPath(out(), 'seed.jsonld'),
      brat: vscode.Uri.joinPath(out(), 'seed.ann'),
      csv: vscode.Uri.joinPath(out(), 'seed.csv'),
    };
    await vscode.workspace.fs.createDirectory(out());
    const review = await vscode.commands.executeCommand<{ items: number; target: string }>('claimlens.exportClaimReview', { uri: seed(), target: targets.claimreview });
    assert.ok(review, 'the ClaimReview export failed');
    const reviews = JSON.parse(fs.readFileSync(targets.claimreview.fsPath, 'utf8')) as Array<Record<string, unknown>>;
    assert.equal(reviews.length, 5, 'one ClaimReview per reviewed claim (3 true, 2 unsupported)');
    assert.equal(review.items, 5);
    assert.ok(reviews.every((r) => r['@type'] === 'ClaimReview' && typeof r.claimReviewed === 'string'));

    await vscode.commands.executeCommand('claimlens.exportWebAnnotation', { uri: seed().toString(), target: targets.webannotation.toString() });
    const collection = JSON.parse(fs.readFileSync(targets.webannotation.fsPath, 'utf8')) as { type: string; first?: { items: unknown[] }; items?: unknown[] };
    assert.match(JSON.stringify(collection), /TextQuoteSelector/);
    assert.match(JSON.stringify(collection), /AnnotationCollection/);

    await vscode.commands.executeCommand('claimlens.exportBrat', { uri: seed(), target: targets.brat });
    const ann = fs.readFileSync(targets.brat.fsPath, 'utf8');
    assert.match(ann, /^T\d+\tContent \d+ \d+\t/m);
    assert.match(ann, /^E\d+\t/m);

    await vscode.commands.executeCommand('claimlens.exportCsv', { uri: seed(), target: targets.csv });
    const csv = fs.readFileSync(targets.csv.fsPath, 'utf8').split('\r\n');
    assert.match(csv[0]!, /^document,id,speaker/);
    assert.equal(csv.filter((l) => l.trim()).length, 1 + readSidecar(seed()).claims.length);
  });

  it('refuses to export an article without annotations, with a result of undefined', async () => {
    const { uri } = await openArticle('Nobody said anything here.\n');
    const result = await vscode.commands.executeCommand('claimlens.exportCsv', { uri, target: vscode.Uri.joinPath(out(), 'none.csv') });
    assert.equal(result, undefined);
    assert.ok(!fs.existsSync(vscode.Uri.joinPath(out(), 'none.csv').fsPath), 'an export was written for an article without annotations');
  });

  it('imports a brat .ann of our own as a sidecar through the store', async () => {
    const api = await claimLens();
    const folder = vscode.Uri.joinPath(workspaceFolder(), 'it', 'brat');
    const text = 'Mayor Tom Baker said the bridge would open in May.\n';
    const textUri = vscode.Uri.joinPath(folder, 'bridge.txt');
    const annUri = vscode.Uri.joinPath(folder, 'bridge.ann');
    const at = (s: string) => [text.indexOf(s), text.indexOf(s) + s.length] as const;
    const [s0, s1] = at('Mayor Tom Baker');
    const [c0, c1] = at('said');
    const [t0, t1] = at('the bridge would open in May');
    const annText = [
      `T1\tSource ${s0} ${s1}\tMayor Tom Baker`,
      `T2\tCue ${c0} ${c1}\tsaid`,
      `T3\tContent ${t0} ${t1}\tthe bridge would open in May`,
      `T4\tAttribution ${c0} ${c1}\tsaid`,
      'E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(textUri, new TextEncoder().encode(text));
    await vscode.workspace.fs.writeFile(annUri, new TextEncoder().encode(annText));
    const result = await vscode.commands.executeCommand<{ claims: number; speakers: number }>('claimlens.importBrat', { annUri });
    assert.ok(result, 'the import failed');
    assert.equal(result.claims, 1);
    const sidecar = readSidecar(textUri);
    assert.equal(sidecar.claims[0]!.anchor.exact, 'the bridge would open in May');
    assert.equal(sidecar.speakers.find((s) => s.id === sidecar.claims[0]!.speaker)?.name, 'Mayor Tom Baker');
    assert.ok(api.services.store.get(textUri.toString())?.sidecar, 'the store does not know the imported sidecar');

    // A second import does not overwrite it without {replace: true}.
    const again = await vscode.commands.executeCommand('claimlens.importBrat', { annUri, textUri });
    assert.equal(again, undefined);
  });
});
