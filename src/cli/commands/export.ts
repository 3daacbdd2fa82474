/**
 * `claimlens export`: sidecars to the formats others read — ClaimReview
 * JSON-LD for publishing, W3C Web Annotation JSON-LD, brat standoff, CSV.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { documentLocationFor, SIDECAR_SUFFIX, sidecarLocationFor } from '../../core/fs';
import { toBrat } from '../../core/interchange/brat';
import { toClaimReviews } from '../../core/interchange/claimReview';
import { claimsToCsv } from '../../core/interchange/csv';
import { ratingScaleOf } from '../../core/interchange/ratingScale';
import { toWebAnnotationCollection } from '../../core/interchange/webAnnotation';
import { readSidecarVersion, SidecarReadError } from '../../core/review/load';
import type { Sidecar } from '../../core/sidecar/model';
import { decodeText } from '../../core/text';
import { CliError, type CliCommand, type CliIO, UsageError, parseCommandArgs } from '../io';
import { readFileText } from '../files';

const FORMATS = ['claimreview', 'webannotation', 'brat', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const usage = `Usage: claimlens export --format <format> [options] <paths…>

Exports the annotations of documents (give the documents, their
*.annotations.yaml sidecars, or folders to search) as:
  claimreview    schema.org ClaimReview JSON-LD, one per reviewed claim (a kept
                 claim whose verdict is not 'unverified'): what fact-checkers
                 publish for search engines
  webannotation  W3C Web Annotation JSON-LD: an AnnotationCollection, one
                 Annotation per kept claim (TextQuoteSelector +
                 TextPositionSelector; verdict, rationale, note, tags, speaker)
  brat           brat standoff (.ann): Source/Cue/Content spans tied by
                 Attribution events, as in PolNeAR; Source and Cue are found in
                 the document when it sits next to the sidecar
  csv            one row per claim (RFC 4180), safe to open in spreadsheets

Options:
  --out <file>             write there instead of standard output (brat with
                           several documents: a folder, one .ann per document)
  --publisher <name>       claimreview: the fact-checking organisation (author)
  --publisher-url <url>    claimreview: its web site
  --document-url <url>     the annotated document's URL (one document), or a
                           base URL the document file names are appended to
                           (ending in /)
  --review-url <url>       claimreview: the page publishing the reviews; {id}
                           is replaced by the claim id

Exit status: 0 written, 1 a sidecar could not be read, 2 wrong usage.
`;

const command: CliCommand = {
  name: 'export',
  summary: 'export annotations as ClaimReview, W3C Web Annotation, brat standoff or CSV',
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        publisher: { type: 'string' },
        'publisher-url': { type: 'string' },
        'document-url': { type: 'string' },
        'review-url': { type: 'string' },
      },
    });
    const { values, positionals } = parsed;
    const format = values.format as Format | undefined;
    if (!format) throw new UsageError(`--format is required (${FORMATS.join(', ')})`);
    if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${format}' (expected ${FORMATS.join(', ')})`);
    if (positionals.length === 0) throw new UsageError('give the documents or sidecars to export');

    const locations = await sidecarLocations(positionals, io.cwd);
    if (locations.length === 0) throw new CliError(`no ${SIDECAR_SUFFIX} files found under ${positionals.join(', ')}`);
    const loaded: Array<{ location: string; sidecar: Sidecar }> = [];
    for (const location of locations) {
      const sidecar = await readSidecarFile(location, path.relative(io.cwd, location) || location);
      if (sidecar) loaded.push({ location, sidecar });
    }
    const sidecars = loaded.map((l) => l.sidecar);
    const warn = (message: string) => io.stderr.write(`claimlens export: warning: ${message}\n`);
    const documentUrlOption = values['document-url'];
    if (documentUrlOption && !documentUrlOption.endsWith('/') && sidecars.length > 1) {
      throw new UsageError('--document-url names one document; for several, give a base URL ending in /');
    }
    const documentUrl = documentUrlOption
      ? (s: Sidecar) => (documentUrlOption.endsWith('/') ? documentUrlOption + encodeURIComponent(s.document.name) : documentUrlOption)
      : undefined;
    const scale = ratingScaleOf();

    if (format === 'brat') {
      const outputs = await Promise.all(
        loaded.map(async ({ location, sidecar }) => ({
          name: sidecar.document.name.replace(/\.[^.]*$/u, '') + '.ann',
          text: toBrat(sidecar, { text: await documentText(location), warn }),
        })),
      );
      if (outputs.length === 1) {
        await emit(outputs[0].text, values.out, io);
      } else {
        if (!values.out) throw new UsageError('brat export of several documents needs --out <folder>');
        const folder = path.resolve(io.cwd, values.out);
        await fsp.mkdir(folder, { recursive: true });
        for (const o of outputs) await fsp.writeFile(path.join(folder, o.name), o.text);
        io.stderr.write(`claimlens export: wrote ${outputs.length} .ann files to ${values.out}\n`);
      }
      return 0;
    }

    let text: string;
    if (format === 'csv') {
      text = claimsToCsv(sidecars);
    } else if (format === 'claimreview') {
      const reviewUrl = values['review-url'];
      const reviews = toClaimReviews(sidecars, {
        scale,
        warn,
        documentUrl,
        ...(values.publisher ? { publisher: { name: values.publisher, ...(values['publisher-url'] ? { url: values['publisher-url'] } : {}) } } : {}),
        ...(reviewUrl ? { reviewUrl: (_s: Sidecar, c: { id: string }) => reviewUrl.replaceAll('{id}', encodeURIComponent(c.id)) } : {}),
      });
      if (reviews.length === 0) warn('no reviewed claim (every claim is unverified or rejected): the export is empty');
      text = JSON.stringify(reviews, null, 2) + '\n';
    } else {
      text = JSON.stringify(toWebAnnotationCollection(sidecars, { scale, documentUrl }), null, 2) + '\n';
    }
    await emit(text, values.out, io);
    return 0;
  },
};

export default command;

async function emit(text: string, out: string | undefined, io: CliIO): Promise<void> {
  if (!out) {
    io.stdout.write(text);
    return;
  }
  const target = path.resolve(io.cwd, out);
  try {
    await fsp.writeFile(target, text);
  } catch (e) {
    throw new CliError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Sidecars for the given documents, sidecars and folders, sorted, without duplicates. */
async function sidecarLocations(inputs: string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const stat = await fsp.stat(absolute).catch(() => undefined);
    if (stat?.isDirectory()) {
      const matches = await fg(`**/*${SIDECAR_SUFFIX}`, { cwd: absolute, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
      for (const m of matches) found.add(path.normalize(m));
    } else if (absolute.endsWith(SIDECAR_SUFFIX)) {
      if (!stat) throw new CliError(`${input}: no such file`);
      found.add(absolute);
    } else {
      const sidecar = sidecarLocationFor(absolute);
      if (!(await fsp.stat(sidecar).catch(() => undefined))) throw new CliError(`${input}: no annotations (expected ${path.basename(sidecar)} next to it)`);
      found.add(sidecar);
    }
  }
  return [...found].sort();
}

async function readSidecarFile(location: string, shown: string): Promise<Sidecar | undefined> {
  const text = await readFileText(location, shown);
  try {
    return readSidecarVersion(text, shown, { strict: true });
  } catch (e) {
    if (e instanceof SidecarReadError) throw new CliError(`cannot export: ${e.message} (run 'claimlens check')`);
    throw e;
  }
}

async function documentText(sidecarLocation: string): Promise<string | undefined> {
  const document = documentLocationFor(sidecarLocation);
  if (!document) return undefined;
  try {
    return decodeText(await fsp.readFile(document)).text;
  } catch {
    return undefined; // no document: brat export uses the stored anchors alone
  }
}
