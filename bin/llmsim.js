#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through a small esbuild loader (bin/ts-hooks.js), so no build step is needed
// after `npm ci`.
import { register } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Let the old generation grow 5x past what survived the last full GC before the next one (V8's default is about
// 1.5-2x). A server holding thousands of streams promotes their objects steadily, and every full GC is a pause of
// tens of milliseconds on the event loop that drives every stream; this makes them rare, for some extra memory.
setFlagsFromString('--heap-growing-percent=400');

// Stack traces point at the TypeScript lines (the loader emits inline source maps).
process.setSourceMapsEnabled(true);
register('./ts-hooks.js', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
