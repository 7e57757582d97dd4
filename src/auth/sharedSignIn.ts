// One sign-in for every window: when several windows sign in at the same moment, one of them
// (the leader, holding the 'signin' lock) runs it, and the others (followers) wait for it and
// take the session it ends with. One browser tab opens, the fixed redirect port is listened on
// once, and the IdP sees one authorization.
//
// The outcome goes from the leader to the followers over the windows' channel (windows/bus.ts).
// It is retained for a few seconds, so a window that asks just after the sign-in finished gets it
// too. A leader that goes away without an outcome lets go of the lock; a follower then hears
// 'lost' and leads the next attempt itself. The session in it is the session as windows tell each
// other of it (store.ts), and reaches a follower's store the way every other window's does.
//
// Pure Node: no vscode here.
import type { Lease, WindowChannel } from '../windows/bus';

/** How the leader's sign-in ended. `session` is read by the follower's store before it is used. */
export type Outcome = { readonly kind: 'signedIn'; readonly session: unknown } | { readonly kind: 'ended'; readonly reason: string };

/** What a follower hears: the leader's outcome, or that the leader went away without one. */
export type FollowerResult = Outcome | { readonly kind: 'lost' } | { readonly kind: 'cancelled' };

export interface Leader {
  readonly kind: 'leader';
  /** How many followers have joined this sign-in. */
  readonly followers: number;
  /** Tells every follower how the sign-in ended, and windows that ask within `graceMs` too; lets go of the lock. */
  finish(outcome: Outcome, graceMs: number): void;
  /** Lets go at once (a sign-out): followers not yet told hear that the leader went away. */
  close(): void;
}

export interface Follower {
  readonly kind: 'follower';
  readonly result: Promise<FollowerResult>;
  cancel(): void;
}

export interface ClaimOptions {
  /** A follower stops waiting after this long (a leader that is stuck, not gone). */
  readonly followMs: number;
  readonly signal?: AbortSignal;
}

const LOCK = 'signin';
const OUTCOME = 'signin.outcome';
const JOINED = 'signin.joined';

interface Published {
  readonly outcome: Outcome;
  /** Epoch milliseconds until which a window that asks late still takes it. */
  readonly until: number;
}

function published(value: unknown): Published | undefined {
  const p = value as Partial<Published> | null | undefined;
  if (!p || typeof p !== 'object' || typeof p.until !== 'number' || typeof p.outcome !== 'object' || p.outcome === null) return undefined;
  const o = p.outcome as Partial<{ kind: unknown; session: unknown; reason: unknown }>;
  if (o.kind === 'signedIn' && typeof o.session === 'object' && o.session !== null) return { outcome: { kind: 'signedIn', session: o.session }, until: p.until };
  if (o.kind === 'ended' && typeof o.reason === 'string') return { outcome: { kind: 'ended', reason: o.reason }, until: p.until };
  return undefined;
}

/** A session another window signed in with moments ago, if there is one. */
function recentSignIn(channel: WindowChannel): Outcome | undefined {
  const recent = published(channel.retained(OUTCOME));
  return recent && recent.outcome.kind === 'signedIn' && recent.until > Date.now() ? recent.outcome : undefined;
}

/**
 * Leads the sign-in, or follows the window that already leads one. Undefined when cancelled
 * before either.
 */
export async function claimSignIn(channel: WindowChannel, options: ClaimOptions): Promise<Leader | Follower | undefined> {
  const since = Date.now();
  const recent = recentSignIn(channel);
  if (recent) return settled(recent);
  const lease = await channel.acquire(LOCK, { wait: false, signal: options.signal });
  if (lease) {
    // It may have finished while this window asked.
    const finished = recentSignIn(channel);
    if (!finished) return lead(channel, lease);
    lease.release();
    return settled(finished);
  }
  if (options.signal?.aborted) return undefined;
  return follow(channel, options.followMs, since);
}

/** A sign-out: no window may take a sign-in that finished before it. */
export function withdrawSignIn(channel: WindowChannel): void {
  channel.publish(OUTCOME, null, { retain: true, ttlMs: 0 });
}

function settled(outcome: Outcome): Follower {
  return { kind: 'follower', result: Promise.resolve(outcome), cancel: () => undefined };
}

function lead(channel: WindowChannel, lease: Lease): Leader {
  let followers = 0;
  const joined = channel.subscribe(JOINED, () => followers++);
  let done = false;
  const letGo = () => {
    if (done) return;
    done = true;
    joined.dispose();
    lease.release();
  };
  return {
    kind: 'leader',
    get followers() {
      return followers;
    },
    finish(outcome, graceMs) {
      if (done) return;
      const until = Date.now() + Math.max(0, graceMs);
      channel.publish(OUTCOME, { outcome, until } satisfies Published, { retain: true, ttlMs: Math.max(1, graceMs) });
      letGo();
    },
    close() {
      if (done) return;
      // Nothing for late windows to take, and the lock goes without an outcome.
      withdrawSignIn(channel);
      letGo();
    },
  };
}

/** Waits for the leader; an outcome it published since `since` (while this window asked) counts too. */
function follow(channel: WindowChannel, waitMs: number, since: number): Follower {
  const stop = new AbortController();
  let settle: (result: FollowerResult) => void = () => undefined;
  const result = new Promise<FollowerResult>((resolve) => {
    let done = false;
    settle = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      outcomes.dispose();
      stop.abort();
      resolve(value);
    };
    const timer = setTimeout(() => settle({ kind: 'ended', reason: `the other window did not finish within ${Math.round(waitMs / 1000)} s` }), waitMs);
    const outcomes = channel.subscribe(OUTCOME, (value) => {
      const p = published(value);
      if (p) settle(p.outcome);
    });
    const already = published(channel.retained(OUTCOME));
    if (already && already.until >= since) settle(already.outcome);
  });
  channel.publish(JOINED, channel.windowId);
  // The lock comes free: with an outcome (heard first, on the same channel), or because the
  // leader went away without one.
  void channel.acquire(LOCK, { wait: true, signal: stop.signal }).then((lease) => {
    if (!lease) return;
    lease.release();
    settle({ kind: 'lost' });
  });
  return { kind: 'follower', result, cancel: () => settle({ kind: 'cancelled' }) };
}
