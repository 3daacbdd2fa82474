/**
 * `claimlens extract [--json] <files|folders|globs>…`: the speakers and claims
 * ClaimLens suggests for each document, as a readable table or as JSON Lines
 * (one object per document, the input of `claimlens index merge`).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { analyzeDocument, MAX_ANALYZED_BYTES } from '../../core/analyze';
import { SIDECAR_SUFFIX } from '../../core/fs';
import type { DocumentExtraction } from '../../core/extract/types';
import { decodeText, UndecodableTextError } from '../../core/text';
import { type CliCommand, type CliIO, UsageError, useColor, parseCommandArgs } from '../io';
import { createProgress } from '../progress';

const usage = `Usage: claimlens extract [--json] <file|folder|glob>…

Finds speakers (people, organisations, groups, anonymous sources) and their
claims (direct quotes, paraphrases) in each document.

  <file>     a text file (UTF-8; a BOM is ignored)
  <folder>   every **/*.txt and **/*.md below it (not *.annotations.yaml,
             node_modules or .git; symbolic links to folders are not followed)
  <glob>     a fast-glob pattern, e.g. 'articles/**/*.txt' (quote it)

Options:
  --json     JSON Lines on stdout, one object per document:
             {"path", "speakers", "claims", "stances"}; offsets are Unicode
             code points into the text, end exclusive.
  -h, --help show this help

Without --json, prints per document a table of speakers (kind, role, number of
claims) and the claims (speaker, kind, text). Binary or non-UTF-8 files, and
files over 4 MB (not articles), are skipped with a warning.

Exit status: 0, or 1 when a file could not be read or a pattern matched nothing.
`;

const GLOB_CHARS = /[*?[\]{}!()]/;
const IGNORE = ['**/node_modules/**', '**/.git/**', `**/*${SIDECAR_SUFFIX}`];

interface Expanded { paths: string[]; problems: string[] }

/** Files, folders and globs → the paths to read, as given or expanded, without duplicates. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<Expanded> {
  const paths: string[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  const add = (shown: string) => {
    const key = path.resolve(cwd, shown);
    if (!seen.has(key)) { seen.add(key); paths.push(shown); }
  };
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let stat: import('node:fs').Stats | undefined;
    try { stat = await fsp.stat(absolute); } catch { stat = undefined; }
    if (stat?.isDirectory()) {
      const found = await fg('**/*.{txt,md}', { cwd: absolute, ignore: IGNORE, dot: false, followSymbolicLinks: false, onlyFiles: true });
      found.sort();
      if (found.length === 0) problems.push(`${input}: no .txt or .md files in this folder`);
      for (const f of found) add(path.join(input, f));
    } else if (stat) {
      add(input);
    } else if (GLOB_CHARS.test(input)) {
      const found = await fg(input, { cwd, ignore: IGNORE, dot: false, followSymbolicLinks: false, onlyFiles: true });
      found.sort();
      if (found.length === 0) problems.push(`${input}: no files match`);
      for (const f of found) add(f);
    } else {
      problems.push(`${input}: no such file or folder`);
    }
  }
  return { paths, problems };
}

const command: CliCommand = {
  name: 'extract',
  summary: 'find speakers and claims in news text (table, or JSON Lines with --json)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new UsageError('expected at least one file, folder or glob');
    const { paths, problems } = await expandInputs(positionals, io.cwd);
    let failed = problems.length > 0;
    for (const p of problems) io.stderr.write(`claimlens: ${p}\n`);
    const color = useColor(io.stdout, io.env);
    // A bar on stderr when it is a terminal and the run lasts (see ../progress.ts).
    const progress = createProgress(io.stderr, { label: 'extracting', total: paths.length, unit: 'docs' });
    let done = 0;
    for (const shown of paths) {
      progress.update(done++);
      let text: string;
      try {
        const size = (await fsp.stat(path.resolve(io.cwd, shown))).size;
        if (size > MAX_ANALYZED_BYTES) {
          failed = true;
          progress.log(`claimlens: ${shown}: skipped: ${Math.round(size / 1048576)} MB, larger than the ${MAX_ANALYZED_BYTES / 1048576} MB ClaimLens analyses: it does not look like one article; split it into articles to analyse it`);
          continue;
        }
        text = decodeText(await fsp.readFile(path.resolve(io.cwd, shown))).text;
      } catch (e) {
        failed = true;
        const why = e instanceof UndecodableTextError ? e.message : `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
        progress.log(`claimlens: ${shown}: skipped: ${why}`);
        continue;
      }
      const result = analyzeDocument(text);
      if (values.json) {
        io.stdout.write(JSON.stringify({ path: shown, speakers: result.speakers, claims: result.claims, stances: result.stances }) + '\n');
      } else {
        io.stdout.write(renderTable(shown, result, color));
      }
    }
    progress.done();
    return failed ? 1 : 0;
  },
};

export default command;

// ---------------------------------------------------------------- table

const CLAIM_WIDTH = 72;

function truncate(s: string, n: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= n ? flat : chars.slice(0, n - 1).join('') + '…';
}

function pad(s: string, n: number): string {
  const len = Array.from(s).length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

/** One document as a readable block: speakers, then claims. */
export function renderTable(shown: string, result: DocumentExtraction, color: boolean): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const out: string[] = [];
  const { speakers, claims } = result;
  out.push(bold(`${shown}`) + dim(` — ${speakers.length} speaker${speakers.length === 1 ? '' : 's'}, ${claims.length} claim${claims.length === 1 ? '' : 's'}`));
  const nameOf = new Map(speakers.map((s) => [s.id, s.name]));
  if (speakers.length) {
    const count = new Map<string, number>();
    for (const c of claims) if (c.speaker) count.set(c.speaker, (count.get(c.speaker) ?? 0) + 1);
    const rows = speakers.map((s) => [truncate(s.name, 32), s.kind, s.role ? truncate(s.role, 40) : '—', String(count.get(s.id) ?? 0)]);
    const header = ['SPEAKER', 'KIND', 'ROLE', 'CLAIMS'];
    const widths = header.map((h, i) => Math.max(Array.from(h).length, ...rows.map((r) => Array.from(r[i]).length)));
    out.push('  ' + bold(header.map((h, i) => pad(h, widths[i])).join('  ').trimEnd()));
    for (const r of rows) out.push('  ' + r.map((c, i) => (i === 2 && c === '—' ? dim(pad(c, widths[i])) : pad(c, widths[i]))).join('  ').trimEnd());
  }
  if (claims.length) {
    const rows = claims.map((c) => [c.speaker ? truncate(nameOf.get(c.speaker) ?? c.speaker, 24) : '(unknown)', c.kind, truncate(c.text, CLAIM_WIDTH)]);
    const widths = [Math.max(7, ...rows.map((r) => Array.from(r[0]).length)), Math.max(4, ...rows.map((r) => r[1].length))];
    out.push('');
    out.push('  ' + bold(`${pad('SAID BY', widths[0])}  ${pad('KIND', widths[1])}  CLAIM`));
    for (const r of rows) out.push(`  ${r[0] === '(unknown)' ? dim(pad(r[0], widths[0])) : pad(r[0], widths[0])}  ${pad(r[1], widths[1])}  ${r[2]}`);
  }
  out.push('');
  return out.join('\n') + '\n';
}
