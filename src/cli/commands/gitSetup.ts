/**
 * `claimlens git-setup`: teaches the current Git repository to show sidecar
 * changes through `claimlens textconv` and to merge them with
 * `claimlens merge`. Writes the `.gitattributes` line (committed, shared by
 * everyone) and the repository's local config (per clone, never committed).
 */
import { promises as fsp, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';
import { gitTopLevel, runGit } from './diff';

export const ATTRIBUTE_PATTERN = '*.annotations.yaml';
const DRIVER = 'claimlens';

const usage = `Usage: claimlens git-setup [--command <invocation>]

In the current Git repository:
  - adds (or updates) this line in the top folder's .gitattributes, keeping
    every other line as it is:
        ${ATTRIBUTE_PATTERN} diff=${DRIVER} merge=${DRIVER}
  - sets in the repository's own config (.git/config):
        diff.${DRIVER}.textconv  "<invocation> textconv"
        merge.${DRIVER}.name     "ClaimLens semantic merge of annotation sidecars"
        merge.${DRIVER}.driver   "<invocation> merge %O %A %B %P"
Running it again changes nothing. Commit .gitattributes so that everyone gets
the attributes; the config is per clone: run git-setup once in each clone.

The invocation is 'claimlens' when that command on PATH is this very
installation; otherwise the absolute paths of Node and of this CLI's script,
so Git finds it whatever PATH it runs with. --command overrides it
(e.g. --command "npx claimlens").

Exit status: 0 done, 1 not inside a Git repository or Git failed.
`;

const command: CliCommand = {
  name: 'git-setup',
  summary: 'configure this Git repository for readable annotation diffs and semantic merges',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ args, allowPositionals: false, options: { command: { type: 'string' } } });
    if (values.command !== undefined && values.command.trim() === '') throw new UsageError('--command needs an invocation');
    const top = await gitTopLevel(io.cwd);
    const invocation = values.command ?? claimlensInvocation(io.env);

    const attributesPath = path.join(top, '.gitattributes');
    let previous = '';
    try {
      previous = await fsp.readFile(attributesPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`${attributesPath}: cannot read (${(e as NodeJS.ErrnoException).code})`);
    }
    const updated = updateGitAttributes(previous);
    if (updated !== previous) {
      const temporary = `${attributesPath}.claimlens-${process.pid}.tmp`;
      await fsp.writeFile(temporary, updated);
      await fsp.rename(temporary, attributesPath);
      io.stdout.write(`${previous === '' ? 'created' : 'updated'} ${attributesPath}\n`);
    } else {
      io.stdout.write(`${attributesPath} already has the ClaimLens line\n`);
    }

    const settings: Array<[string, string]> = [
      [`diff.${DRIVER}.textconv`, `${invocation} textconv`],
      [`merge.${DRIVER}.name`, 'ClaimLens semantic merge of annotation sidecars'],
      [`merge.${DRIVER}.driver`, `${invocation} merge %O %A %B %P`],
    ];
    for (const [key, value] of settings) {
      await runGit(['config', '--local', key, value], top);
      io.stdout.write(`git config ${key} ${JSON.stringify(value)}\n`);
    }

    // Check the result as Git sees it: a later line (e.g. '*.yaml -diff') could override ours.
    const probe = `probe${ATTRIBUTE_PATTERN.slice(1)}`;
    const check = await runGit(['check-attr', 'diff', 'merge', '--', probe], top);
    const seen = check.stdout.toString('utf8');
    if (!seen.includes(`diff: ${DRIVER}`) || !seen.includes(`merge: ${DRIVER}`)) {
      throw new CliError(`Git does not apply the ClaimLens attributes to sidecars (another .gitattributes line overrides them?): ${seen.trim().replace(/\n/gu, '; ')}`);
    }
    io.stdout.write("done: 'git diff' now shows annotation changes readably; commit .gitattributes to share it\n");
    return 0;
  },
};

export default command;

/**
 * Returns .gitattributes text with the ClaimLens attributes on the last line
 * for the sidecar pattern (the one Git obeys), other lines untouched; appends
 * the line when there is none. Line ends follow the file's own.
 */
export function updateGitAttributes(previous: string): string {
  const eol = previous.includes('\r\n') ? '\r\n' : '\n';
  const lines = previous === '' ? [] : previous.split(/\r?\n/u);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let last = -1;
  lines.forEach((line, i) => {
    if (line.trim().split(/\s+/u)[0] === ATTRIBUTE_PATTERN) last = i;
  });
  const wanted = [`diff=${DRIVER}`, `merge=${DRIVER}`];
  if (last < 0) {
    lines.push(`${ATTRIBUTE_PATTERN} ${wanted.join(' ')}`);
  } else {
    const [pattern, ...attributes] = lines[last].trim().split(/\s+/u);
    const isDiffOrMerge = (a: string) => /^[-!]?(diff|merge)(=.*)?$/u.test(a);
    const kept = attributes.filter((a) => !isDiffOrMerge(a));
    const current = attributes.filter(isDiffOrMerge);
    if (current.length === 2 && current.includes(wanted[0]) && current.includes(wanted[1])) return previous.endsWith('\n') || previous === '' ? previous : previous + eol;
    lines[last] = [pattern, ...kept, ...wanted].join(' ');
  }
  return lines.join(eol) + eol;
}

/**
 * How Git should start this CLI. Git runs drivers through a shell with its own
 * PATH (hooks, GUIs, CI), so unless `claimlens` on PATH is this very file, use
 * absolute paths.
 */
export function claimlensInvocation(env: CliIO['env']): string {
  const script = cliScriptPath();
  const onPath = findOnPath('claimlens', env.PATH ?? '');
  if (onPath && sameFile(onPath, script)) return 'claimlens';
  return `${shellQuote(process.execPath)} ${shellQuote(script)}`;
}

/** The CLI's entry script: the bundle (dist/cli.js) itself, or out/src/cli/main.js when run from tsc's output. */
function cliScriptPath(): string {
  const here = __filename;
  return path.basename(here) === 'gitSetup.js' ? path.resolve(__dirname, '..', 'main.js') : here;
}

function findOnPath(name: string, pathVariable: string): string | undefined {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** POSIX shell single-quoting; plain paths stay unquoted for readability. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/gu, `'\\''`)}'`;
}
