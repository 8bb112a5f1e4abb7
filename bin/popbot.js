#!/usr/bin/env node
// Runs the compiled build in dist/ (made by `npm run build`, which `npm install` runs through `prepare`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('popbot is not built yet: run `npm run build` (or `npm install`, which builds it).\n');
  process.exit(1);
}
await import(main.href);
