/**
 * Every `claimlens` subcommand, loaded on demand so that `claimlens --help`
 * and small commands start fast.
 */
import type { CliCommand } from '../io';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CliCommand>;
}

export const commands: CommandEntry[] = [];
