/** `claimlens stance --tsv`, run in-process through runCli. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { CliIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';

async function run(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    cwd: process.cwd(),
    stdin: Readable.from([input]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  };
  const code = await runCli(['stance', ...args], io);
  return { code, stdout, stderr };
}

describe('claimlens stance --tsv', () => {
  it('answers one JSON line per input line, with or without brackets', async () => {
    const input = [
      'The mayor [Ana Ruiz] praised [Tom Bell] for his quick response to the flood.\tAna Ruiz\tTom Bell',
      'Ana Ruiz praised Tom Bell for his quick response to the flood.\tAna Ruiz\tTom Bell',
      'Tom Bell was sharply criticised by Ana Ruiz over the delays.\tAna Ruiz\tTom Bell',
      'Ana Ruiz and Tom Bell arrived in Lisbon on Tuesday.\tAna Ruiz\tTom Bell',
    ].join('\n');
    const { code, stdout, stderr } = await run(['--tsv'], input + '\n');
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { from: 'p', polarity: 'positive' },
      { from: 'p', polarity: 'positive' },
      { from: 'p', polarity: 'negative' },
      { from: null, polarity: 'neutral' },
    ]);
  });

  it('malformed lines: null in place, the line number on stderr, exit 1, other lines still answered', async () => {
    const input = 'no tabs on this line\nAna Ruiz praised Tom Bell.\tAna Ruiz\tTom Bell\nAna Ruiz spoke.\tAna Ruiz\tZed Moss\n';
    const { code, stdout, stderr } = await run(['--tsv'], input);
    assert.equal(code, 1);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[0], 'null');
    assert.deepEqual(JSON.parse(lines[1]), { from: 'p', polarity: 'positive' });
    assert.equal(lines[2], 'null');
    assert.match(stderr, /stdin:1: expected sentence<TAB>p<TAB>q/);
    assert.match(stderr, /stdin:3: 'Zed Moss' does not occur in the sentence/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('--confidence adds a probability', async () => {
    const { stdout } = await run(['--tsv', '--confidence'], 'Ana Ruiz praised Tom Bell.\tAna Ruiz\tTom Bell\n');
    const out = JSON.parse(stdout);
    assert.ok(out.confidence > 0 && out.confidence <= 1);
  });

  it('without --tsv is wrong usage (exit 2)', async () => {
    const { code, stderr } = await run([], '');
    assert.equal(code, 2);
    assert.match(stderr, /--tsv/);
  });
});
