// A crafted sidecar cannot put live links or HTML into hover cards: text from documents and
// sidecars is escaped, and the only links are http(s) sources and ClaimLens' own commands.
// (Runs in Restricted Mode: reading and hovering work there; see trust.test.ts for writing.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { claimLens, HARBOUR_ARTICLE, hoversAt, hoverText, rangeOf, workspaceFolder } from '../editorHelpers';

const QUOTE = 'the ferry service would end in May';

function craftedSidecar(name: string): string {
  const start = [...HARBOUR_ARTICLE.slice(0, HARBOUR_ARTICLE.indexOf(QUOTE))].length;
  return [
    'version: 1',
    'document:',
    `  name: ${name}`,
    'speakers:',
    '  - id: evil',
    '    name: "[Evil](command:workbench.action.quit) <b>bold</b>"',
    '    kind: organization',
    '    role: "![img](https://example.org/x.png)"',
    '    aliases: []',
    'claims:',
    '  - id: c-ferry',
    '    anchor:',
    `      exact: ${QUOTE}`,
    '      prefix: "The harbour authority warned that "',
    '      suffix: ".\\n"',
    `      start: ${start}`,
    `      end: ${start + QUOTE.length}`,
    '    speaker: evil',
    '    kind: indirect',
    '    status: accepted',
    '    verdict: "false"',
    '    rationale: "[quit](command:workbench.action.quit) and [[x]](command:workbench.action.quit)"',
    '    note: "<img src=x onerror=alert(1)> <a href=\\"command:workbench.action.quit\\">y</a> *bold* `code`"',
    '    sources:',
    '      - url: "javascript:alert(1)"',
    '        title: "[click me](command:workbench.action.quit)"',
    '      - url: "command:workbench.action.quit"',
    '      - url: https://example.org/report',
    '        title: "Report](command:workbench.action.quit)"',
    '    tags: ["<script>alert(1)</script>", "](command:x)"]',
    '    author: "<img src=x>"',
    'stances: []',
    '',
  ].join('\n');
}

describe('hover cards with a crafted sidecar', () => {
  it('show the text, escaped, with only http(s) links and ClaimLens commands', async () => {
    const api = await claimLens();
    const name = `crafted-${process.pid}.txt`;
    const uri = vscode.Uri.joinPath(workspaceFolder(), name);
    fs.writeFileSync(uri.fsPath, HARBOUR_ARTICLE);
    fs.writeFileSync(`${uri.fsPath}.annotations.yaml`, craftedSidecar(name));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await api.whenIdle(document);
    const hovers = await hoversAt(document, rangeOf(document, QUOTE).start.translate(0, 5));
    const shown = hoverText(hovers);
    assert.match(shown, /Verdict/, `no claim card:\n${shown}`);
    // The crafted text is there, as text.
    assert.match(shown, /quit/);
    assert.match(shown, /onerror/);
    // No live link other than http(s) and claimlens.* commands.
    const targets = [...shown.matchAll(/\]\(\s*<?([^)\s>]+)/g)].map((m) => m[1]!);
    assert.ok(targets.length > 0, 'the card should still offer its own links');
    for (const target of targets) {
      assert.match(target, /^(https?:\/\/|command:claimlens\.)/, `a live link to ${target} in:\n${shown}`);
    }
    assert.doesNotMatch(shown, /(?<!\\)<(img|a|b|script)\b/i, 'raw HTML reached the hover');
    assert.doesNotMatch(shown, /\]\(javascript:/i);
    assert.doesNotMatch(shown, /\]\(command:workbench/);
    // The one real source is a link; the javascript: and command: ones are plain text.
    assert.match(shown, /\]\(https:\/\/example\.org\/report\)/);
    for (const hover of hovers) {
      for (const part of hover.contents) {
        if (part instanceof vscode.MarkdownString) {
          assert.notEqual(part.supportHtml, true, 'hover Markdown must not render HTML');
          const trusted = part.isTrusted;
          assert.ok(trusted === undefined || trusted === false || (typeof trusted === 'object' && trusted.enabledCommands.every((c) => c.startsWith('claimlens.'))),
            `hover trusts more than ClaimLens commands: ${JSON.stringify(trusted)}`);
        }
      }
    }
    // The crafted sidecar is shown, never rewritten.
    assert.equal(fs.readFileSync(`${uri.fsPath}.annotations.yaml`, 'utf8'), craftedSidecar(name));
  });

  it('package.json declares limited support for untrusted and virtual workspaces, with descriptions', () => {
    const manifest = vscode.extensions.getExtension('claimlens.claimlens')!.packageJSON as {
      capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string }; virtualWorkspaces?: { supported: unknown; description?: string } };
    };
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.match(manifest.capabilities?.untrustedWorkspaces?.description ?? '', /writes nothing/);
    assert.equal(manifest.capabilities?.virtualWorkspaces?.supported, 'limited');
    assert.ok((manifest.capabilities?.virtualWorkspaces?.description ?? '').length > 20);
  });

  it('export, import and suggestion commands refuse in Restricted Mode and write no file', async () => {
    await claimLens();
    const folder = workspaceFolder();
    const before = new Set(fs.readdirSync(folder.fsPath, { recursive: true }) as string[]);
    const uri = vscode.Uri.joinPath(folder, `crafted-${process.pid}.txt`);
    for (const command of ['claimlens.rejectSuggestion', 'claimlens.exportClaimReview', 'claimlens.exportWebAnnotation', 'claimlens.exportBrat', 'claimlens.exportCsv', 'claimlens.importBrat']) {
      assert.equal(await vscode.commands.executeCommand(command, { uri, claimId: 'c-ferry', out: vscode.Uri.joinPath(folder, 'out.json') }), undefined, `${command} did something`);
    }
    const after = (fs.readdirSync(folder.fsPath, { recursive: true }) as string[]).filter((f) => !before.has(f));
    assert.deepEqual(after, [], 'files appeared in Restricted Mode');
    // No Git configuration was written either (git-setup is CLI-only and needs trust in the editor).
    assert.equal(fs.existsSync(vscode.Uri.joinPath(folder, '.gitattributes').fsPath), false);
  });
});
