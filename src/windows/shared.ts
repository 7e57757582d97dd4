// One value every window shares, on a topic of the windows' channel (bus.ts): the session, a
// user's usage figures, a user's quota verdict, Claude Code's connection.
//
// - The newest wins, by the stamp each value carries (when it was made), in every window and
//   whatever order the windows hear of them in; a window never publishes a value older than one
//   it knows.
// - It is retained at the hub: a window that opens later starts from it.
// - While it is out of date, one window does the work of making it anew, under the value's lock,
//   and the others take its result. The result reaches them before the lock does (both go
//   through the hub, in order), so a window that waited finds it fresh and does nothing. A window
//   that dies while it works lets go of the lock with its connection: the next one waiting finds
//   the value still out of date and does the work itself.
//
// Pure Node: no vscode here.
import { createHash } from 'node:crypto';
import type { Disposable, WindowChannel } from './channel';

/** Whose a value is, as the channel says it (values kept per user): a hash of the user's subject, never the subject. */
export function ownerOf(subject: string): string {
  return createHash('sha256').update(subject).digest('hex').slice(0, 16);
}

export interface SharedValueOptions<T> {
  readonly topic: string;
  /** The value in what another window sent, when it is one; anything else is dropped. */
  readonly read: (raw: unknown) => T | undefined;
  /** When a value was made (epoch milliseconds, or any order the windows agree on): the newest wins. */
  readonly stamp: (value: T) => number;
  /** The lock its work runs under (the topic's name unless said). */
  readonly lock?: string;
}

export interface Refresh<T> {
  /** True while `value` (undefined: there is none yet) must be made anew. */
  readonly stale: (value: T | undefined) => boolean;
  /** Makes it anew from the value as it is; what it returns is published (undefined: nothing to publish). */
  readonly work: (value: T | undefined) => Promise<T | undefined>;
  /** Wait while another window works (the default), or go on at once and take its result when it comes. */
  readonly wait?: boolean;
}

/** How a refresh ended: the value was fresh (or another window's work made it so), this window made it, or another window is making it. */
export interface Refreshed<T> {
  readonly outcome: 'fresh' | 'made' | 'busy';
  readonly value: T | undefined;
}

export class SharedValue<T> implements Disposable {
  private current: T | undefined;
  private readonly listeners = new Set<(value: T) => void>();
  private readonly subscription: Disposable;
  private disposed = false;

  constructor(
    private readonly channel: WindowChannel,
    private readonly options: SharedValueOptions<T>,
  ) {
    this.subscription = channel.subscribe(options.topic, (raw) => {
      const value = options.read(raw);
      if (value === undefined || !this.take(value)) return;
      for (const listener of [...this.listeners]) listener(value);
    });
    // What the hub kept from before this window looked.
    const kept = options.read(channel.retained(options.topic));
    if (kept !== undefined) this.current = kept;
  }

  /** The newest value this window knows of. */
  get value(): T | undefined {
    return this.current;
  }

  /** Calls `listener` with each newer value another window publishes (what this window publishes, it knows). */
  onDidChange(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Makes `value` the newest here and tells every window; false (and nothing told) when a newer one is known. */
  publish(value: T): boolean {
    if (this.disposed || !this.take(value)) return false;
    this.channel.publish(this.options.topic, value, { retain: true });
    return true;
  }

  /**
   * Makes the value anew when it is stale: in one window at a time, under the value's lock. A
   * window that waited for the lock looks again once it holds it, and takes what the window
   * before it made.
   */
  async refresh(refresh: Refresh<T>): Promise<Refreshed<T>> {
    if (!refresh.stale(this.current)) return { outcome: 'fresh', value: this.current };
    const wait = refresh.wait ?? true;
    const lease = await this.channel.acquire(this.lockName, { wait });
    if (!lease && !wait) return { outcome: 'busy', value: this.current };
    try {
      if (!refresh.stale(this.current)) return { outcome: 'fresh', value: this.current };
      const made = await refresh.work(this.current);
      return made !== undefined && this.publish(made) ? { outcome: 'made', value: made } : { outcome: 'fresh', value: this.current };
    } finally {
      lease?.release();
    }
  }

  /**
   * Runs `work` while this window holds the value's lock: changes that must not cross another
   * window's (a file every window edits) are made one window at a time. A window whose channel is
   * closing gets no lock, and goes on alone.
   */
  async locked<R>(work: () => Promise<R>): Promise<R> {
    const lease = await this.channel.acquire(this.lockName);
    try {
      return await work();
    } finally {
      lease?.release();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.subscription.dispose();
  }

  private get lockName(): string {
    return this.options.lock ?? this.options.topic;
  }

  /** Keeps `value` unless the one kept is newer (a tie goes to the later); true when kept. */
  private take(value: T): boolean {
    if (this.current !== undefined && this.options.stamp(this.current) > this.options.stamp(value)) return false;
    this.current = value;
    return true;
  }
}
