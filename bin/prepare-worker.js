// Entry of a preparation worker thread (src/pipeline/prepare-pool.ts): the same TypeScript loader as bin/llmsim.js
// (each thread registers its own module hooks), then the worker module, whose default export is piscina's task.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.js', import.meta.url);
const { default: prepareTask } = await import('../src/dialects/prepare-worker.ts');
export default prepareTask;
