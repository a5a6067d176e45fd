// Builds the phone page into dist/: phone.js bundled by esbuild from
// src/main.js, index.html and phone.css copied from src/.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist');
await build({
  entryPoints: { phone: 'src/main.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: 'dist',
  logLevel: 'info',
});
await copyFile('src/index.html', 'dist/index.html');
await copyFile('src/phone.css', 'dist/phone.css');
