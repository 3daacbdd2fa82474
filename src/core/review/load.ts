/**
 * Reading sidecar versions for review and merge: text that may be empty (Git
 * hands merge drivers an empty base when a file was added on both sides) or
 * broken (the diagnostics say where).
 */
import type { Diagnostic } from '../diagnostics';
import { formatDiagnostic } from '../diagnostics';
import { parseSidecar } from '../sidecar/parse';
import type { Sidecar } from '../sidecar/model';

export class SidecarReadError extends Error {
  constructor(readonly location: string, readonly diagnostics: Diagnostic[]) {
    super(
      diagnostics.length
        ? formatDiagnostic(diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0])
        : `${location}: not a ClaimLens sidecar`,
    );
  }
}

/**
 * `undefined` for empty text (no version); throws {@link SidecarReadError} for
 * text that is not a sidecar at all. With `strict`, any error-level finding
 * (e.g. an unresolved merge conflict) also refuses it: a merge must not build
 * on a file a person still has to fix, while a diff may show it.
 */
export function readSidecarVersion(yamlText: string, location: string, options: { strict?: boolean } = {}): Sidecar | undefined {
  if (yamlText.trim() === '') return undefined;
  const { sidecar, diagnostics, writable } = parseSidecar(yamlText, location);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // Strict refuses what the store would refuse to rewrite, and unresolved conflicts.
  const refused = !writable || errors.some((d) => d.code.includes('conflict'));
  if (!sidecar || (options.strict && refused)) throw new SidecarReadError(location, errors.length ? errors : diagnostics);
  return sidecar;
}
