// Entry point VS Code's extension host calls for `extensionTestsPath` when the runner is started
// with CLAIMLENS_SUITE=bench (test/host/runInCodeServer.ts): runs every *.bench.js of this folder
// and prints each result as one line `CLAIMLENS_BENCH <name> <json>`, which test/bench/index.ts
// reads back from the runner's output. Rejecting makes the workbench exit non-zero.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BENCH_MARKER = 'CLAIMLENS_BENCH';

export async function run(): Promise<void> {
  // Lines of the test run reach the runner only with its tag (see test/integration/index.ts).
  const tag = process.env.CLAIMLENS_TEST_LOG_TAG ?? '';
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort();
  if (files.length === 0) throw new Error(`no *.bench.js in ${__dirname}`);
  for (const file of files) {
    const name = file.replace(/\.bench\.js$/, '');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench = require(path.join(__dirname, file)) as { measure(): Promise<unknown> };
    try {
      const result = await bench.measure();
      console.log(`${tag}${BENCH_MARKER} ${name} ${JSON.stringify(result)}`);
    } catch (error) {
      console.log(`${tag}${BENCH_MARKER} ${name} ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}`);
      throw error;
    }
  }
}
