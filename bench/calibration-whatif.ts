/**
 * @module What-if replays of the calibration anchors with some release terms or efficiencies overridden, for the
 * cross-checks in docs/CALIBRATION.md (which constant transfers between sources, sync vs async scheduling). Nothing
 * here is shipped: the anchors' own profiles stay as they are.
 *   node --import tsx bench/calibration-whatif.ts '{"ingress_ms":19,"async_scheduling":false}' '^W' ttft
 * Arguments: JSON overrides (keys of `overheads` or `efficiency`, or `activation_reserve_gb`: the KV reserve, GiB),
 * a regexp on anchor ids, a regexp on metrics.
 */
import { ANCHORS } from '../tests/timing/anchors.ts';
import { replay, anchorProfile } from '../tests/timing/anchor-replay.ts';
import { GPUS } from '../src/timing/gpus.ts';

const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, number | boolean | string>;
const ids = new RegExp(process.argv[3] ?? '.');
const metrics = new RegExp(process.argv[4] ?? '.');
const EFFICIENCY = new Set(['weights', 'compute', 'kv', 'attention', 'blend_p', 'gemm_half_hidden']);
const cells: string[] = [];
for (const a of ANCHORS) {
  if (!ids.test(a.id) || !metrics.test(a.metric)) continue;
  const p = anchorProfile(a);
  const eff = { ...p.efficiency };
  const over = { ...p.overheads } as Record<string, number | boolean>;
  let reserve = p.activation_reserve_gb;
  // "gpu": another entry of src/timing/gpus.ts (e.g. "h100-pcie"): the same run on another card's datasheet.
  let gpu = p.gpu;
  for (const [k, v] of Object.entries(overrides)) {
    if (EFFICIENCY.has(k)) (eff as Record<string, number>)[k] = v as number;
    else if (k === 'activation_reserve_gb') reserve = v as number;
    else if (k === 'gpu')
      gpu =
        GPUS[v as string] ??
        (() => {
          throw new Error(`no GPU entry ${String(v)}`);
        })();
    else over[k] = v as number | boolean;
  }
  const value = replay(a, {
    ...p,
    ...(gpu ? { gpu } : {}),
    efficiency: eff,
    overheads: over as typeof p.overheads,
    ...(reserve !== undefined ? { activation_reserve_gb: reserve } : {}),
  });
  const err = ((value - a.measured) / a.measured) * 100;
  cells.push(`${a.id} ${a.metric} ${err >= 0 ? '+' : ''}${err.toFixed(1)}%`);
}
process.stdout.write(`${JSON.stringify(overrides)}: ${cells.join(', ')}\n`);
