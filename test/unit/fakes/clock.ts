// A clock the test moves: timers fire when the test advances it, in order, with the promises
// they start given the chance to settle in between.
import type { Clock, Timer } from '../../../src/util/clock';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
  /** How early it fires (see FakeClock.early). */
  readonly early: number;
}

/** Lets promise callbacks (and what they start) run: a few turns of the event loop. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private pending: Pending[] = [];
  /** Timers set for longer than a second fire this many milliseconds before they are due, as real ones sometimes do. */
  early = 0;

  constructor(start = Date.parse('2026-11-23T09:00:00Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback, early: ms > 1000 ? this.early : 0 };
    this.pending.push(timer);
    return timer.id as unknown as Timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    this.pending = this.pending.filter((p) => p.id !== (timer as unknown as number));
  }

  /** Timers waiting, soonest first: when each fires, from now. */
  get timers(): number[] {
    return this.pending.map((p) => p.at - this.time).sort((a, b) => a - b);
  }

  /** Moves the clock `ms` forward, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.time = Math.max(this.time, next.at - next.early);
      next.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }

  /** Moves the clock without firing anything: a machine that slept (its timers fire late, on the next advance). */
  jump(ms: number): void {
    this.time += ms;
  }

  /** Moves the clock to the next timer and fires it (and any due at the same moment). */
  async next(): Promise<void> {
    const [soonest] = this.timers;
    if (soonest === undefined) throw new Error('no timer is waiting');
    await this.advance(soonest);
  }
}
