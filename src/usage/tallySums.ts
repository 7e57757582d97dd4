// The sums the tally keeps instead of records (tokens and requests per model), the local day of a
// time, the compact hash of a dedupe key, and a project path as the snapshot shows it. Pure.
import type { Tokens } from './records';

/** Longest project path in the snapshot (its end is kept). */
const PATH_SHOWN = 400;

/** Mutable token sums and a request count. */
export class Sums {
  input = 0;
  output = 0;
  cacheWrite5m = 0;
  cacheWrite1h = 0;
  cacheRead = 0;
  requests = 0;

  add(tokens: Tokens, requests = 1): void {
    this.input += tokens.input;
    this.output += tokens.output;
    this.cacheWrite5m += tokens.cacheWrite5m;
    this.cacheWrite1h += tokens.cacheWrite1h;
    this.cacheRead += tokens.cacheRead;
    this.requests += requests;
  }

  tokens(): Tokens {
    return { input: this.input, output: this.output, cacheWrite5m: this.cacheWrite5m, cacheWrite1h: this.cacheWrite1h, cacheRead: this.cacheRead };
  }
}

/** Sums per model. */
export type ByModel = Map<string, Sums>;

export function addTo(byModel: ByModel, model: string, tokens: Tokens): void {
  let sums = byModel.get(model);
  if (!sums) byModel.set(model, (sums = new Sums()));
  sums.add(tokens);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function localDay(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A 52-bit hash of a dedupe key: two 26-bit FNV-1a variants. */
export function hashKey(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return ((a >>> 6) & 0x3ffffff) * 0x4000000 + ((b >>> 6) & 0x3ffffff);
}

export function shownPath(project: string): string {
  return project.length > PATH_SHOWN ? `…${project.slice(project.length - PATH_SHOWN + 1)}` : project;
}
