// Builds the status page into dist/: app.js and app.css bundled by
// esbuild from src/main.js (Chart.js included from node_modules), and
// index.html copied from src/.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist');
await build({
  entryPoints: { app: 'src/main.js' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: 'dist',
  legalComments: 'linked',
  logLevel: 'info',
});
await copyFile('src/index.html', 'dist/index.html');
