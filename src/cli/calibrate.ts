/**
 * @module `llmsim calibrate RESULT.json...`: fits a profile's efficiency and CPU terms to `vllm bench serve` (or
 * guidellm) result files, prints the per-point error table and writes the fitted profile YAML.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadProfile } from '../timing/profile.ts';
import { pickProfile } from '../timing/pick.ts';
import { pointsFromJson, type BenchPoint } from '../calibrate/results.ts';
import { fitProfile, FIT_TERMS, type FitTerm } from '../calibrate/fit.ts';
import { errorRows, formatTable, profileYaml } from '../calibrate/report.ts';

export const CALIBRATE_HELP = `Usage: llmsim calibrate RESULT.json... [options]

Fits a latency profile to your own benchmark results (vllm bench serve --save-result [--save-detailed], or guidellm
JSON reports), prints the per-point error table before and after, and writes the fitted profile as YAML.

Options:
  --profile NAME|FILE     starting profile (default: picked from the results' model id and --gpu)
  --gpu NAME              GPU of the runs, to pick the starting profile (h100, a100-40gb, l40s, ...)
  --tensor-parallel-size N
  --fit TERMS             comma-separated: ${FIT_TERMS.join(', ')}
                          (default: weights,compute,ingress_ms,per_step_ms, plus per_seq_us with >= 32 concurrent;
                          frontend_request_ms / frontend_chunk_us fit the API-server queue, for runs near its limit)
  --out FILE              where to write the profile YAML (default: <name>.yaml)
  --name NAME             the fitted profile's name (default: <start profile>-calibrated)
  --max-evals N           fit budget in replays of all points (default 400)
  -h, --help
`;

interface CalibrateOptions {
  files: string[];
  profile?: string;
  gpu?: string;
  tp?: number;
  fit?: FitTerm[];
  out?: string;
  name?: string;
  maxEvals: number;
}

function parse(argv: readonly string[]): CalibrateOptions | 'help' {
  const o: CalibrateOptions = { files: [], maxEvals: 400 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--profile') o.profile = value();
    else if (a === '--gpu') o.gpu = value();
    else if (a === '--tensor-parallel-size' || a === '-tp') o.tp = Number(value());
    else if (a === '--out') o.out = value();
    else if (a === '--name') o.name = value();
    else if (a === '--max-evals') o.maxEvals = Number(value());
    else if (a === '--fit') {
      const terms = value()
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const bad = terms.filter((t) => !(FIT_TERMS as readonly string[]).includes(t));
      if (bad.length) throw new Error(`--fit: unknown term(s) ${bad.join(', ')}; known: ${FIT_TERMS.join(', ')}`);
      o.fit = terms as FitTerm[];
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) throw new Error('no result files given');
  if (!Number.isInteger(o.maxEvals) || o.maxEvals < 10) throw new Error('--max-evals must be an integer >= 10');
  return o;
}

export function calibrateCommand(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  let o: CalibrateOptions | 'help';
  try {
    o = parse(argv);
  } catch (err) {
    process.stderr.write(`llmsim calibrate: ${(err as Error).message} (try 'llmsim calibrate --help')\n`);
    return 2;
  }
  if (o === 'help') {
    out(CALIBRATE_HELP);
    return 0;
  }
  try {
    const points: BenchPoint[] = o.files.flatMap((f) => {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(f, 'utf8'));
      } catch (err) {
        throw new Error(`${f}: ${(err as Error).message.split('\n')[0]}`);
      }
      return pointsFromJson(data, basename(f));
    });
    const model = points.find((p) => p.model)?.model;
    const startName = o.profile ?? (model ? pickProfile({ model, ...(o.gpu ? { gpu: o.gpu } : {}), ...(o.tp ? { tensorParallel: o.tp } : {}) }) : null);
    if (!startName) throw new Error(`no shipped profile for model '${model ?? '(not in the results)'}'; pass --profile NAME|FILE`);
    const start = loadProfile(startName);
    if (!start.model || !start.gpu) throw new Error(`profile '${startName}' has no model/GPU to fit`);
    const busy = points.some((p) => p.workload.maxConcurrency === null || p.workload.maxConcurrency >= 32);
    const terms = o.fit ?? (['weights', 'compute', 'ingress_ms', 'per_step_ms', ...(busy ? ['per_seq_us' as const] : [])] as FitTerm[]);
    out(`llmsim calibrate: ${points.length} point(s), starting from ${startName}, fitting ${terms.join(', ')}\n`);
    const fit = fitProfile(start, points, terms, o.maxEvals);
    out(
      `${Object.entries(fit.values)
        .map(([k, v]) => `  ${k}: ${v.toPrecision(4)}`)
        .join('\n')}\n  (${fit.evals} replays, objective ${fit.objective.toExponential(3)})\n\n`,
    );
    out(formatTable(errorRows(points, start, fit.profile)));
    const name = o.name ?? `${start.name}-calibrated`;
    const file = o.out ?? `${name}.yaml`;
    writeFileSync(
      file,
      profileYaml(
        fit.profile,
        name,
        o.files.map((f) => basename(f)),
      ),
    );
    out(`\nwrote ${file}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`llmsim calibrate: ${(err as Error).message}\n`);
    return 1;
  }
}
