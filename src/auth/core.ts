// The session core: the state of the sign-in and its changes, and nothing else. Signing in
// (signIn.ts), renewing (renewal.ts) and other windows' changes (store.ts) change the session
// through the store; the core tells everyone else what that means, through one state and one
// event. The terminal endpoint, usage, models and the status bar read it (SessionSource).
import * as vscode from 'vscode';
import type { Clock } from '../util/clock';
import type { FlowCatalog } from './flows/catalog';
import type { Identity } from './identity';
import { expiresAt, type Session } from './session';
import type { SessionStore } from './store';

export type AuthState =
  | { readonly kind: 'signedOut' }
  | { readonly kind: 'signingIn' }
  | { readonly kind: 'signedIn'; readonly session: Session }
  /** Signed in before, but the session cannot go on without a new sign-in. */
  | { readonly kind: 'needsSignIn'; readonly identity: Identity | undefined; readonly reason: string };

/** What the rest of the extension reads of the session. */
export interface SessionSource {
  readonly state: AuthState;
  readonly onDidChangeState: vscode.Event<AuthState>;
  /** The signed-in session with usable credentials, if any. */
  readonly session: Session | undefined;
  /**
   * The session whose keys still work: the signed-in one, or one that can no longer be renewed
   * but has not expired yet (terminals keep working until then).
   */
  readonly usableSession: Session | undefined;
}

export interface SessionCoreOptions {
  readonly store: SessionStore;
  readonly flows: FlowCatalog;
  readonly clock: Clock;
  /** Fires when the sign-in settings change: a session may stop belonging to them. */
  readonly onDidChangeSettings: vscode.Event<unknown>;
  /** The quota gate: while it refuses new keys, a session whose keys ran out meanwhile is still signed in. */
  readonly quota?: { readonly verdict: { readonly kind: string } | undefined; readonly onDidChange: vscode.Event<unknown> };
}

export class SessionCore implements SessionSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AuthState>();
  readonly onDidChangeState = this.changed.event;
  private current: AuthState = { kind: 'signedOut' };
  private signingInCount = 0;
  /** Who was signed in when a session ended without a sign-out: shown as "sign in again". */
  private lapsed: { identity: Identity; reason: string } | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly options: SessionCoreOptions) {
    this.subscriptions = [this.changed, options.store.onDidChange(() => this.update()), options.onDidChangeSettings(() => this.update())];
    // Blocked, a session whose keys ran out stays signed in; allowed again, it needs its keys.
    if (options.quota) this.subscriptions.push(options.quota.onDidChange(() => this.update()));
    this.current = this.compute();
  }

  get state(): AuthState {
    return this.current;
  }

  get session(): Session | undefined {
    return this.current.kind === 'signedIn' ? this.current.session : undefined;
  }

  get usableSession(): Session | undefined {
    const session = this.options.store.session;
    return session && this.isCurrent(session) && expiresAt(session) > this.options.clock.now() ? session : undefined;
  }

  /** True when `session` belongs to the sign-in settings as they are now. */
  isCurrent(session: Session): boolean {
    return this.options.flows.isCurrent(session);
  }

  /** The state is "signing in" while `work` runs. */
  signingIn<T>(work: () => Promise<T>): Promise<T> {
    this.signingInCount++;
    this.update();
    return work().finally(() => {
      this.signingInCount--;
      this.update();
    });
  }

  /** The session ended without a sign-out: who it was, and why they must sign in again. */
  lapse(identity: Identity, reason: string): void {
    this.lapsed = { identity, reason };
    this.update();
  }

  /** A sign-in or sign-out: nobody needs to sign in "again" any more. */
  forgetLapse(): void {
    this.lapsed = undefined;
    this.update();
  }

  /** Recomputes the state (the clock passed an expiry, say) and tells everyone if it changed. */
  update(): void {
    const next = this.compute();
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.changed.fire(next);
  }

  private compute(): AuthState {
    if (this.signingInCount > 0) return { kind: 'signingIn' };
    const session = this.options.store.session;
    if (!session) return this.lapsed ? { kind: 'needsSignIn', identity: this.lapsed.identity, reason: this.lapsed.reason } : { kind: 'signedOut' };
    if (!this.isCurrent(session)) return { kind: 'needsSignIn', identity: session.identity, reason: 'The sign-in settings have changed since you signed in.' };
    if (session.renewalFailed) return { kind: 'needsSignIn', identity: session.identity, reason: session.renewalFailed };
    if (expiresAt(session) <= this.options.clock.now()) {
      // Blocked by quota, not by the sign-in: it renews, without the browser, once allowed again.
      if ((session.refreshToken || !this.options.store.holdsSecrets) && this.options.quota?.verdict?.kind === 'blocked') return { kind: 'signedIn', session };
      return { kind: 'needsSignIn', identity: session.identity, reason: 'Your credentials have expired and could not be renewed yet.' };
    }
    return { kind: 'signedIn', session };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
