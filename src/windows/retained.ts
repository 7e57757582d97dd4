// The retained values a window knows of: the newest of each topic (by stamp), each until its
// time to live ends. They are offered to a new hub when the windows move to one. Pure.
import type { Kept, Offered } from './wire';

interface Known {
  readonly value: unknown;
  readonly stamp: number;
  readonly expiresAt: number | undefined;
}

export class RetainedValues {
  private readonly values = new Map<string, Known>();

  /** The newest stamp seen, of any topic: a window's own next stamp comes after it. */
  lastStamp = 0;

  /** Keeps `value` unless a value as new is kept already; true when kept. */
  keep(topic: string, value: unknown, stamp: number, ttlMs: number | undefined): boolean {
    const kept = this.values.get(topic);
    if (kept && kept.stamp >= stamp) return false;
    this.lastStamp = Math.max(this.lastStamp, stamp);
    this.values.set(topic, { value, stamp, expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
    return true;
  }

  get(topic: string): unknown {
    const kept = this.values.get(topic);
    if (kept?.expiresAt !== undefined && kept.expiresAt <= Date.now()) {
      this.values.delete(topic);
      return undefined;
    }
    return kept?.value;
  }

  /** What this window tells a new hub it knows, with the time each value has left. */
  offer(): Kept {
    const now = Date.now();
    const offered: Record<string, Offered> = {};
    for (const [topic, kept] of this.values) {
      if (kept.expiresAt !== undefined && kept.expiresAt <= now) continue;
      offered[topic] = { value: kept.value, stamp: kept.stamp, ttlMs: kept.expiresAt === undefined ? undefined : kept.expiresAt - now };
    }
    return offered;
  }
}
