/**
 * `claimlens merge %O %A %B [%P]`: Git merge driver for sidecars. Writes the
 * merged sidecar into %A (ours) and exits 0 when clean, 1 when some items
 * conflict (their `conflict:` blocks say how), 2 when an input is not a valid
 * sidecar (then falls back to Git's line merge so nothing is lost).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { annotateConflicts } from '../../core/review/conflictMarkup';
import { readSidecarVersion, SidecarReadError } from '../../core/review/load';
import { mergeSidecars, type MergeConflict } from '../../core/review/merge';
import { quoteClaim, speakerName } from '../../core/review/quote';
import type { Sidecar } from '../../core/sidecar/model';
import { serializeSidecar } from '../../core/sidecar/serialize';
import { type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';
import { runGit } from './diff';
import { readFileText } from '../files';

const usage = `Usage: claimlens merge <base> <ours> <theirs> [<path>]

Git merge driver for *.annotations.yaml (configured by 'claimlens git-setup'
as: merge %O %A %B %P). Merges by identity (claims and speakers by id, stances
by speaker and target) and field by field: independent changes merge cleanly,
tags/sources/aliases/evidence merge as sets, 'updated' takes the later date.
A true conflict (one field changed two ways, or a delete against an edit)
keeps our value and adds a 'conflict:' block with both values to that item
only; 'claimlens check' reports it until you choose and delete the block.

The result is written into <ours>. <base> may be empty (added on both sides).

Exit status: 0 merged cleanly; 1 conflicts written (Git marks the file
conflicted); 2 an input is not a valid sidecar: Git's line-based merge is
applied instead (conflict markers), and Git marks the file conflicted.
`;

const command: CliCommand = {
  name: 'merge',
  summary: 'Git merge driver: three-way semantic merge of sidecars (claimlens merge %O %A %B)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { positionals } = parseCommandArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length < 3 || positionals.length > 4) throw new UsageError('expected <base> <ours> <theirs> [<path>]');
    const [basePath, oursPath, theirsPath] = positionals.slice(0, 3).map((p) => path.resolve(io.cwd, p));
    const shown = positionals[3] ?? positionals[1];

    const [baseText, oursText, theirsText] = await Promise.all([
      readFileText(basePath, `${shown} (base)`),
      readFileText(oursPath, `${shown} (ours)`),
      readFileText(theirsPath, `${shown} (theirs)`),
    ]);

    let base: Sidecar | undefined;
    let ours: Sidecar | undefined;
    let theirs: Sidecar | undefined;
    try {
      base = readSidecarVersion(baseText, `${shown} (base)`, { strict: true });
      ours = readSidecarVersion(oursText, `${shown} (ours)`, { strict: true });
      theirs = readSidecarVersion(theirsText, `${shown} (theirs)`, { strict: true });
    } catch (e) {
      if (!(e instanceof SidecarReadError)) throw e;
      io.stderr.write(`claimlens merge: ${e.message}\n`);
      return lineMergeFallback(basePath, oursPath, theirsPath, shown, io);
    }
    // A side that emptied the file: nothing to merge semantically.
    if (!ours || !theirs) {
      io.stderr.write(`claimlens merge: ${shown}: one side emptied the file; merging line by line instead\n`);
      return lineMergeFallback(basePath, oursPath, theirsPath, shown, io);
    }

    const { merged, conflicts, renamedClaims } = mergeSidecars(base, ours, theirs);
    const output = annotateConflicts(serializeSidecar(merged, oursText), conflicts);
    await writeAtomically(oursPath, output);

    for (const r of renamedClaims) {
      io.stderr.write(`claimlens merge: ${shown}: both sides added a claim '${r.from}' for different text; theirs is now '${r.to}'\n`);
    }
    if (conflicts.length === 0) return 0;
    for (const c of conflicts) io.stderr.write(`claimlens merge: ${shown}: ${describeConflict(c, merged)}\n`);
    io.stderr.write(`claimlens merge: ${shown}: ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'} kept in 'conflict:' blocks; choose a value, delete each block, then 'git add'\n`);
    return 1;
  },
};

export default command;

function describeConflict(c: MergeConflict, merged: Sidecar): string {
  const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));
  let what: string;
  if (c.entity === 'claim') {
    const claim = merged.claims.find((x) => x.id === c.id);
    what = `claim ${c.id}${claim ? ` ${quoteClaim(claim, 60)}` : ''}`;
  } else if (c.entity === 'speaker') {
    what = `speaker ${speakerName(merged, c.id)} [${c.id}]`;
  } else {
    what = `stance ${c.stance ? `${speakerName(merged, c.stance.speaker)} on ${c.stance.target}` : c.id}`;
  }
  if (c.field === 'item') {
    return `conflict in ${what}: ${c.ours === undefined ? 'we deleted it, they edited it' : 'they deleted it, we edited it'} (kept)`;
  }
  if (c.field === 'anchor') return `conflict in ${what}: the claimed span was changed both ways`;
  return `conflict in ${what}: ${c.field} changed both ways (ours: ${show(c.ours)}, theirs: ${show(c.theirs)})`;
}


async function writeAtomically(location: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(location), `.${path.basename(location)}.claimlens-${process.pid}.tmp`);
  await fsp.writeFile(temporary, text);
  await fsp.rename(temporary, location);
}

/**
 * When the semantic merge cannot run, Git's own line merge still keeps both
 * sides' work (as conflict markers that 'claimlens check' reports); if even
 * that fails, ours is left untouched and Git still marks the conflict.
 */
async function lineMergeFallback(basePath: string, oursPath: string, theirsPath: string, shown: string, io: CliIO): Promise<number> {
  try {
    await runGit(['merge-file', '-L', 'ours', '-L', 'base', '-L', 'theirs', oursPath, basePath, theirsPath], path.dirname(oursPath), { allowFailure: true });
    io.stderr.write(`claimlens merge: ${shown}: merged line by line; check the result ('claimlens check') before committing\n`);
  } catch {
    io.stderr.write(`claimlens merge: ${shown}: left as our version; take their changes from 'git checkout --theirs'\n`);
  }
  return 2;
}
