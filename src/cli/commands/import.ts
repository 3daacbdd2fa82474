/**
 * `claimlens import --format brat`: a brat standoff attribution file (as in
 * PolNeAR) and its text → a sidecar, one claim per attribution.
 */
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { sidecarLocationFor } from '../../core/fs';
import { importBrat } from '../../core/interchange/brat';
import { parseSidecar } from '../../core/sidecar/parse';
import { serializeSidecar } from '../../core/sidecar/serialize';
import { sha256Hex } from '../../core/text';
import { CliError, type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';
import { readFileText } from '../files';

const usage = `Usage: claimlens import --format brat <file.ann> [--text <file.txt>] [--out <sidecar>] [--force]

Reads brat standoff attributions (Source/Cue/Content spans tied by
Attribution events, as in PolNeAR) and writes a sidecar with one claim per
attribution that has content: anchored in the text, status accepted, verdict
unverified, the cue kept in the claim's note. Speakers come from the Source
spans, one per distinct mention text (case and punctuation aside); their kind
is a first guess to review. Spans that do not match the text are reported and
skipped.

  --text <file.txt>   the annotated text (default: <name>.txt next to the .ann,
                      or PolNeAR's ../text/<name>.txt without the annotator suffix)
  --out <sidecar>     where to write (default: <text>.annotations.yaml)
  --force             replace an existing sidecar
  --author <name>     record this name as the claims' author

Exit status: 0 written, 1 nothing importable or a file problem, 2 wrong usage.
`;

const command: CliCommand = {
  name: 'import',
  summary: 'import brat standoff attributions (e.g. PolNeAR) as a sidecar',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        text: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        author: { type: 'string' },
      },
    });
    const { values, positionals } = parsed;
    if (values.format !== 'brat') throw new UsageError(values.format ? `unknown format '${values.format}' (expected brat)` : '--format brat is required');
    if (positionals.length !== 1) throw new UsageError('expected one .ann file');
    const annPath = path.resolve(io.cwd, positionals[0]);
    const textPath = values.text ? path.resolve(io.cwd, values.text) : guessTextPath(annPath);
    if (!textPath) throw new CliError(`${positionals[0]}: cannot find its text: give it with --text <file.txt>`);
    const outPath = values.out ? path.resolve(io.cwd, values.out) : sidecarLocationFor(textPath);
    const shownOut = path.relative(io.cwd, outPath) || outPath;
    if (!values.force && existsSync(outPath)) throw new CliError(`${shownOut} already exists: not replacing it (use --force to replace it)`);

    const annText = await readFileText(annPath, positionals[0]);
    const text = await readFileText(textPath, path.relative(io.cwd, textPath));
    const result = importBrat(annText, text, {
      documentName: path.basename(textPath),
      sha256: await sha256Hex(text),
      ...(values.author ? { author: values.author } : {}),
    });
    for (const p of result.problems) io.stderr.write(`${positionals[0]}:${p.line}:1: warning: ${p.message}\n`);
    if (result.sidecar.claims.length === 0) {
      throw new CliError(`${positionals[0]}: no attribution with content to import (${result.attributions} attribution events)`);
    }

    const yaml = serializeSidecar(result.sidecar);
    // Never write what ClaimLens itself would reject.
    const check = parseSidecar(yaml, shownOut);
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new CliError(`internal check of the imported sidecar failed: ${errors[0].message}`);

    const temporary = path.join(path.dirname(outPath), `.${path.basename(outPath)}.claimlens-${process.pid}.tmp`);
    try {
      await fsp.writeFile(temporary, yaml);
      await fsp.rename(temporary, outPath);
    } catch (e) {
      await fsp.rm(temporary, { force: true });
      throw new CliError(`${shownOut}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was changed: check that the file and its folder are writable (and the disk not full), then run the import again`);
    }
    io.stdout.write(
      `wrote ${shownOut}: ${result.sidecar.claims.length} claims from ${result.attributions} attributions, ${result.sidecar.speakers.length} speakers\n`,
    );
    return 0;
  },
};

export default command;

/** `<name>.txt` beside the .ann, else PolNeAR's layout: attributions/<name>_<annotator>.ann → text/<name>.txt. */
function guessTextPath(annPath: string): string | undefined {
  const dir = path.dirname(annPath);
  const stem = path.basename(annPath).replace(/\.ann$/u, '');
  const candidates = [
    path.join(dir, `${stem}.txt`),
    path.join(dir, '..', 'text', `${stem}.txt`),
    path.join(dir, '..', 'text', `${stem.replace(/_[0-9a-f]{4}$/u, '')}.txt`),
  ];
  return candidates.find((c) => existsSync(c));
}

