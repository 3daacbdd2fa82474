/**
 * `claimlens textconv <file>`: Git's textconv filter for sidecars (see
 * `claimlens git-setup`). Prints one readable block per claim so that
 * `git diff`, `git log -p` and `git show` read as verdict and attribution
 * changes next to the quote.
 */
import * as path from 'node:path';
import { findConflictBlocks } from '../../core/review/conflictMarkup';
import { readSidecarVersion, SidecarReadError } from '../../core/review/load';
import { renderSidecarText } from '../../core/review/textconv';
import { type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';
import { readFileText } from '../files';

const usage = `Usage: claimlens textconv <sidecar>

Prints a stable, readable rendering of one sidecar (one block per claim: quote,
verdict, speaker, status, rationale, note, sources, tags) for Git's textconv:
  git config diff.claimlens.textconv "claimlens textconv"
('claimlens git-setup' configures it for you). A file that is not a valid
sidecar (e.g. mid-way through a hand edit) is printed as it is, after a line
saying why, so 'git diff' keeps working.

Exit status: 0, or 1 when the file cannot be read.
`;

const command: CliCommand = {
  name: 'textconv',
  summary: "render a sidecar as readable text for Git's textconv (git diff, git log -p)",
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { positionals } = parseCommandArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError('expected one sidecar file');
    const shown = positionals[0];
    const text = await readFileText(path.resolve(io.cwd, shown), shown);
    try {
      const sidecar = readSidecarVersion(text, shown);
      if (sidecar) io.stdout.write(renderSidecarText(sidecar, { conflicts: findConflictBlocks(text) }));
    } catch (e) {
      if (!(e instanceof SidecarReadError)) throw e;
      // Git shows whatever textconv prints: the raw text beats a failed diff.
      const reason = e.diagnostics.find((d) => d.severity === 'error') ?? e.diagnostics[0];
      io.stdout.write(`(not a valid ClaimLens sidecar${reason ? ` — line ${reason.line}: ${reason.message}` : ''}; shown as it is)\n`);
      io.stdout.write(text.endsWith('\n') || text === '' ? text : text + '\n');
    }
    return 0;
  },
};

export default command;
