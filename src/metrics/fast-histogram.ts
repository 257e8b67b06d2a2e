/**
 * @module A per-token-rate histogram: one array increment per observation, rendered in Prometheus text format at scrape
 * time. prom-client's observe() validates and hashes labels on every call, which costs more than a token's whole write.
 */
import { pyFloat } from '../protocol/pyformat.ts';

export class FastHistogram {
  /** `engine` and `model` are rendered label pairs (`engine="0"`), kept apart: a model name may contain `,`. */
  private readonly series = new Map<string, { counts: Float64Array; sum: number; count: number; engine: string; model: string }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  /** The observe function of one model's series (`null`: a series without labels); created at zero on first use. */
  series_(modelName: string | null, engine = '0'): (value: number) => void {
    const key = modelName === null ? '' : `${engine}\u0000${modelName}`;
    let s = this.series.get(key);
    if (!s) {
      const labelled = modelName !== null;
      s = {
        counts: new Float64Array(this.buckets.length + 1),
        sum: 0,
        count: 0,
        engine: labelled ? `engine="${escapeLabel(engine)}"` : '',
        model: labelled ? `model_name="${escapeLabel(modelName)}"` : '',
      };
      this.series.set(key, s);
    }
    const series = s;
    const bounds = this.buckets;
    return (value) => {
      let i = 0;
      while (i < bounds.length && value > (bounds[i] as number)) i++;
      series.counts[i]!++;
      series.sum += value;
      series.count++;
    };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      // Labels sorted as prometheus_client prints them: engine, le, model_name.
      const { engine, model } = s;
      const bucket = (le: string): string => (model ? `{${engine},le="${le}",${model}}` : `{le="${le}"}`);
      const plain = model ? `{${engine},${model}}` : '';
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i] as number;
        out += `${this.name}_bucket${bucket(pyFloat(b))} ${pyFloat(cumulative)}\n`;
      });
      cumulative += s.counts[this.buckets.length] as number;
      out +=
        `${this.name}_bucket${bucket('+Inf')} ${pyFloat(cumulative)}\n${this.name}_count${plain} ${pyFloat(s.count)}\n` +
        `${this.name}_sum${plain} ${pyFloat(s.sum)}\n`;
    }
    return out;
  }
}

/** Prometheus text-format escaping of a label value (backslash, newline, double quote), as prometheus_client does. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
