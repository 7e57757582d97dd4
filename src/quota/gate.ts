// The quota gate: when a quota service is configured, it is asked before every mint of keys
// (sign-in, each renewal: `admit`, which every flow's keys pass through) and again at least
// every `quotaRecheckMinutes` while signed in (`check`). Its answer decides whether the keys
// already held are handed out (the terminals' endpoint, Claude Code's helper) and is the one
// answer the usage display shows: nobody else asks the service.
//
// One window asks for all: the verdict is a value the windows share, one per user (retained,
// nothing secret: windows/shared.ts), and a recheck is due for every window at once; the window
// that gets the 'quota' lock first asks, and the others take its answer. The window whose check
// changes the verdict tells the user, once.
import * as vscode from 'vscode';
import type { QuotaGateSettings as QuotaSettings } from '../config/groups';
import type { Checked } from '../config/rules';
import { explain } from '../errors/explain';
import { Failure, SIGN_IN, type Action, type Notify } from '../errors/failure';
import type { Log } from '../log';
import type { Clock, Timer } from '../util/clock';
import type { WindowChannel } from '../windows/bus';
import { ownerOf, SharedValue } from '../windows/shared';
import type { AwsCredentials } from '../aws/credentials';
import { QuotaError, type QuotaAnswer } from './answer';
import { failedVerdict, verdictOf, type Verdict } from './verdict';

/** The guidance's limit: a quota service slower than this has failed. */
export const QUOTA_TIMEOUT_MS = 5_000;
export const SHOW_USAGE: Action = { kind: 'run', command: 'claudeBedrock.showUsage', label: 'Show Usage' };

/** Who is asked about: the user signing in or renewing, and the ID token (or keys) that prove it. */
export interface QuotaProof {
  readonly subject: string;
  readonly idToken: string | undefined;
  /** Without an ID token: the user's keys, which sign the question (SigV4 for execute-api). */
  readonly credentials?: AwsCredentials;
  /** A sign-in the user started: its own failure notification says it, the gate does not. */
  readonly interactive: boolean;
}

/** The signed-in user as the recheck needs it; undefined when nobody is signed in. */
export interface QuotaUser {
  readonly subject: string;
  /** A usable ID token, or undefined when there is none now. */
  readonly idToken: string | undefined;
  /** Usable keys, for a sign-in without ID tokens (IAM Identity Center). */
  readonly credentials?: AwsCredentials;
  /** This window knows the session without its secrets: the window that holds them asks, and this one takes its answer. */
  readonly askedElsewhere?: boolean;
}

interface Shared {
  readonly owner: string;
  readonly verdict: Verdict;
}

export interface QuotaGateOptions {
  readonly settings: () => Checked<QuotaSettings>;
  readonly fetchQuota: (url: string, idToken: string, timeoutMs: number) => Promise<QuotaAnswer>;
  /** The same question signed with the user's keys (SigV4, execute-api), for sign-ins without ID tokens. */
  readonly fetchQuotaSigned: (url: string, credentials: AwsCredentials, timeoutMs: number) => Promise<QuotaAnswer>;
  /** The signed-in user, if any. */
  readonly user: () => QuotaUser | undefined;
  /** Fire when the signed-in user may have changed (the session arrived or ended, the sign-in settings changed). */
  readonly onDidChangeUser: readonly vscode.Event<unknown>[];
  /** Fires when the quota settings change: the gate may come or go, the recheck interval change. */
  readonly onDidChangeSettings: vscode.Event<unknown>;
  readonly channel: WindowChannel;
  readonly notify: Notify;
  readonly log: Log;
  readonly clock: Clock;
}

/** The verdict for `owner` another window shared, when that is what `value` is. */
function verdictFor(value: unknown, owner: string): Shared | undefined {
  const shared = value as Partial<Shared> | null;
  return typeof shared === 'object' && shared !== null && shared.owner === owner && typeof shared.verdict?.at === 'number' ? (shared as Shared) : undefined;
}

/** The gate needs a fresh ID token: whoever renews says so with `renewing` (its mint passes `admit`), and the gate waits. */
export interface RenewalRequest {
  renewing(renewal: Promise<unknown>): void;
}

export class QuotaGate implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Verdict | undefined>();
  /** Fires when the verdict for the signed-in user changes (here or in another window). */
  readonly onDidChange = this.changed.event;
  private readonly askRenewal = new vscode.EventEmitter<RenewalRequest>();
  /** Fires when the gate needs a renewal (renewal.ts listens). */
  readonly onDidAskRenewal = this.askRenewal.event;
  private readonly subscriptions: vscode.Disposable[];
  /** The latest verdict for the followed user (or, before following anyone, the one a sign-in just had). */
  private shared: Shared | undefined;
  /** The followed user's verdict, as the windows share it. */
  private tracked: { owner: string; value: SharedValue<Shared> } | undefined;
  private timer: Timer | undefined;
  private running: Promise<Verdict | undefined> | undefined;

  constructor(private readonly options: QuotaGateOptions) {
    this.subscriptions = [...options.onDidChangeUser.map((event) => event(() => this.follow())), options.onDidChangeSettings(() => this.settingsChanged()), this.changed, this.askRenewal];
    this.follow();
  }

  /** True when a quota service is configured. */
  get enabled(): boolean {
    const checked = this.options.settings();
    return checked.ok && checked.value.url !== undefined;
  }

  /** The latest verdict for the signed-in user; undefined before the first, or without a quota service. */
  get verdict(): Verdict | undefined {
    return this.enabled ? this.shared?.verdict : undefined;
  }

  /** Why keys may not be handed out now (a sentence), or undefined when they may. */
  refusal(): string | undefined {
    const verdict = this.verdict;
    return verdict?.kind === 'blocked' ? verdict.sentence : undefined;
  }

  /**
   * Before keys are minted: asks the quota service about `proof`. Throws a Failure (kind
   * quotaBlocked) with the sentence when no keys may be minted; returns when they may (also when
   * no quota service is configured, or it failed and the fail mode is open).
   */
  async admit(proof: QuotaProof): Promise<void> {
    const checked = this.options.settings();
    if (!checked.ok || !checked.value.url) return;
    const verdict = await this.ask(checked.value, proof);
    this.record(proof.subject, verdict, !proof.interactive);
    // Blocked at a sign-in, no session is kept: there is no usage to show, and Sign In is what
    // works once the block is lifted. Blocked at a renewal, the session waits for the allow.
    if (verdict.kind === 'blocked') throw proof.interactive ? new Failure('quotaBlocked', verdict.signInSentence, [SIGN_IN]) : new Failure('quotaBlocked', verdict.sentence, [SHOW_USAGE]);
  }

  /**
   * A verdict at most `maxAgeMs` old for the signed-in user, asking the service when the latest
   * is older (one window asks; the others get its answer). The usage display calls this with its
   * refresh interval, the recheck timer with the recheck interval.
   */
  check(maxAgeMs: number): Promise<Verdict | undefined> {
    this.running ??= this.doCheck(maxAgeMs).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Starts or stops following the signed-in user's verdict, as the session changes. */
  private follow(): void {
    const user = this.enabled ? this.options.user() : undefined;
    const owner = user ? ownerOf(user.subject) : undefined;
    if (this.tracked?.owner === owner) return;
    this.tracked?.value.dispose();
    this.tracked = undefined;
    const had = this.shared;
    // A verdict recorded while signing in belongs to the user who just signed in.
    this.shared = had?.owner === owner ? had : undefined;
    this.options.clock.clearTimeout(this.timer);
    if (owner) {
      const value = this.valueFor(owner);
      value.onDidChange((shared) => this.adopt(shared));
      this.tracked = { owner, value };
      const retained = value.value;
      if (retained && (!this.shared || retained.verdict.at > this.shared.verdict.at)) this.shared = retained;
      this.schedule();
    }
    if (had !== this.shared) this.changed.fire(this.verdict);
  }

  /** Settings changed: the gate may have come or gone, and the recheck interval changed. */
  private settingsChanged(): void {
    this.follow();
    this.schedule();
    this.changed.fire(this.verdict);
  }

  private recheckMs(): number {
    const checked = this.options.settings();
    return (checked.ok ? checked.value.recheckMinutes : 30) * 60_000;
  }

  /** Sets the recheck a recheck interval after `from` (the latest verdict, by default). */
  private schedule(from = this.shared?.verdict.at ?? 0): void {
    const { clock } = this.options;
    clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.tracked || !this.enabled) return;
    const due = from + this.recheckMs();
    this.timer = clock.setTimeout(() => void this.check(this.recheckMs()).catch((error: unknown) => this.options.log.error('Checking the quota failed', error)), Math.max(0, due - clock.now()));
  }

  private async doCheck(maxAgeMs: number): Promise<Verdict | undefined> {
    const { settings, user, clock, log } = this.options;
    const checked = settings();
    const who = user();
    if (!checked.ok || !checked.value.url || !who) return undefined;
    const owner = ownerOf(who.subject);
    const fresh = () => this.shared?.owner === owner && clock.now() - this.shared.verdict.at < maxAgeMs;
    if (fresh()) {
      // A timer may fire a moment early and find the verdict still fresh: the next one is set all the same.
      this.schedule();
      return this.shared!.verdict;
    }
    if (who.askedElsewhere) {
      // The window that holds the ID token asks (its timer is due too); look again an interval on.
      this.schedule(clock.now());
      return this.shared?.verdict;
    }
    // Another window may be asking: its answer arrives while this one waits for the lock.
    const value = this.tracked?.owner === owner ? this.tracked.value : this.valueFor(owner);
    const refreshed = await value.refresh({
      stale: () => !fresh(),
      work: async () => {
        const asked = clock.now();
        let proof: QuotaUser | undefined = who;
        if (!who.idToken && !who.credentials) {
          // Nothing usable to ask with: a renewal gets it, and asks the service on its way (admit).
          await this.renewal().catch((error: unknown) => log.debug(`Renewing for the quota check failed: ${error instanceof Error ? error.message : String(error)}`));
          if (this.shared && this.shared.verdict.at >= asked) return undefined;
          proof = user();
        }
        return { owner, verdict: await this.ask(checked.value, proof ?? who) };
      },
    });
    if (value !== this.tracked?.value) value.dispose();
    if (refreshed.outcome === 'made' && refreshed.value) this.took(refreshed.value, true);
    else if (fresh()) this.schedule();
    return this.shared?.verdict;
  }

  /** Asks whoever renews (renewal.ts) for a renewal, and waits for it; at once when nobody listens. */
  private renewal(): Promise<unknown> {
    const renewals: Promise<unknown>[] = [];
    this.askRenewal.fire({ renewing: (renewal) => void renewals.push(renewal) });
    return Promise.all(renewals);
  }

  /** Asks the service; its failures become a verdict through the fail mode. */
  private async ask(settings: QuotaSettings, proof: { readonly idToken: string | undefined; readonly credentials?: AwsCredentials }): Promise<Verdict> {
    const { clock, log } = this.options;
    try {
      let answer: QuotaAnswer;
      if (proof.idToken) answer = await this.options.fetchQuota(settings.url!, proof.idToken, QUOTA_TIMEOUT_MS);
      else if (proof.credentials) answer = await this.options.fetchQuotaSigned(settings.url!, proof.credentials, QUOTA_TIMEOUT_MS);
      else throw new QuotaError('QUOTA_NO_TOKEN', 'No ID token for the quota service.');
      log.info(`The quota service answered: ${answer.allowed ? 'allowed' : 'not allowed'} (${answer.reason}).`);
      return verdictOf(answer, clock.now());
    } catch (error) {
      const failure = explain('quota', error, { endpoint: settings.url, requestTimeout: QUOTA_TIMEOUT_MS / 1000 });
      log.warn(`The quota service could not be asked (fail mode ${settings.failMode}): ${failure.message}`);
      return failedVerdict(failure.message, settings.failMode, settings.recheckMinutes, clock.now());
    }
  }

  /** The verdicts of user `owner` as the windows share them. */
  private valueFor(owner: string): SharedValue<Shared> {
    return new SharedValue(this.options.channel, { topic: `quota.${owner}`, lock: 'quota', read: (value) => verdictFor(value, owner), stamp: (shared) => shared.verdict.at });
  }

  /** Keeps `verdict` for `subject`, tells the other windows, and the user when it changed here. */
  private record(subject: string, verdict: Verdict, tell: boolean): void {
    const shared: Shared = { owner: ownerOf(subject), verdict };
    // A user this window does not follow (yet: a sign-in's check): the windows that do keep it.
    const value = this.tracked?.owner === shared.owner ? this.tracked.value : this.valueFor(shared.owner);
    value.publish(shared);
    if (value !== this.tracked?.value) value.dispose();
    this.took(shared, tell);
  }

  /** A verdict this window had: kept when it is the followed user's, and told when it changed here. */
  private took(shared: Shared, tell: boolean): void {
    if (this.tracked && this.tracked.owner !== shared.owner) return;
    const before = this.tracked ? this.shared?.verdict : undefined;
    this.shared = shared;
    this.schedule();
    if (tell) this.tellChange(before, shared.verdict);
    this.changed.fire(this.verdict);
  }

  /** Another window's verdict for the followed user. */
  private adopt(shared: Shared): void {
    if (this.shared && this.shared.verdict.at > shared.verdict.at) return;
    this.shared = shared;
    this.schedule();
    this.changed.fire(this.verdict);
  }

  /** One notification when keys stop, one when they flow again: not one per check. */
  private tellChange(before: Verdict | undefined, after: Verdict): void {
    const { notify } = this.options;
    const wasBlocked = before?.kind === 'blocked';
    if (after.kind === 'blocked' && !wasBlocked) notify.show('error', after.sentence, [SHOW_USAGE]);
    else if (after.kind === 'blocked' && before?.kind === 'blocked' && before.why !== after.why) notify.show('error', after.sentence, [SHOW_USAGE]);
    else if (after.kind !== 'blocked' && wasBlocked) notify.show('info', 'Your quota allows Claude Code again: it gets credentials as before, with no new sign-in needed.', [SHOW_USAGE]);
  }

  dispose(): void {
    this.options.clock.clearTimeout(this.timer);
    this.tracked?.value.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
