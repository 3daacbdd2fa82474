// The integration suites and the VS Code each one needs. The runners (test/host/runInCodeServer.ts,
// test/host/runInDesktop.ts) start one VS Code per suite; index.ts, running inside that VS Code's
// extension host, reads CLAIMLENS_TEST_SUITE to load only that suite's test files.
// Plain data, no `vscode` import: both sides load this module.

export type WorkspaceKind =
  /** A fresh temporary copy of seeds/ (or of CLAIMLENS_TEST_WORKSPACE when set). */
  | 'seeds'
  /** The same copy made a Git repository with one commit, for features that read Git history. */
  | 'seeds-git';

export interface IntegrationSuite {
  /** Selects the suite: `CLAIMLENS_TEST_SUITE=<name> npm run test:integration`. */
  readonly name: string;
  /**
   * Folder of out/test/integration/ holding the suite's `*.test.js`. '' = the main suite: every
   * test file except those in other suites' folders.
   */
  readonly folder: string;
  readonly workspace: WorkspaceKind;
  /**
   * false: VS Code's workspace trust is on and the temporary folder is not trusted, so the
   * workbench runs in restricted mode. true: trust is disabled, everything is trusted.
   */
  readonly trusted: boolean;
}

export const SUITES: readonly IntegrationSuite[] = [
  { name: 'main', folder: '', workspace: 'seeds', trusted: true },
  // Git review in VS Code: the seeds committed in a fresh repository (test/integration/git/).
  { name: 'git', folder: 'git', workspace: 'seeds-git', trusted: true },
  // Restricted Mode: ClaimLens shows but writes nothing (test/integration/untrusted/).
  { name: 'untrusted', folder: 'untrusted', workspace: 'seeds', trusted: false },
  // Later issues add e.g. { name: 'git', folder: 'git', workspace: 'seeds-git', trusted: true } and
  // { name: 'untrusted', folder: 'untrusted', workspace: 'seeds', trusted: false }.
];

export const DEFAULT_SUITE = 'main';

/**
 * Set by the browser runner: index.ts then starts every console line of the test run with this
 * tag, so the runner can tell mocha's report apart from the workbench's own log, which reaches it
 * through the same channel (window.codeAutomationLog).
 */
export const LOG_TAG_VARIABLE = 'CLAIMLENS_TEST_LOG_TAG';
