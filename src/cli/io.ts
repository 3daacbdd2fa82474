/**
 * What a CLI command may touch: its arguments and three streams. Commands get
 * this instead of `process` so that unit tests run them in-process.
 */
import type { Readable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIO {
  cwd: string;
  stdin: Readable;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Wrong usage: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {}

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface CliCommand {
  name: string;
  /** One line for `claimlens --help`. */
  summary: string;
  /** The full usage text for `claimlens <name> --help`. */
  usage: string;
  /** Returns the exit code: 0 success, 1 findings or failure. Throws UsageError for wrong usage. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Colour only on a terminal, and never when NO_COLOR is set. */
export function useColor(stream: { isTTY?: boolean }, env: CliIO['env']): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/**
 * `util.parseArgs` for a command: a wrong option or a missing value becomes a one-line
 * {@link UsageError} (exit code 2), the same for every command.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}
