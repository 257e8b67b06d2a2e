// Module hooks that run the TypeScript sources directly: each `.ts` file is transpiled by esbuild when first imported
// (types stripped, nothing bundled). Used instead of tsx's loader because tsx forces esbuild's `keepNames`, which
// wraps every closure the server creates per request in a `__name(fn, "name")` call — a few percent of the CPU on the
// hot path. Sources import each other with explicit `.ts` extensions, so no resolution hook is needed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: `node${process.versions.node}`, sourcemap: 'inline', sourcefile: path });
  return { format: 'module', source: code, shortCircuit: true };
}
