// Builds the widget into dist/widget.js: one classic script (IIFE) bundled
// by esbuild from src/main.js with @xmpp/client and @noble/hashes from
// node_modules, and dist/demo.html, a page that embeds it.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

// @xmpp/resolve imports node:dns for SRV look-ups, which a browser never
// does (its package.json "browser" map misses the .js path): empty stub.
const nodeBuiltins = {
  name: 'node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};' }));
  },
};

await rm('dist', { recursive: true, force: true });
await mkdir('dist');
await build({
  entryPoints: { widget: 'src/main.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  outdir: 'dist',
  legalComments: 'linked',
  logLevel: 'info',
  plugins: [nodeBuiltins],
});
await copyFile('src/demo.html', 'dist/demo.html');
