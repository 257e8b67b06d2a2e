/** @module Minimal inline-SVG line charts for the bench report: no CDN, no script, renders anywhere (headless Chromium checked from bench/). */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
}

const W = 560;
const H = 260;
const PAD = { l: 60, r: 16, t: 28, b: 40 };

/** A line chart with axes, ticks and a legend; points are thinned to at most 600 per series. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = 0;
  let y1 = -Infinity;
  for (const s of series) {
    for (const [x, y] of s.points) {
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x0 === Infinity) return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  if (x1 === x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  const sx = (x: number): number => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number): number => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const ticks = (a: number, b: number): number[] => Array.from({ length: 5 }, (_, i) => a + ((b - a) * i) / 4);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
  ];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`);
  parts.push(
    `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#333"/><line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" ` +
      `y2="${H - PAD.b}" stroke="#333"/>`,
  );
  for (const t of ticks(x0, x1)) parts.push(`<text x="${sx(t).toFixed(1)}" y="${H - PAD.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(y0, y1))
    parts.push(
      `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 4}" ` +
        `y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`,
    );
  parts.push(
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(12 ${H / 2}) rotate(-90)" ` +
      `text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, k) => {
    const step = Math.max(1, Math.ceil(s.points.length / 600));
    const pts = s.points.filter((_, i) => i % step === 0 || i === s.points.length - 1);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`,
    );
    parts.push(
      `<rect x="${W - PAD.r - 150}" y="${PAD.t + 4 + k * 14}" width="10" height="3" fill="${s.color}"/><text x="${W - PAD.r - 136}" ` +
        `y="${PAD.t + 9 + k * 14}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `<figure>${parts.join('')}</figure>`;
}

/** Empirical CDF points of `values` (x = value, y = fraction at or below it). */
export function cdf(values: readonly number[], maxPoints = 1000): [number, number][] {
  const s = Float64Array.from(values).sort();
  const step = Math.max(1, Math.floor(s.length / maxPoints));
  const out: [number, number][] = [];
  for (let i = 0; i < s.length; i += step) out.push([s[i] as number, (i + 1) / s.length]);
  if (s.length > 0) out.push([s[s.length - 1] as number, 1]);
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
