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

export const commands: CommandEntry[] = [
  { name: 'check', summary: 'validate annotation sidecars and their anchors (changes nothing)', load: async () => (require('./check') as typeof import('./check')).default },
  { name: 'diff', summary: 'show annotation changes in words (verdicts, attributions, sources), from files or Git', load: async () => (require('./diff') as typeof import('./diff')).default },
  { name: 'textconv', summary: "render a sidecar as readable text for Git's textconv (git diff, git log -p)", load: async () => (require('./textconv') as typeof import('./textconv')).default },
  { name: 'git-setup', summary: 'configure this Git repository for readable annotation diffs and semantic merges', load: async () => (require('./gitSetup') as typeof import('./gitSetup')).default },
  { name: 'merge', summary: 'Git merge driver: three-way semantic merge of sidecars (claimlens merge %O %A %B)', load: async () => (require('./merge') as typeof import('./merge')).default },
  { name: 'export', summary: 'export annotations as ClaimReview, W3C Web Annotation, brat standoff or CSV', load: async () => (require('./export') as typeof import('./export')).default },
  { name: 'import', summary: 'import brat standoff attributions (e.g. PolNeAR) as a sidecar', load: async () => (require('./import') as typeof import('./import')).default },
  { name: 'extract', summary: 'find speakers and claims in news text (table, or JSON Lines with --json)', load: async () => (require('./extract') as typeof import('./extract')).default },
  { name: 'stance', summary: 'directed sentiment between two entities in a sentence (reads sentence<TAB>p<TAB>q lines)', load: async () => (require('./stance') as typeof import('./stance')).default },
  { name: 'index', summary: 'persisted corpus index on all cores: build (incremental), merge shard outputs, list speakers', load: async () => (require('./indexCommand') as typeof import('./indexCommand')).default },
];
