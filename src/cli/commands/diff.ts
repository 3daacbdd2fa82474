/**
 * `claimlens diff`: semantic changes between two versions of sidecars, from two
 * files or from a Git repository. Exit status follows `git diff`: 0 whether or
 * not there are changes, 1 only on failure.
 */
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { documentLocationFor, SIDECAR_SUFFIX } from '../../core/fs';
import { diffSidecars, type SidecarChange } from '../../core/review/diff';
import { readSidecarVersion, SidecarReadError } from '../../core/review/load';
import { renderChangesJson, renderChangesText } from '../../core/review/render';
import type { Sidecar } from '../../core/sidecar/model';
import { CliError, type CliCommand, type CliIO, UsageError, useColor, parseCommandArgs } from '../io';
import { decodeFileText, readFileBytes } from '../files';

const usage = `Usage: claimlens diff [options] <old-sidecar> <new-sidecar>
       claimlens diff [options] --git <rev>[..<rev>] [paths…]

Shows what changed in annotations, in words: claims added and removed,
verdict transitions (unverified → false), rationale, note, source and tag
changes, speaker corrections and merges, stance changes, re-anchored claims.
Each change quotes the claim and names the document.

  <old-sidecar> <new-sidecar>   two versions of a *.annotations.yaml file;
                                /dev/null or an empty file stands for "absent"
  --git <rev>                   sidecars changed between <rev> and the working tree
  --git <a>..<b>                ... between two revisions (a...b: from their merge base)
  [paths…]                      with --git: limit to these files or folders

Options:
  --json                 machine-readable output: {"changes": [...]}
  --color <when>         auto (default: on a terminal, unless NO_COLOR), always, never
  --no-color             same as --color never

Exit status: 0 whether or not there are changes (like 'git diff'), 1 on failure
(unreadable sidecar, Git error), 2 wrong usage.
`;

const command: CliCommand = {
  name: 'diff',
  summary: 'show annotation changes in words (verdicts, attributions, sources), from files or Git',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        git: { type: 'string' },
        color: { type: 'string', default: 'auto' },
        'no-color': { type: 'boolean', default: false },
      },
    });
    const { values, positionals } = parsed;
    const colorChoice = values['no-color'] ? 'never' : values.color;
    if (!['auto', 'always', 'never'].includes(colorChoice ?? '')) throw new UsageError(`--color must be auto, always or never, not '${colorChoice}'`);
    const color = colorChoice === 'always' || (colorChoice === 'auto' && useColor(io.stdout, io.env));

    let changes: SidecarChange[];
    if (values.git !== undefined) {
      changes = await diffInGit(values.git, positionals, io);
    } else {
      if (positionals.length !== 2) throw new UsageError('expected two sidecar files (or --git <rev>)');
      const [oldPath, newPath] = positionals.map((p) => path.resolve(io.cwd, p));
      const before = await readVersionFile(oldPath, positionals[0]);
      const after = await readVersionFile(newPath, positionals[1]);
      const shown = positionals[1] === '/dev/null' ? positionals[0] : positionals[1];
      const document = documentLocationFor(shown) ?? after?.document.name ?? before?.document.name;
      changes = diffSidecars(before, after, { document });
    }
    io.stdout.write(values.json ? renderChangesJson(changes) : renderChangesText(changes, { color }));
    return 0;
  },
};

export default command;

async function readVersionFile(absolute: string, shown: string): Promise<Sidecar | undefined> {
  if (shown === '/dev/null') return undefined;
  return parseVersion(await readFileBytes(absolute, shown), shown);
}

function parseVersion(bytes: Uint8Array, shown: string): Sidecar | undefined {
  const text = decodeFileText(bytes, shown);
  try {
    return readSidecarVersion(text, shown);
  } catch (e) {
    if (e instanceof SidecarReadError) throw new CliError(`cannot compare: ${e.message}`);
    throw e;
  }
}

// --------------------------------------------------------------------- Git

/** Runs git with an argument array (never a shell); resolves stdout bytes or rejects with stderr's first line. */
export function runGit(args: string[], cwd: string, options: { allowFailure?: boolean } = {}): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const stderrText = Buffer.from(stderr).toString('utf8');
      if (error) {
        const code = typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new CliError("cannot run 'git': is Git installed and on PATH?"));
          return;
        }
        if (options.allowFailure && code > 0) {
          resolve({ code, stdout: Buffer.from(stdout), stderr: stderrText });
          return;
        }
        const firstLine = stderrText.split('\n').find((l) => l.trim()) ?? error.message;
        reject(new CliError(`git ${args[0]} failed: ${firstLine.replace(/^(fatal|error): /u, '')}`));
        return;
      }
      resolve({ code: 0, stdout: Buffer.from(stdout), stderr: stderrText });
    });
  });
}

/** The repository's top folder, or a clear refusal outside a repository. */
export async function gitTopLevel(cwd: string): Promise<string> {
  const result = await runGit(['rev-parse', '--show-toplevel'], cwd, { allowFailure: true });
  if (result.code !== 0) throw new CliError(`${cwd} is not inside a Git repository`);
  return result.stdout.toString('utf8').trim();
}

/** Refuses anything Git could read as an option rather than a revision. */
function checkRevision(rev: string): string {
  if (rev.startsWith('-') || /[\s\0]/u.test(rev)) throw new UsageError(`'${rev}' is not a revision`);
  return rev;
}

async function diffInGit(spec: string, paths: string[], io: CliIO): Promise<SidecarChange[]> {
  const top = await gitTopLevel(io.cwd);
  let oldRev: string;
  let newRev: string | undefined;
  if (spec.includes('...')) {
    const [a, b] = spec.split('...');
    const left = checkRevision(a || 'HEAD');
    newRev = checkRevision(b || 'HEAD');
    oldRev = (await runGit(['merge-base', left, newRev], io.cwd)).stdout.toString('utf8').trim();
  } else if (spec.includes('..')) {
    const [a, b] = spec.split('..');
    oldRev = checkRevision(a || 'HEAD');
    newRev = checkRevision(b || 'HEAD');
  } else {
    oldRev = checkRevision(spec);
  }
  for (const p of paths) if (p.startsWith('-')) throw new UsageError(`'${p}' is not a path`);

  const names = await runGit(
    ['diff', '--name-only', '--no-renames', '--no-ext-diff', '-z', oldRev, ...(newRev ? [newRev] : []), '--', ...paths],
    io.cwd,
  );
  const files = names.stdout
    .toString('utf8')
    .split('\0')
    .filter((f) => f.endsWith(SIDECAR_SUFFIX))
    .sort();

  const changes: SidecarChange[] = [];
  for (const file of files) {
    const before = await versionAt(oldRev, file, top);
    const after = newRev ? await versionAt(newRev, file, top) : await workingVersion(top, file);
    changes.push(...diffSidecars(before, after, { document: documentLocationFor(file) ?? file }));
  }
  return changes;
}

async function versionAt(rev: string, file: string, top: string): Promise<Sidecar | undefined> {
  const exists = await runGit(['cat-file', '-e', `${rev}:${file}`], top, { allowFailure: true });
  if (exists.code !== 0) return undefined;
  const blob = await runGit(['cat-file', 'blob', `${rev}:${file}`], top);
  return parseVersion(blob.stdout, `${file} (${rev})`);
}

async function workingVersion(top: string, file: string): Promise<Sidecar | undefined> {
  try {
    return parseVersion(await fsp.readFile(path.join(top, file)), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
