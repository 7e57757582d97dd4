// Token sums per model, what the figures are made of, and the compact keys answers are counted
// once by. Pure.
import type { Tokens } from './records';

/** Token sums and answers, per model. */
export type ByModel = Map<string, { tokens: Tokens; requests: number }>;

export function localDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function plus(a: Tokens, b: Tokens): Tokens {
  return { input: a.input + b.input, output: a.output + b.output, cacheWrite5m: a.cacheWrite5m + b.cacheWrite5m, cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h, cacheRead: a.cacheRead + b.cacheRead };
}

/** Adds `requests` answers of `tokens` in all to the model's sums. */
export function addTo(byModel: ByModel, model: string, tokens: Tokens, requests = 1): void {
  const sums = byModel.get(model);
  if (sums) {
    sums.tokens = plus(sums.tokens, tokens);
    sums.requests += requests;
  } else {
    byModel.set(model, { tokens, requests });
  }
}

/** A 53-bit hash of a key (two 32-bit FNV-1a halves): a number in a Set costs far less than the string. */
export function hashKey(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) & 0x1fffff);
}
