// Bundles the extension and the CLI with esbuild (tsc has already type-checked
// and emitted out/ for the tests). Run through `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, existsSync } from 'node:fs';

const production = process.env.NODE_ENV === 'production' || process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

mkdirSync('dist', { recursive: true });
const entries = [
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// The extraction worker thread of `claimlens index build` (src/cli/workerPool.ts loads it from
// the folder of the bundle that starts it, so the extension can reuse it too).
if (existsSync('src/cli/indexWorker.ts')) {
  entries.push({ entryPoints: ['src/cli/indexWorker.ts'], outfile: 'dist/indexWorker.js' });
}
await Promise.all(entries.map((e) => build({ ...common, ...e })));
chmodSync('dist/cli.js', 0o755);
if (existsSync('src/core/sidecar/sidecar.schema.json')) {
  copyFileSync('src/core/sidecar/sidecar.schema.json', 'dist/sidecar.schema.json');
}
