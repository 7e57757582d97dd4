// Signing in and out. A sign-in renews silently when the saved session allows it; otherwise the
// flow the settings choose runs (the browser), shared by every window that signs in at the same
// moment (sharedSignIn.ts): this window leads it, or follows the one that does, and takes its
// session through the store as any other window's. A second Sign In in this window joins the one
// under way. Failures are shown and resolve undefined.
import type * as vscode from 'vscode';
import { SIGN_IN, settingsFailure, unexpected, type Failure, type Notify } from '../errors/failure';
import { cancelled } from '../errors/signIn';
import type { Log } from '../log';
import type { Clock } from '../util/clock';
import type { WindowChannel } from '../windows/bus';
import type { SessionCore } from './core';
import { gateFor, type Admission, type Flow, type Proof } from './flows/flow';
import type { FlowCatalog } from './flows/catalog';
import { displayName } from './identity';
import type { Renewal } from './renewal';
import { expiresAt, type Session } from './session';
import { claimSignIn, withdrawSignIn, type Follower, type Leader, type Outcome } from './sharedSignIn';
import type { SessionStore } from './store';

/** A follower waits at most the sign-in timeout plus this (discovery, code exchange, STS). */
const FOLLOW_MARGIN_SECONDS = 120;
/** A window that asks just after a sign-in finished still gets it for this long. */
const HANDOFF_GRACE_MS = 3_000;
const TITLE = 'Claude Bedrock: Signing in';

/** What a sign-in shows while it runs: a cancellable progress notification. */
export interface SignInUi {
  progress<T>(title: string, task: (report: (message: string) => void, cancelled: AbortSignal) => Promise<T>): Promise<T>;
}

export interface SignInOptions {
  readonly store: SessionStore;
  readonly sessions: SessionCore;
  readonly flows: FlowCatalog;
  readonly renewal: Renewal;
  /** The quota gate the new keys pass. */
  readonly admission: Admission;
  readonly channel: WindowChannel;
  readonly ui: SignInUi;
  readonly notify: Notify;
  readonly log: Log;
  readonly clock: Clock;
  /** Why not to sign in at all (Claude Code uses the organisation's gateway), when that is so. */
  readonly standAside?: () => Promise<string | undefined>;
}

/** How the last sign-in this window led failed: its sentence and kind, for Diagnose (nothing secret). */
export interface LastSignInFailure {
  readonly kind: Failure['kind'];
  readonly message: string;
  readonly actions: Failure['actions'];
  /** It may work on its own next time (a network failure), rather than fail the same way. */
  readonly transient: boolean;
  readonly at: number;
}

export class SignIn implements vscode.Disposable {
  private running: Promise<Session | undefined> | undefined;
  private cancelSource: AbortController | undefined;
  /** This window's latest lead of a sign-in, while other windows may still join it. */
  private leader: Leader | undefined;
  private currentRole: 'leading' | 'following' | undefined;
  /** How many windows joined the latest sign-in this window led, once it has finished. */
  private lastFollowers = 0;
  private failed: LastSignInFailure | undefined;

  private readonly subscription: vscode.Disposable;

  constructor(private readonly options: SignInOptions) {
    // Signed out in another window: a window that held the refresh token lets the identity
    // provider forget it too (the window that signed out may not have held it).
    this.subscription = options.store.onDidChange((change) => {
      if (change.origin === 'elsewhere' && change.ended) void options.flows.of(change.ended)?.signOut(change.ended);
    });
  }

  /** The last sign-in this window led, when it failed (not cancelled); cleared by one that succeeds. */
  get lastFailure(): LastSignInFailure | undefined {
    return this.failed;
  }

  /** Whether the sign-in under way runs in this window or waits for another window's. */
  get role(): 'leading' | 'following' | undefined {
    return this.currentRole;
  }

  /** How many other windows joined this window's latest sign-in. */
  get followers(): number {
    return this.leader?.followers ?? this.lastFollowers;
  }

  /** Signs in; a second call while one runs joins it. */
  signIn(): Promise<Session | undefined> {
    this.running ??= this.standingAside()
      .then((standing) => (standing ? undefined : this.options.sessions.signingIn(() => this.run())))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** True (and said once, with Diagnose) when this extension must not sign in here. */
  private async standingAside(): Promise<boolean> {
    const why = await this.options.standAside?.().catch(() => undefined);
    if (!why) return false;
    this.options.log.info(why);
    this.options.notify.show('info', why, [{ kind: 'run', command: 'claudeBedrock.diagnose', label: 'Diagnose' }]);
    return true;
  }

  cancel(): void {
    this.cancelSource?.abort();
  }

  async signOut(): Promise<void> {
    const { store, sessions, flows, log } = this.options;
    this.cancel();
    // Windows joining a sign-in just finished (here or elsewhere) must not receive it after the sign-out.
    this.leader?.close();
    this.leader = undefined;
    withdrawSignIn(this.options.channel);
    const session = store.session;
    sessions.forgetLapse();
    await store.clear();
    if (session) void flows.of(session)?.signOut(session);
    flows.forget();
    log.info('Signed out.');
  }

  private async run(): Promise<Session | undefined> {
    const { store, sessions, flows, renewal, notify, log, clock } = this.options;
    const flow = flows.current;
    const checked = flow.check();
    if (!checked.ok) {
      const failure = settingsFailure(checked.problems);
      log.warn(failure.message);
      notify.failure(failure);
      return undefined;
    }
    const existing = store.session;
    const current = existing && sessions.isCurrent(existing) && !existing.renewalFailed;
    if (current && expiresAt(existing) > clock.now()) {
      notify.show('info', `You are already signed in as ${displayName(existing.identity)}.`);
      return existing;
    }
    if (current && renewal.canRenew(existing)) {
      try {
        const renewed = await renewal.renewNow(false);
        log.info('Signed in silently with the saved refresh token.');
        return renewed;
      } catch (error) {
        log.info(`The saved sign-in could not be renewed silently (${unexpected(error).kind}); opening the browser.`);
      }
    }
    const cancel = new AbortController();
    this.cancelSource = cancel;
    try {
      return await this.shared(flow, (checked.value.signInTimeout + FOLLOW_MARGIN_SECONDS) * 1000, cancel.signal);
    } finally {
      if (this.cancelSource === cancel) this.cancelSource = undefined;
    }
  }

  /** Leads the sign-in, or follows the window that leads it; a follower whose leader went away leads next. */
  private async shared(flow: Flow, followMs: number, signal: AbortSignal): Promise<Session | undefined> {
    for (;;) {
      const claim = await claimSignIn(this.options.channel, { followMs, signal });
      if (!claim) return undefined;
      if (claim.kind === 'leader') return this.lead(flow, claim, signal);
      this.currentRole = 'following';
      const followed = await this.follow(claim).finally(() => (this.currentRole = undefined));
      if (followed !== 'lost') return followed;
      if (signal.aborted) return undefined;
      this.options.log.info('The window that was signing in went away before it finished; signing in here.');
    }
  }

  private async lead(flow: Flow, claim: Leader, signal: AbortSignal): Promise<Session | undefined> {
    const { store, sessions, notify, log, clock } = this.options;
    this.currentRole = 'leading';
    this.leader = claim;
    let outcome: Outcome = { kind: 'ended', reason: 'The sign-in stopped.' };
    try {
      const session = await this.options.ui.progress(TITLE, async (report, userCancel) => {
        const stop = () => this.cancel();
        userCancel.addEventListener('abort', stop, { once: true });
        try {
          if (signal.aborted) throw cancelled();
          const gate = gateFor(this.options.admission, true);
          const admit = async (proof: Proof) => {
            if (this.options.admission.enabled) report('Checking your quota…');
            await gate.admit(proof);
          };
          const signedIn = await flow.signIn({ signal, progress: report, admit });
          gate.check();
          return signedIn;
        } finally {
          userCancel.removeEventListener('abort', stop);
        }
      });
      if (signal.aborted) throw cancelled();
      sessions.forgetLapse();
      if (!(await store.save(session))) throw cancelled();
      const saved = store.session ?? session;
      // The session as the other windows hear of it: their stores take it as they take every change of it.
      outcome = { kind: 'signedIn', session: store.told };
      this.failed = undefined;
      log.info(`Signed in as ${displayName(saved.identity)}.`);
      return saved;
    } catch (error) {
      const failure = unexpected(error);
      outcome = { kind: 'ended', reason: failure.message };
      if (!failure.quiet) this.failed = { kind: failure.kind, message: failure.message, actions: failure.actions, transient: failure.transient, at: clock.now() };
      if (failure.kind === 'unexpected') log.error('Sign-in failed', error);
      else log.warn(`Sign-in failed (${failure.kind}): ${failure.message}`);
      notify.failure(failure);
      return undefined;
    } finally {
      this.currentRole = undefined;
      this.lastFollowers = claim.followers;
      const others = claim.followers;
      if (others > 0) log.info(`${others} other window${others === 1 ? ' was' : 's were'} waiting on this sign-in and ${others === 1 ? 'has' : 'have'} its outcome.`);
      claim.finish(outcome, outcome.kind === 'signedIn' ? HANDOFF_GRACE_MS : 0);
      if (this.leader === claim) this.leader = undefined;
    }
  }

  /** Waits for the window that leads the sign-in; 'lost' when it went away without an outcome. */
  private async follow(claim: Follower): Promise<Session | undefined | 'lost'> {
    const { store, sessions, notify, log } = this.options;
    log.info('Another VS Code window is signing in; waiting for it instead of opening a second sign-in.');
    const cancelHere = this.cancelSource?.signal;
    const onCancel = () => claim.cancel();
    cancelHere?.addEventListener('abort', onCancel, { once: true });
    let result;
    try {
      result = await this.options.ui.progress(TITLE, async (report, userCancel) => {
        userCancel.addEventListener('abort', () => this.cancel(), { once: true });
        report('Another VS Code window is signing in: finish in the browser tab it opened…');
        return claim.result;
      });
    } finally {
      cancelHere?.removeEventListener('abort', onCancel);
    }
    switch (result.kind) {
      case 'lost':
        return 'lost';
      case 'cancelled':
        log.info('Stopped waiting for the sign-in of another window.');
        return undefined;
      case 'ended':
        log.info(`The sign-in in another window did not finish: ${result.reason}`);
        notify.show('info', 'The sign-in in another VS Code window did not finish. Sign in again to start a new one.', [SIGN_IN]);
        return undefined;
      case 'signedIn': {
        const taken = await store.receive(result.session);
        const session = store.session;
        if (taken && !session) {
          log.info('The sign-in of another window was followed by a sign-out.');
          return undefined;
        }
        if (!taken || !session || !sessions.isCurrent(session)) {
          log.warn("The sign-in of another window does not match this window's sign-in settings.");
          notify.show('info', "Another VS Code window signed in with other sign-in settings than this window's. Sign in again to sign in with this window's settings.", [SIGN_IN]);
          return undefined;
        }
        sessions.forgetLapse();
        log.info(`Signed in as ${displayName(session.identity)} by the sign-in of another window.`);
        return session;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.cancel();
    this.leader?.close();
  }
}
