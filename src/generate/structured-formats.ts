/** @module Values for JSON-schema `format`s and plain strings: each drawn from the choice's stream, each valid for ajv-formats. */
import { PROSE_CORPUS } from './corpus.ts';
import type { Rng } from './rng.ts';

const WORDS = [...new Set(PROSE_CORPUS.toLowerCase().match(/[a-z]+/g) ?? [])];

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function hex(rng: Rng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += int(rng, 0, 15).toString(16);
  return out;
}

/** One corpus word. */
export function word(rng: Rng): string {
  return WORDS[Math.floor(rng() * WORDS.length)] as string;
}

/** One to four words, as a model fills a free-text field. */
export function words(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 4);
  return Array.from({ length: n }, () => word(rng)).join(' ');
}

function date(rng: Rng): string {
  return `${int(rng, 1990, 2030)}-${pad(int(rng, 1, 12))}-${pad(int(rng, 1, 28))}`;
}

function time(rng: Rng): string {
  return `${pad(int(rng, 0, 23))}:${pad(int(rng, 0, 59))}:${pad(int(rng, 0, 59))}Z`;
}

const FORMATS: Readonly<Record<string, (rng: Rng) => string>> = {
  date,
  time,
  'date-time': (rng) => `${date(rng)}T${time(rng)}`,
  'iso-time': time,
  'iso-date-time': (rng) => `${date(rng)}T${time(rng)}`,
  duration: (rng) => `P${int(rng, 1, 30)}DT${int(rng, 1, 23)}H`,
  email: (rng) => `${word(rng)}.${word(rng)}@example.com`,
  'idn-email': (rng) => `${word(rng)}@example.com`,
  hostname: (rng) => `${word(rng)}.example.com`,
  'idn-hostname': (rng) => `${word(rng)}.example.com`,
  ipv4: (rng) => `${int(rng, 1, 223)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`,
  ipv6: (rng) => `2001:db8::${hex(rng, 4)}`,
  uri: (rng) => `https://example.com/${word(rng)}/${word(rng)}`,
  url: (rng) => `https://example.com/${word(rng)}`,
  iri: (rng) => `https://example.com/${word(rng)}`,
  'uri-reference': (rng) => `/${word(rng)}/${word(rng)}`,
  'iri-reference': (rng) => `/${word(rng)}`,
  'uri-template': (rng) => `https://example.com/{${word(rng)}}`,
  uuid: (rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[int(rng, 0, 3)]}${hex(rng, 3)}-${hex(rng, 12)}`,
  'json-pointer': (rng) => `/${word(rng)}/${int(rng, 0, 9)}`,
  'relative-json-pointer': (rng) => `${int(rng, 0, 3)}/${word(rng)}`,
  regex: (rng) => `^${word(rng)}$`,
  byte: () => 'bGxtc2lt',
  int32: (rng) => String(int(rng, 0, 1000)),
  int64: (rng) => String(int(rng, 0, 1000)),
  float: (rng) => String(int(rng, 0, 100) / 4),
  double: (rng) => String(int(rng, 0, 100) / 4),
  password: (rng) => `${word(rng)}-${hex(rng, 8)}`,
  binary: (rng) => word(rng),
};

/** A value of a known format, or null when the format is not one llmsim knows (the string is then written as words). */
export function formatValue(format: string, rng: Rng): string | null {
  const make = FORMATS[format];
  return make ? make(rng) : null;
}
