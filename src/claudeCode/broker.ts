// The window's side of the credentials helper (src/helper/): every window serves the helper's
// questions over the windows' channel, and the hub passes each to one of them, so any window
// can answer and closing one does not break the others. Secrets go over that private channel
// only, straight into the helper's output for Claude Code.
import type * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import { displayName } from '../auth/identity';
import type { Keys } from '../auth/keys';
import { expiresAt } from '../auth/session';
import type { SignIn } from '../auth/signIn';
import { CALLS, type CredentialsAnswer, type OtelHeadersAnswer, type SignInAnswer, type StatusAnswer } from './protocol';
import type { Log } from '../log';
import type { Clock } from '../util/clock';
import type { WindowChannel } from '../windows/bus';

/** Keys this close to expiry are not "ready": Claude Code would ask again at once. */
const READY_MARGIN_MS = 2 * 60_000;

export interface BrokerOptions {
  readonly channel: WindowChannel;
  readonly sessions: SessionSource;
  readonly keys: Pick<Keys, 'credentials' | 'refusal'>;
  readonly signIn: Pick<SignIn, 'signIn'>;
  readonly clock: Clock;
  readonly log: Log;
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

  private status(): StatusAnswer {
    // Blocked by quota: a sign-in would not help, so the helper says why instead of starting one.
    const refusal = this.options.keys.refusal();
    if (refusal) return { ready: false, why: refusal, blocked: true };
    const session = this.options.sessions.session;
    if (session && expiresAt(session) - this.options.clock.now() > READY_MARGIN_MS) return { ready: true };
    return { ready: false, why: session ? 'Your AWS credentials are about to expire.' : this.why() };
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
