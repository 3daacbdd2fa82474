/**
 * `claimlens check [--json] [paths…]`: validates sidecars without changing
 * any file — YAML syntax, schema, ids and references, the document being
 * there, and every claim's anchor against the current document text.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { resolveAnchor } from '../../core/anchor/anchor';
import { type Diagnostic, formatDiagnostic, type Severity } from '../../core/diagnostics';
import { documentLocationFor, SIDECAR_SUFFIX } from '../../core/fs';
import { parseSidecar, MAX_SIDECAR_CHARS } from '../../core/sidecar/parse';
import { decodeText, OffsetMap, sha256Hex, UndecodableTextError } from '../../core/text';
import type { CliCommand, CliIO } from '../io';
import { parseCommandArgs } from '../io';

/** Documents larger than this are not read: their anchors are reported as not checked. */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** Sidecar files larger than this are refused unread. */
const MAX_SIDECAR_BYTES = MAX_SIDECAR_CHARS;
/** Time spent resolving one sidecar's anchors before the rest are reported as not checked. */
const ANCHOR_BUDGET_MS = 20_000;
/** Quotes in messages are cut to this many characters. */
const QUOTE_PREVIEW = 60;

const usage = `Usage: claimlens check [--json] [paths…]

Checks every ClaimLens sidecar (*.annotations.yaml) under the given files and
folders (default: the current folder): YAML syntax, the format, duplicate ids,
references to unknown speakers or claims, the annotated document being there,
and whether every claim's quote is still found in the document. Changes no file.

Output: one "file:line:column: severity: message" line per finding, and a
summary on stderr. Folders are searched recursively, skipping node_modules and
.git, without following symbolic links.

Options:
  --json      print the findings as JSON on stdout
  -h, --help  show this help

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 wrong usage.
`;

interface FileReport {
  path: string;
  claims: number;
  anchors: { exact: number; moved: number; fuzzy: number; orphaned: number };
}

const check: CliCommand = {
  name: 'check',
  summary: 'validate annotation sidecars and their anchors (changes nothing)',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    const json = parsed.values.json === true;
    const targets = parsed.positionals.length ? parsed.positionals : ['.'];
    const display = (location: string) => path.relative(io.cwd, location) || location;

    const diagnostics: Diagnostic[] = [];
    const sidecars = new Set<string>();
    for (const target of targets) {
      const absolute = path.resolve(io.cwd, target);
      for (const found of await findSidecars(absolute, diagnostics)) sidecars.add(found);
    }
    const files: FileReport[] = [];
    for (const location of [...sidecars].sort()) {
      const report = await checkSidecar(location, diagnostics);
      files.push({ ...report, path: display(location) });
    }

    const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    for (const d of diagnostics) counts[d.severity]++;
    const ordered = [...diagnostics].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : a.line - b.line || a.column - b.column));
    if (json) {
      io.stdout.write(JSON.stringify({
        files,
        diagnostics: ordered.map((d) => ({ ...d, path: display(d.location) })),
        summary: { files: files.length, ...counts },
      }, null, 2) + '\n');
    } else {
      for (const d of ordered) io.stdout.write(formatDiagnostic(d, display(d.location)) + '\n');
    }
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    io.stderr.write(`claimlens check: ${plural(files.length, 'sidecar')} checked: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info\n`);
    return counts.error > 0 ? 1 : 0;
  },
};

export default check;

async function findSidecars(target: string, diagnostics: Diagnostic[]): Promise<string[]> {
  let stat;
  try {
    stat = await fsp.stat(target);
  } catch {
    diagnostics.push(problem(target, 'error', 'not-found', 'no such file or folder: check the path'));
    return [];
  }
  if (stat.isDirectory()) {
    // No symlink following: a link loop in a corpus folder cannot trap the walk.
    return fg('**/*' + SIDECAR_SUFFIX, {
      cwd: target, absolute: true, onlyFiles: true, dot: true, followSymbolicLinks: false,
      ignore: ['**/node_modules/**', '**/.git/**'], suppressErrors: true,
    });
  }
  if (target.endsWith(SIDECAR_SUFFIX)) return [target];
  // A document: check its sidecar when it has one.
  const sidecar = target + SIDECAR_SUFFIX;
  if (await fsp.stat(sidecar).then(() => true, () => false)) return [sidecar];
  diagnostics.push(problem(target, 'warning', 'no-sidecar', `not a sidecar, and there is no ${path.basename(sidecar)} beside it: nothing to check`));
  return [];
}

function problem(location: string, severity: Severity, code: string, message: string, line = 1, column = 1): Diagnostic {
  return { location, line, column, severity, code, message };
}

async function readBounded(location: string, limit: number): Promise<Uint8Array | 'too-large'> {
  const stat = await fsp.stat(location);
  if (stat.size > limit) return 'too-large';
  return fsp.readFile(location);
}

function preview(quote: string): string {
  const flat = quote.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > QUOTE_PREVIEW ? chars.slice(0, QUOTE_PREVIEW - 1).join('') + '…' : flat;
}

async function checkSidecar(location: string, diagnostics: Diagnostic[]): Promise<Omit<FileReport, 'path'>> {
  const report: Omit<FileReport, 'path'> = { claims: 0, anchors: { exact: 0, moved: 0, fuzzy: 0, orphaned: 0 } };
  let bytes: Uint8Array | 'too-large';
  try {
    bytes = await readBounded(location, MAX_SIDECAR_BYTES);
  } catch (error) {
    diagnostics.push(problem(location, 'error', 'read-failed', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check its permissions`));
    return report;
  }
  if (bytes === 'too-large') {
    diagnostics.push(problem(location, 'error', 'too-large', `the file is larger than ${MAX_SIDECAR_BYTES / 1048576} MB, too large for a sidecar: check that it is really a ClaimLens sidecar`));
    return report;
  }
  let text: string;
  try {
    text = decodeText(bytes).text;
  } catch (error) {
    const what = error instanceof UndecodableTextError ? error.message : String(error);
    diagnostics.push(problem(location, 'error', 'encoding', `the file ${what}: a sidecar is UTF-8 text; restore it from Git`));
    return report;
  }
  const parsed = parseSidecar(text, location);
  diagnostics.push(...parsed.diagnostics);
  const sidecar = parsed.sidecar;
  if (!sidecar) return report;
  report.claims = sidecar.claims.length;
  const locate = parsed.locate ?? (() => ({ line: 1, column: 1 }));

  const documentLocation = documentLocationFor(location) as string;
  const docAt = locate(['document', 'name']);
  if (sidecar.document.name && sidecar.document.name !== path.basename(documentLocation)) {
    diagnostics.push(problem(location, 'warning', 'document-name',
      `document.name is "${sidecar.document.name}" but this sidecar belongs to ${path.basename(documentLocation)}: rename the sidecar or fix the name`, docAt.line, docAt.column));
  }
  let docBytes: Uint8Array | 'too-large';
  try {
    docBytes = await readBounded(documentLocation, MAX_DOCUMENT_BYTES);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    diagnostics.push(problem(location, 'error', 'document-missing', missing
      ? `the annotated document ${path.basename(documentLocation)} is missing beside this sidecar: restore or move it back, or delete the sidecar if the document is gone for good`
      : `cannot read the annotated document ${path.basename(documentLocation)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check its permissions`,
    docAt.line, docAt.column));
    return report;
  }
  if (docBytes === 'too-large') {
    diagnostics.push(problem(location, 'warning', 'document-too-large', `the document is larger than ${MAX_DOCUMENT_BYTES / 1048576} MB: its anchors were not checked`, docAt.line, docAt.column));
    return report;
  }
  let documentText: string;
  try {
    documentText = decodeText(docBytes).text;
  } catch (error) {
    const what = error instanceof UndecodableTextError ? error.message : String(error);
    diagnostics.push(problem(location, 'error', 'document-encoding', `the document ${path.basename(documentLocation)} ${what}: annotations need a UTF-8 text document`, docAt.line, docAt.column));
    return report;
  }

  const sha = await sha256Hex(documentText);
  if (sidecar.document.sha256 && sidecar.document.sha256 !== sha) {
    const at = locate(['document', 'sha256']);
    diagnostics.push(problem(location, 'info', 'document-changed', 'the document changed since the annotations were last saved; anchors were checked against its current text', at.line, at.column));
  }

  const map = new OffsetMap(documentText);
  const lineOf = lineIndex(documentText);
  const deadline = Date.now() + ANCHOR_BUDGET_MS;
  let unchecked = 0;
  sidecar.claims.forEach((claim, i) => {
    // Bounded work: past the budget (a huge document full of orphans), the rest is reported as not checked.
    if (Date.now() > deadline) {
      unchecked++;
      return;
    }
    const r = resolveAnchor(documentText, claim.anchor, { map });
    report.anchors[r.status]++;
    if (r.status === 'exact') return;
    const at = locate(['claims', i, 'anchor']);
    const quote = `"${preview(claim.anchor.exact)}"`;
    if (r.status === 'orphaned') {
      diagnostics.push(problem(location, claim.status === 'rejected' ? 'warning' : 'error', 'orphan',
        `claim ${claim.id}: its quote ${quote} is no longer in the document (orphaned; kept as is): select the text again in the editor and re-anchor the claim, or delete it`,
        at.line, at.column));
      return;
    }
    const where = lineOf(map.toUtf16(r.start ?? 0));
    diagnostics.push(problem(location, 'warning', r.status === 'moved' ? 'anchor-moved' : 'anchor-fuzzy', r.status === 'moved'
      ? `claim ${claim.id}: its quote ${quote} moved to document line ${where.line}, column ${where.column}: re-anchor the sidecar (ClaimLens: Re-anchor Annotations) to update the stored offsets`
      : `claim ${claim.id}: its quote ${quote} was edited in the document; the closest match is at document line ${where.line}, column ${where.column} (score ${r.score}): check it, then re-anchor the claim`,
    at.line, at.column));
  });
  if (unchecked) {
    diagnostics.push(problem(location, 'warning', 'anchors-not-checked',
      `${unchecked} of ${sidecar.claims.length} anchors were not checked: checking took longer than ${ANCHOR_BUDGET_MS / 1000} s; check this sidecar on its own to finish`, docAt.line, docAt.column));
  }
  return report;
}

/** Line and column (1-based, columns in code points) of a UTF-16 offset. */
function lineIndex(text: string): (utf16Offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: [...text.slice(starts[lo], offset)].length + 1 };
  };
}
