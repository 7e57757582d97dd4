// The renewal timer: renews the session silently before its credentials expire, with the flow
// that made it, and says when it has expired.
//
// One window renews, the others follow: the renewal runs under the windows' 'renewal' lock and
// looks at the session once it holds it, so a window that finds it already renewed by another
// (the renewed session reaches every window before the lock does) does nothing. Reusing a
// rotated refresh token revokes the whole grant at many IdPs, which is why two windows must
// never renew at once.
//
// Only a window that holds the session's secrets renews (store.ts `holdsSecrets`); one that knows
// the session only as another window shared it asks a window that holds them (the call
// 'session.renew' over the windows' channel: nothing secret goes either way; the renewed session
// reaches the asker as every change does, before the answer).
import type * as vscode from 'vscode';
import { Failure, SIGN_IN, unexpected, type Notify } from '../errors/failure';
import { renewalFailure } from '../errors/renewal';
import { refreshRejected, sessionExpired } from '../errors/signIn';
import type { Log } from '../log';
import type { RenewalRequest } from '../quota/gate';
import { Backoff } from '../util/backoff';
import type { Clock, Timer } from '../util/clock';
import { CallError, type WindowChannel } from '../windows/bus';
import type { SessionCore } from './core';
import { gateFor, type Admission } from './flows/flow';
import type { FlowCatalog } from './flows/catalog';
import { expiresAt, type Session } from './session';
import { withdrawSignIn } from './sharedSignIn';
import type { SessionStore } from './store';

/** Renew this long before the credentials expire. */
export const REFRESH_LEAD_MS = 5 * 60_000;
/** After a transient failure, try again after 15 s, doubling up to 5 minutes, with jitter. */
export const RENEWAL_BACKOFF = { baseMs: 15_000, capMs: 5 * 60_000, jitter: [0.75, 1] } as const;
const LOCK = 'renewal';
/** The call a window without the session's secrets makes to one that holds them. */
const RENEW_CALL = 'session.renew';
/** How long a window waits for another to renew for it (a refresh and STS, with their retries). */
const RENEW_CALL_MS = 90_000;

/** When to renew a session: REFRESH_LEAD_MS before expiry, at once if that has passed. */
export function renewalDue(session: Session, now: number): number {
  return Math.max(now, expiresAt(session) - REFRESH_LEAD_MS);
}

export interface RenewalOptions {
  readonly store: SessionStore;
  readonly sessions: SessionCore;
  readonly flows: FlowCatalog;
  /**
   * The quota gate new keys pass. It asks for a renewal when it needs a fresh ID token, and says
   * when it allows again: renewal, waiting while blocked, then goes back to its schedule.
   */
  readonly admission: Admission & {
    readonly onDidAskRenewal: vscode.Event<RenewalRequest>;
    readonly onDidChange: vscode.Event<{ readonly kind: string } | undefined>;
  };
  readonly channel: WindowChannel;
  readonly clock: Clock;
  readonly log: Log;
  readonly notify: Notify;
  readonly random?: () => number;
}

export class Renewal implements vscode.Disposable {
  private renewTimer: Timer | undefined;
  private expiryTimer: Timer | undefined;
  private running: Promise<Session> | undefined;
  private readonly backoff: Backoff;
  private retryAt = 0;
  private disposed = false;
  /** The keys whose expiry was handled already (timers and state changes can both see it). */
  private expiredKeys: string | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** Serving other windows' renewals while this one holds the session's secrets. */
  private serving: { dispose(): void } | undefined;

  constructor(private readonly options: RenewalOptions) {
    this.backoff = new Backoff({ ...RENEWAL_BACKOFF, random: options.random });
    this.subscriptions = [
      options.store.onDidChange(() => {
        this.serve();
        this.schedule();
      }),
      options.sessions.onDidChangeState(() => this.schedule()),
      options.admission.onDidAskRenewal((request) => request.renewing(this.renewNow(true))),
      options.admission.onDidChange((verdict) => verdict?.kind !== 'blocked' && this.resume()),
    ];
    this.serve();
    this.schedule();
  }

  /** True when the session can be renewed without the browser: here, or by a window that holds its secrets. */
  canRenew(session: Session): boolean {
    if (session.renewalFailed) return false;
    return this.options.store.holdsSecrets ? this.renewable(session) : true;
  }

  private serve(): void {
    const holds = this.options.store.holdsSecrets && !this.disposed;
    if (holds && !this.serving) {
      this.serving = this.options.channel.serve(RENEW_CALL, async (payload) => {
        await this.renewNow((payload as { force?: unknown } | null)?.force === true);
        return null;
      });
    } else if (!holds && this.serving) {
      this.serving.dispose();
      this.serving = undefined;
    }
  }

  /** Sets the timers for the stored session: renewal before expiry, and expiry itself. */
  schedule(): void {
    const { store, sessions, clock } = this.options;
    clock.clearTimeout(this.renewTimer);
    clock.clearTimeout(this.expiryTimer);
    this.renewTimer = this.expiryTimer = undefined;
    const session = store.session;
    if (this.disposed || !session || !sessions.isCurrent(session)) return;
    const now = clock.now();
    const expiry = expiresAt(session);
    if (expiry > now) this.expiryTimer = clock.setTimeout(() => void this.expired(session), expiry - now);
    if (!this.renewable(session)) {
      if (expiry <= now) void this.expired(session);
      return;
    }
    const due = Math.max(renewalDue(session, now), this.retryAt);
    if (due === Number.POSITIVE_INFINITY) return;
    this.renewTimer = clock.setTimeout(() => void this.onTimer(), due - now);
  }

  /**
   * Renews now, under the windows' lock. With `force` false, a session another window has
   * renewed meanwhile (or that is not yet due) is taken as it is. Joins a renewal under way.
   * A failure that retrying cannot mend marks the stored session (renewalFailed), so every
   * window shows that a new sign-in is needed; then the failure is thrown.
   */
  renewNow(force: boolean): Promise<Session> {
    this.running ??= (this.options.store.holdsSecrets ? this.locked(force) : this.elsewhere(force)).finally(() => (this.running = undefined));
    return this.running;
  }

  /** This window knows the session without its secrets: a window that holds them renews it. */
  private async elsewhere(force: boolean): Promise<Session> {
    const { store, channel, log } = this.options;
    log.info('Asking the VS Code window that holds the sign-in to renew it.');
    try {
      await channel.call(RENEW_CALL, { force }, RENEW_CALL_MS);
    } catch (error) {
      if (error instanceof CallError && error.code === 'noServer') {
        log.warn('No VS Code window holds the saved sign-in any more: this window cannot renew it.');
        throw new Failure('refreshRejected', 'No open VS Code window holds your saved sign-in any more, so this window cannot renew it. Sign in again.', [SIGN_IN], { cause: error });
      }
      log.warn(`The window that holds the sign-in could not renew it: ${error instanceof Error ? error.message : String(error)}`);
      throw unexpected(error);
    }
    // The renewed session came over the channel before the answer; its adoption may still be under way.
    await store.settled();
    const session = store.session;
    if (!session) throw new Failure('cancelled', 'The renewal was dropped: you signed out.');
    return session;
  }

  /** The quota service allows again: renewal goes back to its schedule (at once if overdue). */
  private resume(): void {
    if (this.retryAt === 0) return;
    this.retryAt = 0;
    this.backoff.reset();
    this.schedule();
  }

  /** "Refresh Credentials": renews now and says why not when it cannot. */
  async refreshNow(): Promise<Session | undefined> {
    try {
      return await this.renewNow(true);
    } catch (error) {
      const failure = unexpected(error);
      this.options.log.error(`Refreshing failed (${failure.kind})`, error);
      if (!failure.quiet) this.options.notify.failure(failure);
      return undefined;
    }
  }

  /** This window can renew `session` itself: it holds the secrets, and the flow has what it needs. */
  private renewable(session: Session): boolean {
    return this.options.store.holdsSecrets && !session.renewalFailed && this.options.flows.of(session)?.canRenew(session) === true;
  }

  private async locked(force: boolean): Promise<Session> {
    const { store, sessions, flows, clock, log } = this.options;
    const asked = store.session?.credentials.accessKeyId;
    const lease = await this.options.channel.acquire(LOCK);
    if (!lease) throw new Failure('cancelled', 'The renewal stopped: this window is closing.');
    try {
      const session = store.session;
      const flow = session && flows.of(session);
      if (!session || !flow || !this.renewable(session) || !sessions.isCurrent(session)) throw refreshRejected('there is no saved sign-in to renew');
      // Another window renewed while this one waited for the lock: its keys are here already.
      const renewedElsewhere = session.credentials.accessKeyId !== asked;
      if (renewedElsewhere || (!force && renewalDue(session, clock.now()) > clock.now())) return session;
      log.info('Renewing the session.');
      const epoch = store.epoch;
      try {
        const gate = gateFor(this.options.admission, false);
        const renewed = await flow.renew(session, async (keep) => void (await store.save(keep, epoch)), gate.admit);
        gate.check();
        if (!(await store.save(renewed, epoch))) throw new Failure('cancelled', 'The renewal was dropped: you signed out.');
        return store.session ?? renewed;
      } catch (error) {
        const failure = renewalFailure(error, expiresAt(session), clock.now());
        // Blocked by the quota service: the session stays, and renews once the service allows.
        if (!failure.transient && !failure.quiet && failure.kind !== 'quotaBlocked' && store.session) {
          log.warn(`Renewing the session failed for good (${failure.kind}): ${failure.message}`);
          await store.save({ ...store.session, refreshToken: undefined, renewalFailed: failure.message }, epoch);
          // A window signing in now must not take the sign-in that made this session: it is spent.
          withdrawSignIn(this.options.channel);
        }
        throw failure;
      }
    } finally {
      lease.release();
    }
  }

  private async onTimer(): Promise<void> {
    try {
      await this.renewNow(false);
      this.backoff.reset();
      this.retryAt = 0;
    } catch (error) {
      const failure = unexpected(error);
      if (failure.quiet) return;
      if (failure.kind === 'quotaBlocked') {
        // The quota gate has told the user, and resumes renewal when the service allows again.
        this.retryAt = Number.POSITIVE_INFINITY;
        this.options.log.info('Renewal waits: the quota service does not allow new credentials now.');
        this.schedule();
        return;
      }
      if (!failure.transient) {
        this.options.notify.failure(failure);
        return;
      }
      const delay = this.backoff.next();
      this.retryAt = this.options.clock.now() + delay;
      this.options.log.warn(`Renewing the session failed (${failure.kind}); trying again in ${Math.round(delay / 1000)} s. ${failure.message}`);
      this.schedule();
    }
  }

  /** The credentials have expired: sign in again, unless a renewal can still mend it. */
  private async expired(session: Session): Promise<void> {
    const { store, sessions, log, notify } = this.options;
    if (store.session?.credentials.expiration !== session.credentials.expiration) return;
    if (this.expiredKeys === session.credentials.accessKeyId) return;
    this.expiredKeys = session.credentials.accessKeyId;
    log.info('The session credentials have expired.');
    if (this.renewable(session) || (!store.holdsSecrets && !session.renewalFailed)) {
      // Renewed here, or by the window that holds its secrets; until then the state says so.
      this.expiredKeys = undefined;
      sessions.update();
      return;
    }
    sessions.lapse(session.identity, session.renewalFailed ?? 'Your session has expired.');
    await store.clear();
    if (!session.renewalFailed) notify.failure(sessionExpired());
  }

  dispose(): void {
    this.disposed = true;
    this.serving?.dispose();
    this.serving = undefined;
    this.options.clock.clearTimeout(this.renewTimer);
    this.options.clock.clearTimeout(this.expiryTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}
