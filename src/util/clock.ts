// Time, passed in: what every timer-driven part of the extension reads the time and sets its
// timers through, so unit tests drive renewal, polling and retries with a fake clock.

/** A pending timer; only the clock that made it can clear it. */
export interface Timer {
  readonly __timer: unique symbol;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` after `ms` (clamped to what Node's timers take). */
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
}

/** Node's timers take at most this long; longer waits are cut to it (and re-armed by the caller's schedule). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(MAX_TIMEOUT_MS, Math.max(0, ms))) as unknown as Timer,
  clearTimeout: (timer) => clearTimeout(timer as unknown as NodeJS.Timeout | undefined),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** Rejects with `error()` when `work` has not settled within `ms`. */
export function withDeadline<T>(clock: Clock, work: Promise<T>, ms: number, error: () => Error = () => new Error(`no answer within ${ms} ms`)): Promise<T> {
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(error()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clock.clearTimeout(timer));
}

/** A time as the user reads it: the local clock, hours and minutes. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
