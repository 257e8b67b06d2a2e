/** @module `llmsim` command line: `serve`, `--help`, `--version`. Thin: parses, builds, starts, handles signals. */
import { readFileSync } from 'node:fs';
import { parseServeArgs, SERVE_HELP, UsageError } from './args.ts';
import { startSimulator } from './start.ts';

const HELP = `Usage: llmsim <command> [options]

A deterministic simulator of a vLLM serving engine (OpenAI-compatible API).

Commands:
  serve [MODEL] [options]   start the server (see \`llmsim serve --help\`)

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
    process.stderr.write(`llmsim: serving ${sim.modelNames.join(', ')} on ${sim.url}\n`);
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
