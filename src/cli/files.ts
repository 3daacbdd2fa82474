/** Reading the files a command is given, with failures as one-line errors that name the file. */
import { promises as fsp } from 'node:fs';
import { decodeText, UndecodableTextError } from '../core/text';
import { CliError } from './io';

/** The bytes of `location`; a missing or unreadable file is a CliError naming `shown`. */
export async function readFileBytes(location: string, shown: string): Promise<Uint8Array> {
  try {
    return await fsp.readFile(location);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${shown}: no such file` : `${shown}: cannot read (${code ?? (e as Error).message})`);
  }
}

/** UTF-8 text (BOM dropped); binary or invalid UTF-8 is a CliError naming `shown`. */
export function decodeFileText(bytes: Uint8Array, shown: string): string {
  try {
    return decodeText(bytes).text;
  } catch (e) {
    if (e instanceof UndecodableTextError) throw new CliError(`${shown}: ${e.message}`);
    throw e;
  }
}

/** {@link readFileBytes} then {@link decodeFileText}. */
export async function readFileText(location: string, shown: string): Promise<string> {
  return decodeFileText(await readFileBytes(location, shown), shown);
}
