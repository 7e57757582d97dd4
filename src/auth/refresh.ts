// The refresh timer: renews the session silently before its credentials expire.
//
// One window renews, the others follow: the renewal runs under a lock shared by all windows
// (lock.ts) and re-reads the stored session first, so a window that finds it already renewed by
// another does nothing. Reusing a rotated refresh token revokes the whole grant at many IdPs,
// which is why two windows must never renew at once.
import type * as vscode from 'vscode';
import { Failure, refreshRejected, unexpected } from '../failures';
import type { Log } from '../log';
import { tryLock } from './lock';
import type { SessionStore } from './session';
import { expiresAt, type StoredSession } from './sessionModel';

/** Renew this long before the credentials expire. */
export const REFRESH_LEAD_MS = 5 * 60_000;
/** A lock older than this belongs to a window that stopped mid-renewal. */
const LOCK_STALE_MS = 60_000;
/** While another window holds the lock, look again this often (or as soon as the session changes). */
const LOCK_POLL_MS = 500;
/** After a transient failure, try again after this long, doubling up to the cap. */
const RETRY_BASE_MS = 15_000;
const RETRY_CAP_MS = 5 * 60_000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface RefresherOptions {
  readonly store: SessionStore;
  readonly log: Log;
  /** Where the cross-window lock lives (the extension's global storage folder). */
  readonly lockDir: string;
  /** True when a session still belongs to the current settings (same IdP, client and role). */
  readonly isCurrent: (session: StoredSession) => boolean;
  /** IdP refresh_token grant and STS: the renewed session, or a Failure. `epoch`: see SessionStore.save. */
  readonly renew: (session: StoredSession, epoch: number) => Promise<StoredSession>;
  /** A renewal failed for good: the session is marked and needs a new sign-in. */
  readonly onRenewalFailed: (failure: Failure) => void;
  /** The credentials of the session have expired without a renewal. */
  readonly onExpired: (session: StoredSession) => void;
}

/** When to retry after the n-th transient failure in a row: exponential, with jitter. */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() / 4));
}

/** When to renew a session: REFRESH_LEAD_MS before expiry, at once if that has passed. */
export function renewalDue(session: StoredSession, now: number): number {
  return Math.max(now, expiresAt(session) - REFRESH_LEAD_MS);
}

export class Refresher implements vscode.Disposable {
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private running: Promise<StoredSession> | undefined;
  private transientFailures = 0;
  private retryAt = 0;
  private disposed = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly options: RefresherOptions) {
    this.subscription = options.store.onDidChange(() => this.schedule());
  }

  /** Sets the timers for the stored session: renewal before expiry, and expiry itself. */
  schedule(): void {
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    this.renewTimer = this.expiryTimer = undefined;
    const session = this.options.store.session;
    if (this.disposed || !session || !this.options.isCurrent(session)) return;
    const now = Date.now();
    const expiry = expiresAt(session);
    if (expiry > now) {
      this.expiryTimer = setTimeout(() => this.expired(session), Math.min(MAX_TIMEOUT_MS, expiry - now));
    }
    if (!session.refreshToken || session.renewalFailed) {
      if (expiry <= now) this.expired(session);
      return;
    }
    const due = Math.max(renewalDue(session, now), this.retryAt);
    this.renewTimer = setTimeout(() => void this.onTimer(), Math.min(MAX_TIMEOUT_MS, due - now));
  }

  /**
   * Renews now, under the cross-window lock. With `force` false, a session another window has
   * renewed meanwhile (or that is not yet due) is taken as it is. Joins a renewal under way.
   * A failure that retrying cannot mend marks the stored session (renewalFailed), so every
   * window shows that a new sign-in is needed; then the failure is thrown.
   */
  renewNow(force: boolean): Promise<StoredSession> {
    if (!this.running) {
      this.running = this.locked(force).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async locked(force: boolean): Promise<StoredSession> {
    const started = Date.now();
    const { store, log } = this.options;
    for (;;) {
      const lock = await tryLock(this.options.lockDir, 'refresh', LOCK_STALE_MS);
      if (lock) {
        try {
          const session = await store.reload('before renewing');
          if (!session || !session.refreshToken || session.renewalFailed || !this.options.isCurrent(session)) {
            throw refreshRejected('there is no saved sign-in to renew');
          }
          const renewedElsewhere = session.refreshedAt >= started;
          const notDue = renewalDue(session, Date.now()) > Date.now();
          if (renewedElsewhere || (!force && notDue)) return session;
          log.info('Renewing the session (refresh token, then STS).');
          const epoch = store.epoch;
          try {
            const renewed = await this.options.renew(session, epoch);
            if (!(await store.save(renewed, epoch))) throw new Failure('cancelled', 'The renewal was dropped: you signed out.');
            return renewed;
          } catch (error) {
            const failure = unexpected(error);
            if (!failure.transient && !failure.quiet && store.session) {
              log.warn(`Renewing the session failed for good (${failure.kind}): ${failure.message}`);
              await store.save({ ...store.session, refreshToken: undefined, renewalFailed: failure.message }, epoch);
            }
            throw failure;
          }
        } finally {
          await lock.release();
        }
      }
      log.debug('Another window is renewing the session; waiting for it.');
      await this.changeOrPause(LOCK_POLL_MS);
    }
  }

  private changeOrPause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const subscription = this.options.store.onDidChange(done);
      function done() {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  }

  private async onTimer(): Promise<void> {
    try {
      await this.renewNow(false);
      this.transientFailures = 0;
      this.retryAt = 0;
    } catch (error) {
      const failure = unexpected(error);
      if (failure.quiet) return;
      if (!failure.transient) {
        this.options.onRenewalFailed(failure);
        return;
      }
      this.transientFailures++;
      const delay = retryDelay(this.transientFailures);
      this.retryAt = Date.now() + delay;
      this.options.log.warn(`Renewing the session failed (${failure.kind}); trying again in ${Math.round(delay / 1000)} s. ${failure.message}`);
      this.schedule();
    }
  }

  private expired(session: StoredSession): void {
    if (this.options.store.session?.credentials.expiration !== session.credentials.expiration) return;
    this.options.log.info('The session credentials have expired.');
    this.options.onExpired(session);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    this.subscription.dispose();
  }
}
