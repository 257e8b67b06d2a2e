#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through a small esbuild loader (bin/ts-hooks.js), so no build step is needed
// after `npm ci`.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
