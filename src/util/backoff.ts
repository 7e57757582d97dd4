// The one backoff: exponential, with jitter, a cap, and a reset. Renewal, the model check and
// usage polling each hold one, with their own base and cap.

export interface BackoffOptions {
  /** The delay after the first failure. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly capMs: number;
  /** The delay is scaled by a random factor in [low, high): spreads windows and machines apart. */
  readonly jitter: readonly [low: number, high: number];
  readonly random?: () => number;
}

export class Backoff {
  private count = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failures in a row so far. */
  get failures(): number {
    return this.count;
  }

  /** Counts one more failure and returns how long to wait before trying again. */
  next(): number {
    this.count++;
    return this.delay(this.count);
  }

  /** The wait after the n-th failure in a row (n ≥ 1), without counting it. */
  delay(failures: number, random: () => number = this.options.random ?? Math.random): number {
    const { baseMs, capMs, jitter } = this.options;
    const grown = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(grown * (jitter[0] + (jitter[1] - jitter[0]) * random()));
  }

  /** A success: the next failure starts from the base again. */
  reset(): void {
    this.count = 0;
  }
}
