/** @module `llmsim` command line: `serve`, `--help`, `--version`. Thin: parses, builds, starts, handles signals. */
import { readFileSync } from 'node:fs';
import { parseServeArgs, UsageError } from './args.ts';
import { SERVE_HELP } from './serve-help.ts';
import { startSimulator, type Simulator } from './start.ts';
import type { ServeOptions } from '../scenario/options.ts';
import { loadScenario, scenarioJsonSchema } from '../scenario/load.ts';
import { summarizeScenario } from '../scenario/summary.ts';
import { calibrateCommand } from './calibrate.ts';

const HELP = `Usage: llmsim <command> [options]

A deterministic simulator of a vLLM serving engine (OpenAI-compatible API).

Commands:
  serve [MODEL] [options]   start the server (see \`llmsim serve --help\`)
  scenario check FILE       validate a scenario file
  scenario schema           print the scenario JSON Schema (for editor completion)
  calibrate RESULT.json...  fit a latency profile to vllm bench serve / guidellm results
  bench [options]           load-test a server with vLLM's bench vocabulary (see \`llmsim bench --help\`)

Options:
  -h, --help                show this help
  -v, --version             print the version
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`llmsim ${packageVersion()}\n`);
    return 0;
  }
  if (command === 'scenario') return scenarioCommand(rest);
  if (command === 'calibrate') return calibrateCommand(rest);
  if (command === 'bench') return (await import('../loadgen/command.ts')).benchCommand(rest);
  if (command !== 'serve') {
    process.stderr.write(`llmsim: unknown command '${command}' (try 'llmsim --help')\n`);
    return 2;
  }
  try {
    const options = parseServeArgs(rest, process.env);
    if (options === 'help') {
      process.stdout.write(SERVE_HELP);
      return 0;
    }
    const sim = await startSimulator(options);
    printBanner(sim, options);
    process.on('SIGHUP', () => {
      if (!sim.ctx.reload) return void process.stderr.write('llmsim: SIGHUP ignored (no --scenario)\n');
      try {
        for (const r of sim.replicas) r.ctx.reload?.();
        process.stderr.write(`llmsim: scenario reloaded (${sim.ctx.models.flatMap((m) => m.aliases).join(', ')})\n`);
      } catch (err) {
        process.stderr.write(`llmsim: reload failed, keeping the previous scenario:\n${(err as Error).message}\n`);
      }
    });
    await waitForSignal();
    process.stderr.write('llmsim: shutting down\n');
    await sim.close();
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`llmsim: ${err instanceof UsageError ? `${message} (try 'llmsim serve --help')` : message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** What is served where, on which profile and engine sizing, plus the vLLM flags accepted without effect. */
function printBanner(sim: Simulator, options: ServeOptions): void {
  const out = (line: string): void => void process.stderr.write(`llmsim: ${line}\n`);
  for (const r of sim.replicas) {
    out(`serving ${r.ctx.models.flatMap((m) => m.aliases).join(', ')} on ${r.url}${sim.replicas.length > 1 ? ` (${r.name})` : ''}`);
    for (const line of r.engines) out(`  ${line}`);
    for (const [rank, kv] of r.kvEvents.entries()) out(`  KV events (rank ${rank}): ${kv.endpoint}${kv.replayEndpoint ? `, replay ${kv.replayEndpoint}` : ''}`);
  }
  if (options.ignoredFlags.length > 0) out(`accepted without effect: ${options.ignoredFlags.join(' ')}`);
  if (options.modelLoadSeconds > 0) out(`simulated model load: /health answers 503 for ${options.modelLoadSeconds} s`);
}

function scenarioCommand([sub, file]: readonly string[]): number {
  try {
    if (sub === 'schema') {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
      return 0;
    }
    if (sub === 'check' && file) {
      const scenario = loadScenario(file);
      process.stdout.write(summarizeScenario(file, scenario));
      return 0;
    }
    process.stderr.write('llmsim: usage: llmsim scenario check FILE | llmsim scenario schema\n');
    return 2;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
