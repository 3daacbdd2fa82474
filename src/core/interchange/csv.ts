/**
 * Claims as CSV for spreadsheets: RFC 4180 (comma separated, CRLF rows, fields
 * quoted when they hold a comma, quote or line break, quotes doubled).
 *
 * Spreadsheet formula injection: a cell whose text starts with = + - @ (or a
 * tab or carriage return, which some spreadsheets skip before one of those) is
 * read as a formula by Excel, LibreOffice and Google Sheets. Claims are quoted
 * from articles and notes typed by people, so such cells are prefixed with an
 * apostrophe, which spreadsheets display as text (OWASP's advice).
 */
import type { Sidecar } from '../sidecar/model';
import { speakerName } from '../review/quote';

export const CSV_COLUMNS = [
  'document', 'id', 'speaker', 'kind', 'status', 'verdict', 'text', 'rationale', 'sources', 'tags', 'updated',
] as const;

export interface CsvOptions {
  /** How to name each sidecar's document; defaults to `document.name`. */
  documentName?: (sidecar: Sidecar) => string;
}

/** One header row, then one row per claim of every sidecar, in document then position order. */
export function claimsToCsv(sidecars: readonly Sidecar[], options: CsvOptions = {}): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const sidecar of sidecars) {
    const document = options.documentName?.(sidecar) ?? sidecar.document.name;
    const claims = [...sidecar.claims].sort((a, b) => a.anchor.start - b.anchor.start || (a.id < b.id ? -1 : 1));
    for (const c of claims) {
      rows.push([
        document,
        c.id,
        c.speaker === null ? '' : speakerName(sidecar, c.speaker),
        c.kind,
        c.status,
        c.verdict,
        c.anchor.exact,
        c.rationale ?? '',
        c.sources.map((s) => (s.title ? `${s.title} <${s.url}>` : s.url)).join('\n'),
        c.tags.join(', '),
        c.updated ?? '',
      ]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One CSV field, neutralised against formula injection and quoted per RFC 4180. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
  return /[",\r\n]/u.test(safe) ? `"${safe.replace(/"/gu, '""')}"` : safe;
}
