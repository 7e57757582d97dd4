// The window's side of the credentials helper (src/helper/): every window serves the helper's
// questions over the windows' channel, and the hub passes each to one of them, so any window
// can answer and closing one does not break the others. Secrets go over that private channel
// only, straight into the helper's output for Claude Code.
import type * as vscode from 'vscode';
import type { AuthState, SessionSource } from '../auth/core';
import { displayName } from '../auth/identity';
import type { Keys } from '../auth/keys';
import { expiresAt } from '../auth/session';
import type { SignIn } from '../auth/signIn';
import { CALLS, type CredentialsAnswer, type OtelHeadersAnswer, type SignInAnswer, type StatusAnswer, type StatusLineAnswer } from './protocol';
import type { Log } from '../log';
import type { Clock } from '../util/clock';
import type { WindowChannel } from '../windows/bus';

/** Keys this close to expiry are not "ready": Claude Code would ask again at once. */
const READY_MARGIN_MS = 2 * 60_000;

/** What the status line shows besides the session: the quota headroom and today's usage on this machine. */
export interface LineFacts {
  readonly quota: string | undefined;
  readonly today: { readonly tokens: number; readonly cost: number | undefined } | undefined;
}

/** Why the keys are not ready now: the quota's refusal, keys about to expire, or the session's state. */
type NotReady = { readonly refusal: string } | { readonly expiring: true } | { readonly state: AuthState['kind'] };

/** The status line's short words for each reason the keys are not ready. */
const NOT_READY_WORDS: Record<AuthState['kind'], string> = {
  signedOut: 'signed out',
  signingIn: 'signing in',
  needsSignIn: 'sign-in needed',
  // Never asked for: signed in, the keys are ready, expiring or refused.
  signedIn: '',
};

export interface BrokerOptions {
  readonly channel: WindowChannel;
  readonly sessions: SessionSource;
  readonly keys: Pick<Keys, 'credentials' | 'refusal'>;
  readonly signIn: Pick<SignIn, 'signIn'>;
  readonly clock: Clock;
  readonly log: Log;
  /** The quota and today's usage, as the windows already hold them (cheap: no AWS call). */
  readonly lineFacts?: () => LineFacts;
}

export class Broker implements vscode.Disposable {
  private readonly served: { dispose(): void }[];

  constructor(private readonly options: BrokerOptions) {
    const { channel } = options;
    this.served = [
      channel.serve(CALLS.credentials, () => this.credentials()),
      channel.serve(CALLS.status, () => this.status()),
      channel.serve(CALLS.signIn, () => this.signIn()),
      channel.serve(CALLS.otelHeaders, () => this.otelHeaders()),
      channel.serve(CALLS.statusLine, () => this.statusLine()),
    ];
  }

  /** Why there are no keys now, as the helper says it. */
  private why(): string {
    const state = this.options.sessions.state;
    if (state.kind === 'needsSignIn') return `${state.reason.replace(/\.?$/, '.')} Sign in again in VS Code (Claude Bedrock: Sign In).`;
    if (state.kind === 'signingIn') return 'A sign-in is under way in VS Code; finish it there.';
    return 'You are not signed in. Run "Claude Bedrock: Sign In" in VS Code.';
  }

  private async credentials(): Promise<CredentialsAnswer> {
    const keys = await this.options.keys.credentials();
    if (!keys) return { none: this.options.keys.refusal() ?? this.why() };
    this.options.log.debug('Handed the session\'s keys to Claude Code\'s helper.');
    return { keys: { AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, SessionToken: keys.sessionToken, Expiration: keys.expiration } };
  }

  /** Why the keys are not ready now; undefined: they are. */
  private notReady(): NotReady | undefined {
    const refusal = this.options.keys.refusal();
    if (refusal) return { refusal };
    const session = this.options.sessions.session;
    if (!session) return { state: this.options.sessions.state.kind };
    return expiresAt(session) - this.options.clock.now() > READY_MARGIN_MS ? undefined : { expiring: true };
  }

  private status(): StatusAnswer {
    const notReady = this.notReady();
    if (!notReady) return { ready: true };
    // Blocked by quota: a sign-in would not help, so the helper says why instead of starting one.
    if ('refusal' in notReady) return { ready: false, why: notReady.refusal, blocked: true };
    return { ready: false, why: 'expiring' in notReady ? 'Your AWS credentials are about to expire.' : this.why() };
  }

  /** Claude Code's status line: answered from what the window holds, at once. */
  private statusLine(): StatusLineAnswer {
    const session = this.options.sessions.session;
    const notReady = this.notReady();
    const state = !notReady ? '' : 'refusal' in notReady ? 'blocked by quota' : 'expiring' in notReady ? 'keys expiring' : NOT_READY_WORDS[notReady.state];
    const facts = this.lineFacts();
    return {
      who: session ? displayName(session.identity) : undefined,
      state,
      quota: facts?.quota,
      today: facts?.today,
      renewsAt: session ? expiresAt(session) : undefined,
    };
  }

  /** The quota and today's usage; without them (none wired, or they failed) the line still shows the session. */
  private lineFacts(): LineFacts | undefined {
    try {
      return this.options.lineFacts?.();
    } catch (error) {
      this.options.log.error("Reading the status line's quota and usage failed", error);
      return undefined;
    }
  }

  private async signIn(): Promise<SignInAnswer> {
    const ready = this.status();
    if (!ready.ready && ready.blocked) return { ok: false, why: ready.why };
    if (!ready.ready) {
      this.options.log.info("Claude Code's helper asked for a sign-in.");
      if (!(await this.options.signIn.signIn())) return { ok: false, why: 'The sign-in did not finish: VS Code says why. Sign in there (Claude Bedrock: Sign In), then start Claude Code again.' };
    }
    const session = this.options.sessions.session;
    return session ? { ok: true, who: displayName(session.identity) } : { ok: false, why: this.why() };
  }

  /** The attribution the AWS guidance's collector reads, as headers: from the ID token's claims. */
  private otelHeaders(): OtelHeadersAnswer {
    const identity = this.options.sessions.session?.identity;
    if (!identity) return { headers: {} };
    const headers: Record<string, string> = { 'x-user-id': identity.subject };
    if (identity.email) headers['x-user-email'] = identity.email;
    if (identity.name) headers['x-user-name'] = identity.name;
    if (identity.department) headers['x-department'] = identity.department;
    const team = identity.team ?? identity.groups[0];
    if (team) headers['x-team-id'] = team;
    if (identity.costCenter) headers['x-cost-center'] = identity.costCenter;
    return { headers };
  }

  dispose(): void {
    for (const s of this.served) s.dispose();
  }
}
