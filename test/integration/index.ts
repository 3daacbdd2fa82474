// Entry point VS Code's extension host calls for `extensionTestsPath`: run the suite named by
// CLAIMLENS_TEST_SUITE (default: main) with mocha and reject when any test fails, which makes the
// workbench report exit code 1 to the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SUITE, LOG_TAG_VARIABLE, SUITES } from './suites';

/** Compiled test files of one suite, sorted so runs are reproducible. */
export function suiteTestFiles(root: string, suiteName: string): string[] {
  const suite = SUITES.find((s) => s.name === suiteName);
  if (!suite) throw new Error(`unknown integration suite '${suiteName}' (known: ${SUITES.map((s) => s.name).join(', ')})`);
  const base = path.join(root, suite.folder);
  const otherFolders = SUITES.filter((s) => s !== suite && s.folder !== '').map((s) => path.join(root, s.folder) + path.sep);
  return (fs.readdirSync(base, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((relative) => relative.endsWith('.test.js'))
    .map((relative) => path.join(base, relative))
    .filter((file) => !otherFolders.some((folder) => file.startsWith(folder)))
    .sort();
}

export async function run(): Promise<void> {
  // mocha 12 is an ES module: import() loads it in every extension host (require() of ES modules
  // needs Node 20.19+, newer than some desktop VS Code builds' Electron).
  const { default: Mocha } = await import('mocha');
  const suiteName = process.env.CLAIMLENS_TEST_SUITE || DEFAULT_SUITE;
  // Colours would reach the runner's stdout as escape codes through codeAutomationLog.
  const tag = process.env[LOG_TAG_VARIABLE];
  if (tag) {
    // The extension host ignores assignments to console.*, but mocha's reporters print through
    // this replaceable reference.
    const print = Mocha.reporters.Base.consoleLog;
    Mocha.reporters.Base.consoleLog = (first: unknown = '', ...rest: unknown[]) =>
      typeof first === 'string' ? print(tag + first, ...rest) : print(tag + '%o', first, ...rest);
  }
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 20_000 });
  const files = suiteTestFiles(__dirname, suiteName);
  if (files.length === 0) throw new Error(`integration suite '${suiteName}' has no test files`);
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
