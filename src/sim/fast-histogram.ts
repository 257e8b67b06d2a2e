/**
 * @module A per-token-rate histogram: one array increment per observation, rendered in Prometheus text format at scrape
 * time. prom-client's observe() validates and hashes labels on every call, which costs more than a token's whole write.
 */

export class FastHistogram {
  private readonly series = new Map<string, { counts: Float64Array; sum: number; count: number; labels: string }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  /** Pre-creates the series for one model (exposed at zero before the first request, like vLLM). */
  series_(modelName: string): (value: number) => void {
    let s = this.series.get(modelName);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0, labels: `engine="0",model_name="${escapeLabel(modelName)}"` };
      this.series.set(modelName, s);
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
      const [engine, model] = s.labels.split(',', 2) as [string, string];
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i] as number;
        out += `${this.name}_bucket{${engine},le="${b}",${model}} ${cumulative}\n`;
      });
      cumulative += s.counts[this.buckets.length] as number;
      out += `${this.name}_bucket{${engine},le="+Inf",${model}} ${cumulative}\n${this.name}_sum{${s.labels}} ${s.sum}\n${this.name}_count{${s.labels}} ${s.count}\n`;
    }
    return out;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
