/**
 * Tokenises the seed articles with the real TextMate engine VS Code uses
 * (vscode-textmate + vscode-oniguruma), so a grammar regression shows up here
 * and not only as wrong colours in someone's editor.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const repoRoot = path.resolve(__dirname, '../../../..');
const grammarPath = path.join(repoRoot, 'syntaxes/claimlens-article.tmLanguage.json');

interface ScopedToken {
  text: string;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(path.join(repoRoot, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'text.article.claimlens'
        ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  const loaded = await registry.loadGrammar('text.article.claimlens');
  assert.ok(loaded, 'grammar loads');
  return loaded;
}

function tokenise(text: string): ScopedToken[][] {
  let state = vsctm.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The concatenated text of each maximal run of tokens carrying `scope`. */
function runsWithScope(lines: ScopedToken[][], scope: string): string[] {
  const runs: string[] = [];
  for (const line of lines) {
    let current: string | undefined;
    for (const token of line) {
      if (token.scopes.some((s) => s.startsWith(scope))) current = (current ?? '') + token.text;
      else if (current !== undefined) {
        runs.push(current);
        current = undefined;
      }
    }
    if (current !== undefined) runs.push(current);
  }
  return runs;
}

describe('article grammar (TextMate)', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  it('scopes every curly quotation of the first seed as a string, quote marks included', () => {
    const text = readFileSync(path.join(repoRoot, 'seeds/000_02db67045c6df099.txt'), 'utf8');
    const quotes = runsWithScope(tokenise(text), 'string.quoted.double');
    const expected = text.match(/“[^”\n]*”/g) ?? [];
    assert.ok(expected.length >= 5, 'the seed has quotations to check');
    for (const quote of expected) assert.ok(quotes.includes(quote), `quotation scoped whole: ${quote}`);
    assert.ok(
      quotes.includes('“He really wants to divide Europe and America, Putin really wants that,”'),
      'Zelensky’s quotation is one string token run',
    );
  });

  it('marks attribution cues outside quotations but not words inside them', () => {
    const lines = tokenise('“We said no,” she said, according to aides.\nThe minister warned that “nobody warned us.”');
    const cues = runsWithScope(lines, 'keyword.other.attribution.cue');
    assert.deepEqual(cues, ['said', 'according to', 'warned']);
  });

  it('ends an unclosed quotation at the paragraph end, so the next paragraph is not swallowed', () => {
    const lines = tokenise('“The first paragraph of a long quote\nhe said afterwards.');
    assert.deepEqual(runsWithScope(lines, 'string.quoted'), ['“The first paragraph of a long quote']);
    assert.deepEqual(runsWithScope(lines, 'keyword.other.attribution.cue'), ['said']);
  });

  it('does not treat apostrophes inside words as inner quotes', () => {
    const lines = tokenise('“Russia’s demands are the Kremlin’s,” the envoy said.');
    assert.deepEqual(runsWithScope(lines, 'string.quoted.single'), []);
    assert.deepEqual(runsWithScope(lines, 'string.quoted.double'), ['“Russia’s demands are the Kremlin’s,”']);
  });

  it('scopes the dateline of the second seed', () => {
    const text = readFileSync(path.join(repoRoot, 'seeds/002_9d82fa3110da9c7e.txt'), 'utf8');
    assert.deepEqual(runsWithScope(tokenise(text), 'entity.name.section.dateline'), ['BRUSSELS']);
  });
});
