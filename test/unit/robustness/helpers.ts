// Shared tools of the robustness tests: a file system that fails on demand, an in-process CLI,
// temporary folders, and a sidecar text written the way a person would write one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';
import { type FileStat, type FileSystem, MemoryFileSystem } from '../../../src/core/fs';

type Operation = 'readFile' | 'writeFile' | 'rename' | 'delete' | 'stat' | 'createExclusive';

/** An errno-style error, as Node's fs raises them. */
export function errnoError(code: string, location: string): Error {
  return Object.assign(new Error(`${code}: operation failed, ${location}`), { code });
}

/**
 * A MemoryFileSystem whose operations can be made to fail (disk full, no permission, read-only
 * file system) or intercepted (to change a file between a read and a write).
 */
export class FaultyFileSystem implements FileSystem {
  readonly memory = new MemoryFileSystem();
  /** Returns an error to throw instead of doing the operation, or undefined to let it run. */
  fault: (operation: Operation, location: string) => Error | undefined = () => undefined;
  /** Runs before every operation (after the fault check passed). */
  before: (operation: Operation, location: string) => Promise<void> | void = () => undefined;
  readonly log: Array<[Operation, string]> = [];

  private async guard(operation: Operation, location: string): Promise<void> {
    this.log.push([operation, location]);
    const error = this.fault(operation, location);
    if (error) throw error;
    await this.before(operation, location);
  }
  async readFile(location: string): Promise<Uint8Array> {
    await this.guard('readFile', location);
    return this.memory.readFile(location);
  }
  async writeFile(location: string, data: Uint8Array): Promise<void> {
    await this.guard('writeFile', location);
    return this.memory.writeFile(location, data);
  }
  async rename(from: string, to: string): Promise<void> {
    await this.guard('rename', to);
    return this.memory.rename(from, to);
  }
  async delete(location: string): Promise<void> {
    await this.guard('delete', location);
    return this.memory.delete(location);
  }
  async stat(location: string): Promise<FileStat | undefined> {
    await this.guard('stat', location);
    return this.memory.stat(location);
  }
  async createExclusive(location: string, data: Uint8Array): Promise<boolean> {
    await this.guard('createExclusive', location);
    return this.memory.createExclusive(location, data);
  }
  /** Reads a file as text without going through the faults. */
  async text(location: string): Promise<string | undefined> {
    return (await this.memory.stat(location)) ? new TextDecoder().decode(await this.memory.readFile(location)) : undefined;
  }
  async put(location: string, text: string): Promise<void> {
    await this.memory.writeFile(location, new TextEncoder().encode(text));
  }
}

/** Runs the CLI in-process and captures what it prints. */
export async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    cwd,
    stdin: Readable.from([]),
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    env: {},
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A fresh folder under the system's temporary folder, removed by the returned function. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `claimlens-robust-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** No stack trace, no internal error: what a person is shown. */
export function assertNoStackTrace(text: string): void {
  if (/\n\s+at .+:\d+:\d+\)?/.test(text) || /internal error/i.test(text)) {
    throw new Error(`a stack trace or internal error reached the user:\n${text}`);
  }
}

export const ARTICLE = 'Harbour news\n\nCouncil member Jane Roe said on Monday that the new bridge would cost twice as much as the old one.\n';
export const CLAIM_TEXT = 'the new bridge would cost twice as much as the old one';

/** A valid sidecar for {@link ARTICLE} with one claim, written by hand (with a comment). */
export function handWrittenSidecar(documentName = 'a.txt', extra = ''): string {
  const start = [...ARTICLE.slice(0, ARTICLE.indexOf(CLAIM_TEXT))].length;
  return [
    'version: 1',
    'document:',
    `  name: ${documentName}`,
    'speakers:',
    '  - id: jane-roe',
    '    name: Jane Roe',
    '    kind: person',
    '    aliases: []',
    'claims:',
    '  # checked against the council budget',
    '  - id: c-bridge',
    '    anchor:',
    `      exact: ${CLAIM_TEXT}`,
    `      prefix: "said on Monday that "`,
    `      suffix: ".\\n"`,
    `      start: ${start}`,
    `      end: ${start + [...CLAIM_TEXT].length}`,
    '    speaker: jane-roe',
    '    kind: indirect',
    '    status: accepted',
    '    verdict: mostly-false',
    '    rationale: The budget shows 1.4 times.',
    '    sources: []',
    '    tags: []',
    'stances: []',
    extra,
  ].join('\n');
}
