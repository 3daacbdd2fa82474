/**
 * A finding about a file, shared by `claimlens check`, the store and the
 * editor's Problems view. Lines and columns are 1-based, as people read them.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** The file the finding is about (path or URI string). */
  location: string;
  line: number;
  column: number;
  /** Optional end of the range, 1-based, for editors. */
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  /** Stable machine-readable kind, e.g. `yaml-syntax`, `schema`, `duplicate-id`, `orphan`. */
  code: string;
  /** One sentence: what is wrong and what to do. */
  message: string;
}

/** `file:line:column: severity: message`, the format editors and CI logs understand. */
export function formatDiagnostic(d: Diagnostic, displayLocation = d.location): string {
  return `${displayLocation}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
