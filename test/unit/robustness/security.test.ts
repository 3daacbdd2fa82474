// The CLI never executes content: revisions and paths that look like options or shell code are
// refused or treated as data. Hover Markdown escaping is checked in test/integration/untrusted/.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLE, assertNoStackTrace, cli, handWrittenSidecar, tempFolder } from './helpers';

describe('robustness: the CLI never executes content from arguments or files', () => {
  let folder: ReturnType<typeof tempFolder>;
  const marker = join(require('node:os').tmpdir(), `claimlens-pwned-${process.pid}`);
  beforeEach(() => {
    folder = tempFolder('git');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: folder.dir, stdio: 'ignore' });
    git('init', '-q');
    git('config', 'user.email', 'test@example.org');
    git('config', 'user.name', 'Test');
    writeFileSync(join(folder.dir, 'a.txt'), ARTICLE);
    writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), handWrittenSidecar('a.txt'));
    git('add', '.');
    git('commit', '-qm', 'one');
    rmSync(marker, { force: true });
  });
  afterEach(() => {
    folder.remove();
    rmSync(marker, { force: true });
  });

  const HOSTILE = [
    `--upload-pack=touch ${marker}`,
    `--output=${marker}`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `HEAD;touch ${marker}`,
    `HEAD..--output=${marker}`,
    `--ext-diff`,
  ];
  for (const revision of HOSTILE) {
    for (const args of [['--git', revision], [`--git=${revision}`]]) {
      it(`claimlens diff ${args.map((a) => JSON.stringify(a)).join(' ')} is refused or treated as data`, async () => {
        const run = await cli(['diff', ...args], folder.dir);
        assert.notEqual(run.code, 0, run.stdout);
        assert.match(run.stderr, /^claimlens: .*(is not a revision|failed|argument is ambiguous)/);
        assert.equal(run.stderr.trimEnd().split('\n').length, 1, `one line, not:\n${run.stderr}`);
        assertNoStackTrace(run.stderr);
        assert.equal(existsSync(marker), false, 'the hostile argument was executed');
      });
    }
  }

  it('a hostile path after --git is refused or treated as data', async () => {
    for (const p of [`--output=${marker}`, `$(touch ${marker})`]) {
      const run = await cli(['diff', '--git', 'HEAD', p], folder.dir);
      assertNoStackTrace(run.stderr);
      assert.equal(existsSync(marker), false, `${p} was executed`);
    }
  });

  it('a sidecar with shell code in its strings is diffed as text, never run', async () => {
    const hostile = handWrittenSidecar('a.txt').replace('The budget shows 1.4 times.', `"$(touch ${marker}) \`touch ${marker}\`"`);
    writeFileSync(join(folder.dir, 'a.txt.annotations.yaml'), hostile);
    const run = await cli(['diff', '--git', 'HEAD'], folder.dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\$\(touch /);
    const textconv = await cli(['textconv', 'a.txt.annotations.yaml'], folder.dir);
    assert.equal(textconv.code, 0, textconv.stderr);
    const check = await cli(['check'], folder.dir);
    assert.equal(check.code, 0, check.stdout);
    assert.equal(existsSync(marker), false);
  });
});
