// The sign-in service: owns the session's life (sign in, renew, expire, sign out) and tells
// everyone else through one state and one event.
import * as vscode from 'vscode';
import type { AwsCredentials } from '../aws/credentials';
import type { Config } from '../config/config';
import type { SignInSettings } from '../config/schema';
import { Failure, SIGN_IN, cancelled, oidcFailure, refreshRejected, settingsFailure, unexpected } from '../failures';
import { loadOidc } from '../lazy';
import type { Log } from '../log';
import type { Notifier } from '../ui/notify';
import { claimSignIn, type Follower, type Leader, type Outcome } from './handoff';
import { failureContext, mintSession } from './mint';
import type { OidcClient } from './oidc';
import { pageRenderer } from './page';
import { Refresher } from './refresh';
import { displayName, type Identity } from './identity';
import type { SessionStore } from './session';
import { expiresAt, isStoredSession, type StoredSession } from './sessionModel';
import { interactiveSignIn } from './signIn';

export type AuthState =
  | { readonly kind: 'signedOut' }
  | { readonly kind: 'signingIn' }
  | { readonly kind: 'signedIn'; readonly session: StoredSession }
  /** Signed in before, but the session cannot go on without a new sign-in. */
  | { readonly kind: 'needsSignIn'; readonly identity: Identity | undefined; readonly reason: string };

/** Allowed difference between this machine's clock and the IdP's when checking ID tokens. */
const CLOCK_TOLERANCE_SECONDS = 120;
/** Keys this close to expiry are renewed before a terminal gets them, waiting at most this long. */
const ON_DEMAND_RENEWAL_MS = 60_000;
const ON_DEMAND_RENEWAL_WAIT_MS = 10_000;
/** A sign-in lock lives at most the sign-in timeout plus this (discovery, code exchange, STS). */
const SIGN_IN_LOCK_MARGIN_SECONDS = 120;
/** How long to try to lead or join a sign-in before going ahead alone. */
const CLAIM_DEADLINE_MS = 5_000;
/** A window that asks just after a sign-in finished still gets it for this long. */
const HANDOFF_GRACE_MS = 3_000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface AuthOptions {
  readonly config: Config;
  readonly store: SessionStore;
  readonly log: Log;
  readonly notifier: Notifier;
  readonly mediaDir: string;
  readonly lockDir: string;
}

export class Auth implements vscode.Disposable {
  private readonly stateChanged = new vscode.EventEmitter<AuthState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly refresher: Refresher;
  private readonly disposables: vscode.Disposable[] = [];
  private signingIn: Promise<StoredSession | undefined> | undefined;
  private cancelSignIn: vscode.CancellationTokenSource | undefined;
  /** Who was signed in when a session ended without a sign-out: shown as "sign in again". */
  private lapsed: { identity: Identity; reason: string } | undefined;
  private client: { key: string; client: Promise<OidcClient> } | undefined;
  private lastState: AuthState = { kind: 'signedOut' };
  /** This window's latest lead of a sign-in, while it still tells other windows the outcome. */
  private leading: Leader | undefined;
  private role: 'leading' | 'following' | undefined;

  constructor(private readonly options: AuthOptions) {
    this.refresher = new Refresher({
      store: options.store,
      log: options.log,
      lockDir: options.lockDir,
      isCurrent: (session) => this.isCurrent(session),
      renew: (session, epoch) => this.renew(session, epoch),
      onRenewalFailed: (failure) => options.notifier.failure(failure),
      onExpired: (session) => void this.expired(session),
    });
    this.disposables.push(
      this.refresher,
      this.stateChanged,
      options.store.onDidChange(() => this.update()),
      options.config.onDidChange(() => {
        this.refresher.schedule();
        this.update();
      }),
    );
  }

  /** Reads the stored session (shared with other windows) and starts the refresh timer. */
  async initialize(): Promise<void> {
    const session = await this.options.store.reload();
    if (session && expiresAt(session) <= Date.now() && (!session.refreshToken || session.renewalFailed)) {
      await this.expired(session);
    }
    this.refresher.schedule();
    this.update();
  }

  get state(): AuthState {
    return this.lastState;
  }

  /** The signed-in session with usable credentials, if any. */
  get session(): StoredSession | undefined {
    return this.lastState.kind === 'signedIn' ? this.lastState.session : undefined;
  }

  /**
   * The session whose keys still work: the signed-in one, or one that can no longer be renewed
   * but has not expired yet (terminals keep working until then).
   */
  get usableSession(): StoredSession | undefined {
    const session = this.options.store.session;
    return session && this.isCurrent(session) && expiresAt(session) > Date.now() ? session : undefined;
  }

  /**
   * Signs in: silently with the saved refresh token when there is one, else in the browser.
   * A second call while one runs joins it. Failures are shown to the user and resolve undefined.
   */
  signIn(): Promise<StoredSession | undefined> {
    if (!this.signingIn) {
      this.signingIn = this.runSignIn().finally(() => {
        this.signingIn = undefined;
        this.update();
      });
      this.update();
    }
    return this.signingIn;
  }

  /** How many other windows joined this window's latest sign-in. */
  get signInFollowers(): number {
    return this.leading?.followers ?? 0;
  }

  /** Whether the sign-in under way runs here or waits for another window's. */
  get signInRole(): 'leading' | 'following' | undefined {
    return this.role;
  }

  cancel(): void {
    this.cancelSignIn?.cancel();
  }

  async signOut(): Promise<void> {
    this.cancel();
    // Windows joining a sign-in just finished here must not receive it after the sign-out.
    await this.leading?.close();
    this.leading = undefined;
    const session = this.options.store.session;
    this.lapsed = undefined;
    await this.options.store.clear();
    this.update();
    if (session?.refreshToken) void this.revoke(session.refreshToken);
    // The next sign-in starts afresh, discovery included.
    this.client = undefined;
    this.options.log.info('Signed out.');
  }

  /**
   * The keys terminals should use now, renewed first when they are about to expire (a machine
   * that slept past the renewal timer). Undefined when signed out or the keys have expired.
   */
  async currentCredentials(): Promise<AwsCredentials | undefined> {
    // Not usableSession: keys that expired while the machine slept are still renewed here.
    let session = this.options.store.session;
    if (!session || !this.isCurrent(session)) return undefined;
    if (expiresAt(session) - Date.now() < ON_DEMAND_RENEWAL_MS && session.refreshToken && !session.renewalFailed) {
      try {
        session = await withDeadline(this.refresher.renewNow(false), ON_DEMAND_RENEWAL_WAIT_MS);
      } catch (error) {
        this.options.log.warn(`Renewing for a terminal failed (${unexpected(error).kind}); serving the current keys.`);
        session = this.options.store.session;
      }
    }
    if (!session || expiresAt(session) <= Date.now()) return undefined;
    return session.credentials;
  }

  /** The ID token, renewed first when it expires within a minute (for the quota service). */
  async freshIdToken(): Promise<string | undefined> {
    let session = this.session;
    if (!session) return undefined;
    if (session.idTokenExpiresAt - Date.now() < ON_DEMAND_RENEWAL_MS) {
      if (!session.refreshToken || session.renewalFailed) return undefined;
      try {
        session = await this.refresher.renewNow(true);
      } catch (error) {
        this.options.log.warn(`Renewing the ID token failed (${unexpected(error).kind}).`);
        return undefined;
      }
    }
    return session.idToken;
  }

  /** Renews the session now (the "Refresh Credentials" command). */
  async refreshNow(): Promise<StoredSession | undefined> {
    try {
      return await this.refresher.renewNow(true);
    } catch (error) {
      const failure = unexpected(error);
      this.options.log.error(`Refreshing failed (${failure.kind})`, error);
      if (!failure.quiet) this.options.notifier.failure(failure);
      return undefined;
    }
  }

  private async runSignIn(): Promise<StoredSession | undefined> {
    const { log, store, notifier } = this.options;
    const checked = this.options.config.signIn();
    if (!checked.ok) {
      const failure = settingsFailure(checked.problems);
      log.warn(failure.message);
      notifier.failure(failure);
      return undefined;
    }
    const settings = checked.value;
    const existing = store.session;
    if (existing && this.isCurrent(existing) && !existing.renewalFailed && expiresAt(existing) > Date.now()) {
      notifier.show('info', `You are already signed in as ${displayName(existing.identity)}.`);
      return existing;
    }
    if (existing?.refreshToken && this.isCurrent(existing) && !existing.renewalFailed) {
      try {
        const renewed = await this.refresher.renewNow(false);
        log.info('Signed in silently with the saved refresh token.');
        return renewed;
      } catch (error) {
        log.info(`The saved sign-in could not be renewed silently (${unexpected(error).kind}); opening the browser.`);
      }
    }

    this.cancelSignIn = new vscode.CancellationTokenSource();
    const cancelSource = this.cancelSignIn;
    try {
      return await this.signInOnce(settings, cancelSource.token);
    } finally {
      cancelSource.dispose();
      if (this.cancelSignIn === cancelSource) this.cancelSignIn = undefined;
    }
  }

  /**
   * Runs the browser sign-in for every window that wants one now: leads it, or follows the
   * window that already leads it (handoff.ts). A follower whose leader went away leads next.
   */
  private async signInOnce(settings: SignInSettings, token: vscode.CancellationToken): Promise<StoredSession | undefined> {
    const staleMs = (settings.signInTimeout + SIGN_IN_LOCK_MARGIN_SECONDS) * 1000;
    for (;;) {
      const claim = await claimSignIn(this.options.lockDir, {
        staleMs,
        deadlineMs: CLAIM_DEADLINE_MS,
        followMs: staleMs,
        isCancelled: () => token.isCancellationRequested,
      }).catch((error: unknown) => {
        // The extension's storage cannot hold the lock: sign in here, without sharing.
        this.options.log.error('Could not coordinate the sign-in with other windows', error);
        return undefined;
      });
      if (claim?.kind !== 'follower') return this.lead(claim, settings, token);
      this.role = 'following';
      const followed = await this.follow(claim, token).finally(() => (this.role = undefined));
      if (followed !== 'lost') return followed;
      if (token.isCancellationRequested) return undefined;
      this.options.log.info('The window that was signing in went away before it finished; signing in here.');
    }
  }

  private async lead(claim: Leader | undefined, settings: SignInSettings, token: vscode.CancellationToken): Promise<StoredSession | undefined> {
    const { log, store, notifier } = this.options;
    this.role = 'leading';
    // A claim is had only once the previous one let go of the lock: nothing is left to close.
    this.leading = claim;
    if (!claim) log.warn('Another window holds the sign-in and offers no way to join it; trying on our own.');
    else if (!claim.shared) log.warn('Other windows cannot join this sign-in (no local socket could be opened); they wait for it to end.');
    let outcome: Outcome = { kind: 'ended', reason: 'The sign-in stopped.' };
    try {
      const session = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Claude Bedrock: Signing in',
          cancellable: true,
        },
        async (progress, progressToken) => {
          const sub = progressToken.onCancellationRequested(() => this.cancel());
          try {
            if (token.isCancellationRequested) throw cancelled();
            progress.report({ message: 'Contacting your identity provider…' });
            const client = await this.oidcClient(settings);
            if (token.isCancellationRequested) throw cancelled();
            return await interactiveSignIn({
              settings,
              client,
              log,
              notifier,
              renderPage: pageRenderer(this.options.mediaDir),
              progress,
              token,
            });
          } finally {
            sub.dispose();
          }
        },
      );
      if (token.isCancellationRequested) throw cancelled();
      this.lapsed = undefined;
      await store.save(session);
      outcome = { kind: 'signedIn', session };
      log.info(`Signed in as ${displayName(session.identity)}.`);
      return session;
    } catch (error) {
      const failure = unexpected(error);
      outcome = { kind: 'ended', reason: failure.message };
      if (failure.kind === 'unexpected') log.error('Sign-in failed', error);
      else log.warn(`Sign-in failed (${failure.kind}): ${failure.message}`);
      notifier.failure(failure);
      return undefined;
    } finally {
      this.role = undefined;
      if (claim) {
        const others = claim.followers;
        if (others > 0) log.info(`${others} other window${others === 1 ? ' was' : 's were'} waiting on this sign-in and ${others === 1 ? 'has' : 'have'} its outcome.`);
        claim.finish(outcome, outcome.kind === 'signedIn' ? HANDOFF_GRACE_MS : 0);
      }
    }
  }

  /** Waits for the window that leads the sign-in; 'lost' when it went away without an outcome. */
  private async follow(claim: Follower, token: vscode.CancellationToken): Promise<StoredSession | undefined | 'lost'> {
    const { log, store, notifier } = this.options;
    log.info('Another VS Code window is signing in; waiting for it instead of opening a second sign-in.');
    const sub = token.onCancellationRequested(() => claim.cancel());
    let result;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Claude Bedrock: Signing in', cancellable: true },
        (progress, progressToken) => {
          const cancelHere = progressToken.onCancellationRequested(() => this.cancel());
          progress.report({ message: 'Another VS Code window is signing in: finish in the browser tab it opened…' });
          return claim.result.finally(() => cancelHere.dispose());
        },
      );
    } finally {
      sub.dispose();
    }
    switch (result.kind) {
      case 'lost':
        return 'lost';
      case 'cancelled':
        log.info('Stopped waiting for the sign-in of another window.');
        return undefined;
      case 'ended':
        log.info(`The sign-in in another window did not finish: ${result.reason}`);
        notifier.show('info', 'The sign-in in another VS Code window did not finish. Sign in again to start a new one.', [SIGN_IN]);
        return undefined;
      case 'signedIn': {
        const session = result.session;
        if (!isStoredSession(session) || !this.isCurrent(session)) {
          // Not 'lost': for a few seconds the other window would hand over the same session again.
          log.warn("The sign-in of another window does not match this window's sign-in settings.");
          notifier.show('info', "Another VS Code window signed in with other sign-in settings than this window's. Sign in again to sign in with this window's settings.", [SIGN_IN]);
          return undefined;
        }
        const stored = store.session;
        const known = stored?.refreshedAt === session.refreshedAt && stored.credentials.accessKeyId === session.credentials.accessKeyId;
        if (!known) await store.save(session);
        this.lapsed = undefined;
        log.info(`Signed in as ${displayName(session.identity)} by the sign-in of another window.`);
        return session;
      }
    }
  }

  /** One discovery per issuer and client, reused by sign-in and refresh; a failed one is retried. */
  private oidcClient(settings: SignInSettings): Promise<OidcClient> {
    const key = `${settings.issuer}\n${settings.clientId}\n${settings.requestTimeout}`;
    if (this.client?.key !== key) {
      const client = loadOidc()
        .discover({
          issuer: settings.issuer,
          clientId: settings.clientId,
          timeoutSeconds: settings.requestTimeout,
          clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
        })
        .catch((error: unknown) => {
          if (this.client?.key === key) this.client = undefined;
          const failure = oidcFailure(error, 'discovery', failureContext(settings));
          this.options.log.error(`Discovery at ${settings.issuer} failed (${failure.kind})`, error);
          throw failure;
        });
      this.client = { key, client };
    }
    return this.client.client;
  }

  private async renew(session: StoredSession, epoch: number): Promise<StoredSession> {
    const { log, store } = this.options;
    const checked = this.options.config.signIn();
    if (!checked.ok) throw settingsFailure(checked.problems, 'renew your session');
    const settings = checked.value;
    if (!session.refreshToken) throw refreshRejected('there is no refresh token');
    const client = await this.oidcClient(settings);
    let tokens;
    try {
      tokens = await client.refresh(session.refreshToken);
    } catch (error) {
      const failure = oidcFailure(error, 'refresh', failureContext(settings));
      log.error(`The refresh_token grant failed (${failure.kind})`, error);
      throw failure;
    }
    if (!tokens) throw refreshRejected('your identity provider returned no new ID token');
    log.redact(tokens.idToken, tokens.refreshToken);
    if (tokens.claims.sub !== session.identity.subject) {
      throw refreshRejected('your identity provider returned a different user');
    }
    try {
      return await mintSession({ settings, tokens, previous: session, log });
    } catch (error) {
      // The IdP may have rotated the refresh token: the old one is spent, so keep the new one.
      if (tokens.refreshToken && tokens.refreshToken !== session.refreshToken) {
        await store.save({ ...session, refreshToken: tokens.refreshToken }, epoch);
      }
      throw error;
    }
  }

  private async expired(session: StoredSession): Promise<void> {
    const stillRenewing = session.refreshToken && !session.renewalFailed;
    if (stillRenewing) {
      this.update();
      return;
    }
    this.lapsed = { identity: session.identity, reason: session.renewalFailed ?? 'Your session has expired.' };
    await this.options.store.clear();
    if (!session.renewalFailed) {
      this.options.notifier.failure(new Failure('refreshRejected', 'Your Claude Bedrock session has expired. Sign in again to continue.', [{ kind: 'signIn' }]));
    }
    this.update();
  }

  private async revoke(refreshToken: string): Promise<void> {
    const checked = this.options.config.signIn();
    if (!checked.ok) return;
    try {
      const client = await this.oidcClient(checked.value);
      await client.revoke(refreshToken);
      this.options.log.info('The refresh token was revoked at the identity provider.');
    } catch (error) {
      this.options.log.debug(`The identity provider did not revoke the refresh token: ${unexpected(error).kind}`);
    }
  }

  private isCurrent(session: StoredSession): boolean {
    const checked = this.options.config.signIn();
    if (!checked.ok) return false;
    const s = checked.value;
    return session.issuer === s.issuer && session.clientId === s.clientId && session.roleArn === s.roleArn;
  }

  private computeState(): AuthState {
    if (this.signingIn) return { kind: 'signingIn' };
    const session = this.options.store.session;
    if (!session) {
      return this.lapsed ? { kind: 'needsSignIn', identity: this.lapsed.identity, reason: this.lapsed.reason } : { kind: 'signedOut' };
    }
    if (!this.isCurrent(session)) {
      return { kind: 'needsSignIn', identity: session.identity, reason: 'The sign-in settings have changed since you signed in.' };
    }
    if (session.renewalFailed) return { kind: 'needsSignIn', identity: session.identity, reason: session.renewalFailed };
    if (expiresAt(session) <= Date.now()) {
      return { kind: 'needsSignIn', identity: session.identity, reason: 'Your credentials have expired and could not be renewed yet.' };
    }
    return { kind: 'signedIn', session };
  }

  private update(): void {
    const next = this.computeState();
    if (JSON.stringify(next) === JSON.stringify(this.lastState)) return;
    this.lastState = next;
    this.stateChanged.fire(next);
  }

  dispose(): void {
    this.cancel();
    void this.leading?.close();
    for (const d of this.disposables) d.dispose();
  }
}
