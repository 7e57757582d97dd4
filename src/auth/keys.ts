// What the session hands out to others: the keys for terminals and Claude Code's helper, and the
// ID token for the quota service. Both renew first when they are about to run out (a machine
// that slept past the renewal timer), waiting a bounded time. Keys are not handed out while the
// quota gate refuses them, and `refusal` says why.
import type { AwsCredentials } from '../aws/credentials';
import { unexpected } from '../errors/failure';
import type { Log } from '../log';
import type { QuotaUser } from '../quota/gate';
import { withDeadline, type Clock } from '../util/clock';
import type { SessionCore } from './core';
import type { Renewal } from './renewal';
import { expiresAt, type Session } from './session';
import type { SessionStore } from './store';

/** Keys this close to expiry are renewed before they are handed out, waiting at most this long. */
const ON_DEMAND_RENEWAL_MS = 60_000;
const ON_DEMAND_RENEWAL_WAIT_MS = 10_000;

export interface KeysOptions {
  readonly store: SessionStore;
  readonly sessions: SessionCore;
  readonly renewal: Renewal;
  /** The quota gate's current refusal (a sentence), if it refuses. */
  readonly quota: { refusal(): string | undefined };
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * The signed-in user as the quota gate asks about them at `now`: the ID token while it has more
 * than a minute left; without ID tokens (IAM Identity Center), the keys while they have. A
 * window without the session's secrets does not ask: the window that holds them does.
 */
export function quotaUser(store: Pick<SessionStore, 'session' | 'holdsSecrets'>, current: { isCurrent(session: Session): boolean }, now: number): QuotaUser | undefined {
  const session = store.session;
  if (!session || !current.isCurrent(session)) return undefined;
  if (!store.holdsSecrets) return { subject: session.identity.subject, idToken: undefined, askedElsewhere: true };
  const idToken = session.idToken && (session.idTokenExpiresAt ?? 0) - now > ON_DEMAND_RENEWAL_MS ? session.idToken : undefined;
  const credentials = !session.idToken && expiresAt(session) - now > ON_DEMAND_RENEWAL_MS ? session.credentials : undefined;
  return { subject: session.identity.subject, idToken, credentials };
}

export class Keys {
  constructor(private readonly options: KeysOptions) {}

  /** The keys to use now; undefined when signed out or the keys have expired. */
  async credentials(): Promise<AwsCredentials | undefined> {
    const { store, sessions, renewal, clock, log } = this.options;
    if (this.refusal()) return undefined;
    // Not sessions.usableSession: keys that expired while the machine slept are still renewed here.
    let session = store.session;
    if (!session || !sessions.isCurrent(session)) return undefined;
    if (expiresAt(session) - clock.now() < ON_DEMAND_RENEWAL_MS && renewal.canRenew(session)) {
      try {
        session = await withDeadline(clock, renewal.renewNow(false), ON_DEMAND_RENEWAL_WAIT_MS);
      } catch (error) {
        log.warn(`Renewing for a terminal failed (${unexpected(error).kind}); serving the current keys.`);
        session = store.session;
      }
    }
    if (!session || expiresAt(session) <= clock.now() || this.refusal()) return undefined;
    return session.credentials;
  }

  /** Why no keys are handed out although signed in: the quota gate's sentence, if it refuses. */
  refusal(): string | undefined {
    return this.options.store.session ? this.options.quota.refusal() : undefined;
  }

  /** The ID token, renewed first when it expires within a minute; undefined when there is none. */
  async idToken(): Promise<string | undefined> {
    const { sessions, renewal, clock, log } = this.options;
    let session = sessions.session;
    if (!session?.idToken) return undefined;
    if ((session.idTokenExpiresAt ?? 0) - clock.now() < ON_DEMAND_RENEWAL_MS) {
      if (!renewal.canRenew(session)) return undefined;
      try {
        session = await renewal.renewNow(true);
      } catch (error) {
        log.warn(`Renewing the ID token failed (${unexpected(error).kind}).`);
        return undefined;
      }
    }
    return session.idToken;
  }
}
