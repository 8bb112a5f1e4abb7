// npm run build: src/ bundled into dist/ (esbuild), plus the embedded database snapshot.
// Bundling matters for start-up: Kysely alone is ~400 modules, 70–90 ms to load one by one, ~10 ms bundled.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
// Bundled: pure JavaScript made of many small modules. Everything else stays an installed package:
// native code (argon2), WebAssembly and its files (PGlite), worker-thread transports (pino), the chat
// SDKs (loaded only when serving) and the strength estimator's dictionaries (loaded in a worker).
const BUNDLED = new Set(['kysely', 'kysely-pglite-dialect', 'pg', 'zod']);

rmSync(new URL('dist', root), { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: { main: 'src/main.ts', 'embedded-snapshot': 'scripts/embedded-snapshot.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // pg's optional native driver is never used.
  external: [...Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)), 'pg-native'],
  // Bundled CommonJS (pg) requires Node's built-in modules.
  banner: {
    js: "import { createRequire as __popbotRequire } from 'node:module'; const require = __popbotRequire(import.meta.url);",
  },
  // pg asks whether it runs on Cloudflare Workers: where Node has no `navigator` (20), it builds a fetch
  // Response to find out, which loads undici (~16 ms at every start). It runs on Node.
  define: { navigator: '{"userAgent":"Node.js"}' },
  logLevel: 'warning',
});
// The owner's link pages (SPEC §10): a small script and, loaded after it, the strength estimator, served
// by popbot itself (no third-party resource). Stored gzipped too: the dictionaries are ~1.6 MB.
await build({
  absWorkingDir: root.pathname,
  entryPoints: { 'link-page': 'src/web/link-page.js' },
  outdir: 'dist/web',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(new URL('src/web/link-page.css', root), new URL('dist/web/link-page.css', root));
for (const name of readdirSync(new URL('dist/web', root))) {
  const file = new URL(`dist/web/${name}`, root);
  writeFileSync(new URL(`dist/web/${name}.gz`, root), gzipSync(readFileSync(file), { level: 9 }));
}
const { writeSnapshot } = await import(new URL('dist/embedded-snapshot.js', root).href);
await writeSnapshot(new URL('dist/embedded-snapshot.tar.gz', root).pathname);
rmSync(new URL('dist/embedded-snapshot.js', root));
