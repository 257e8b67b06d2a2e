/**
 * Renders `llmsim bench`'s HTML report in headless Chromium (Debian's `chromium`) and saves a screenshot, to check the
 * self-contained report (inline SVG, no script, no CDN) draws: a `--simulate` run (2,000 requests, Poisson 30 req/s,
 * 8B H100 profile) with engine state over time.
 * Run: node --import tsx bench/report-render.ts [OUT.png]   (needs `apt-get install chromium`)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, type BenchOptions } from '../src/loadgen/options.ts';
import { runBench } from '../src/loadgen/command.ts';

const png = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'llmsim-report-')), 'report.png');
const html = png.replace(/\.png$/, '.html');
await runBench(
  parseBenchArgs([
    '--simulate',
    '--num-prompts',
    '2000',
    '--random-input-len',
    '1024',
    '--random-output-len',
    '128',
    '--random-range-ratio',
    '0.5',
    '--request-rate',
    '30',
    '--html-report',
    html,
  ]) as BenchOptions,
);
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--hide-scrollbars',
  '--window-size=1240,1800',
];
execFileSync('chromium', [...flags, `--screenshot=${png}`, `file://${html}`], { stdio: 'ignore', timeout: 60_000 });
process.stdout.write(`report ${html} (${statSync(html).size} bytes) rendered to ${png} (${statSync(png).size} bytes)\n`);
