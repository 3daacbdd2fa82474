// `npm run test:desktop`: the same integration suites in desktop VS Code 1.100.3 through
// @vscode/test-electron, for machines that can download VS Code builds (and have a display, or
// xvfb-run). Offline machines use `npm run test:integration` (code-server + headless Chromium).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { download, runTests, SilentReporter, TestRunFailedError } from '@vscode/test-electron';
import { SUITES } from '../integration/suites';
import { progress, repoRoot, SetupError, VSCODE_VERSION } from './codeServer';
import { prepareWorkspace } from './workspace';

const testsEntry = path.join(repoRoot, 'out', 'test', 'integration', 'index');
// Next to code-server's cache; .vscode-test/ is git-ignored.
const desktopCache = path.join(repoRoot, '.vscode-test', 'desktop');

async function main(): Promise<number> {
  const only = process.env.CLAIMLENS_TEST_SUITE;
  const suites = SUITES.filter((suite) => !only || suite.name === only);
  if (suites.length === 0) throw new SetupError(`unknown CLAIMLENS_TEST_SUITE '${only}' (known: ${SUITES.map((s) => s.name).join(', ')})`);
  if (!fs.existsSync(`${testsEntry}.js`)) throw new SetupError(`${path.relative(process.cwd(), testsEntry)}.js not found; run 'npm run build' first`);

  progress(`getting desktop VS Code ${VSCODE_VERSION} (downloaded once into ${path.relative(process.cwd(), desktopCache)})`);
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await download({ version: VSCODE_VERSION, cachePath: desktopCache, reporter: new SilentReporter(), timeout: 30_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SetupError(`cannot download desktop VS Code ${VSCODE_VERSION} (${reason}); this machine has no access to update.code.visualstudio.com, run 'npm run test:integration' instead`);
  }

  const failed: string[] = [];
  for (const suite of suites) {
    const workspace = prepareWorkspace(suite.workspace);
    try {
      progress(`suite '${suite.name}': opening ${workspace.folder} in desktop VS Code ${VSCODE_VERSION}`);
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: testsEntry,
        extensionTestsEnv: { CLAIMLENS_TEST_SUITE: suite.name },
        launchArgs: [
          workspace.folder,
          '--disable-extensions', // only the extension under development
          '--skip-welcome',
          '--skip-release-notes',
          ...(suite.trusted ? ['--disable-workspace-trust'] : []),
        ],
      });
    } catch (error) {
      if (!(error instanceof TestRunFailedError)) throw error;
      failed.push(suite.name);
    } finally {
      workspace.remove();
    }
  }
  if (failed.length > 0) {
    progress(`desktop integration tests FAILED in ${failed.join(', ')}`);
    return 1;
  }
  progress('desktop integration tests passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:desktop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
