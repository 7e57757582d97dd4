// Keeps the developer's usage and quota current: every few minutes (a setting), only while a
// VS Code window has focus, one fetch for all windows.
//
// The figures are a value the windows share, one per user (windows/shared.ts): whichever window
// finds them out of date fetches (one CloudWatch GetMetricData, and the quota API when
// configured) under the windows' 'usage' lock, and the others take its result (numbers and a
// reason, nothing secret), as do windows that open later. A window that finds another fetching
// looks again a little later. Throttling backs off exponentially, with jitter, for all windows. A failed
// refresh keeps the last good figures and marks them stale with the reason. The quota service's
// answer comes from the quota gate (quota/gate.ts), which the refresh asks for an answer no older
// than the refresh interval: one answer for enforcement and display.
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { UsageData, UsageQuery } from '../aws/cloudwatch';
import { cloudWatchEndpointFor } from '../aws/endpoints';
import type { Config } from '../config/config';
import type { UsageSettings } from '../config/groups';
import { explain } from '../errors/explain';
import { settingsFailure } from '../errors/failure';
import type { Log } from '../log';
import { Backoff } from '../util/backoff';
import type { Clock, Timer } from '../util/clock';
import type { WindowChannel } from '../windows/bus';
import { ownerOf, SharedValue } from '../windows/shared';
import type { QuotaGate } from '../quota/gate';
import type { Verdict } from '../quota/verdict';
import { limitsFrom, usageFigures, type UsageFigures } from './figures';

/** What the windows share. */
interface SharedUsage {
  readonly owner: string;
  /** When the figures below were fetched. */
  readonly fetchedAt: number | undefined;
  /** When a window last tried (with success or not). */
  readonly attemptedAt: number;
  readonly data: UsageData | undefined;
  /** Why the last attempt failed, in words; undefined after a success. */
  readonly error: string | undefined;
  readonly throttles: number;
  readonly backoffUntil: number;
}

export interface UsageState {
  readonly figures: UsageFigures | undefined;
  readonly fetchedAt: number | undefined;
  /** Why the figures are not current, if they are not. */
  readonly stale: string | undefined;
  /** A note that does not make the figures stale (the quota service failing, say). */
  readonly note: string | undefined;
  /** The quota gate's latest verdict (blocked or not), whatever the figures. */
  readonly verdict: Verdict | undefined;
  readonly paused: boolean;
  readonly settings: UsageSettings | undefined;
}

/** Throttled refreshes wait the refresh interval, doubling up to 30 minutes, with jitter. */
const BACKOFF_CAP_MS = 30 * 60_000;
const LOCK = 'usage';

export interface UsageServiceOptions {
  readonly sessions: SessionSource;
  /** The quota gate: its verdict, and a fresh one at each refresh. */
  readonly quota: Pick<QuotaGate, 'verdict' | 'check' | 'onDidChange'>;
  readonly config: Pick<Config, 'usage' | 'onDidChange'>;
  readonly channel: WindowChannel;
  /** One GetMetricData (the AWS SDK's CloudWatch client, loaded on first use). */
  readonly fetchUsage: (query: UsageQuery) => Promise<UsageData>;
  /** Whether a window of VS Code has focus: nobody looking, no requests. */
  readonly focus: Pick<typeof vscode.window, 'state' | 'onDidChangeWindowState'>;
  readonly log: Log;
  readonly clock: Clock;
  readonly random?: () => number;
}

/** Figures another window shared for user `id`, when that is what `value` is. */
function usageOf(value: unknown, id: string): SharedUsage | undefined {
  const shared = value as Partial<SharedUsage> | null;
  return typeof shared === 'object' && shared !== null && typeof shared.attemptedAt === 'number' && shared.owner === id ? (shared as SharedUsage) : undefined;
}

export class UsageService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<UsageState>();
  readonly onDidChange = this.changed.event;
  /** The signed-in user's figures, as the windows share them. */
  private tracked: { owner: string; usage: SharedValue<SharedUsage> } | undefined;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private paused = false;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly options: UsageServiceOptions) {
    this.disposables = [
      this.changed,
      options.sessions.onDidChangeState(() => this.trackUser()),
      options.config.onDidChange((areas) => {
        if (!areas.has('usage')) return;
        this.changed.fire(this.state);
        this.schedule(0);
      }),
      options.focus.onDidChangeWindowState((s) => {
        if (s.focused && this.paused) this.schedule(0);
      }),
      options.quota.onDidChange(() => this.changed.fire(this.state)),
    ];
  }

  get state(): UsageState {
    const checked = this.options.config.usage();
    const settings = checked.ok ? checked.value : undefined;
    const shared = this.tracked?.usage.value;
    const verdict = this.options.sessions.session ? this.options.quota.verdict : undefined;
    const answer = verdict && verdict.kind !== 'unchecked' ? verdict.answer : undefined;
    const figures = shared?.data && settings ? usageFigures(shared.data, limitsFrom(settings, answer), answer, settings, this.options.clock.now()) : undefined;
    const note = verdict?.kind === 'unchecked' ? `Your quota could not be checked: ${verdict.problem} Limits come from your settings until it answers.` : undefined;
    return { figures, fetchedAt: shared?.fetchedAt, stale: this.unavailable(checked) ?? shared?.error, note, verdict, paused: this.paused, settings };
  }

  /** Why usage cannot be read at all for this user, if it cannot: said instead of waiting forever. */
  private unavailable(checked: ReturnType<Config['usage']>): string | undefined {
    const session = this.options.sessions.session;
    if (!session) return undefined;
    if (!checked.ok) return settingsFailure(checked.problems, 'read your usage').message;
    if (!session.identity.email) {
      return 'Your sign-in carries no email, and usage metrics are kept per email. Ask your platform team to add the email claim to the ID token.';
    }
    return undefined;
  }

  /** Starts or stops reading usage for the signed-in user, as the session changes. */
  trackUser(): void {
    const session = this.options.sessions.session;
    const id = session?.identity.email ? ownerOf(session.identity.subject) : undefined;
    if (this.tracked?.owner === id) return;
    this.tracked?.usage.dispose();
    this.tracked = undefined;
    this.options.clock.clearTimeout(this.timer);
    if (id) {
      const usage = new SharedValue(this.options.channel, { topic: `usage.${id}`, lock: LOCK, read: (value) => usageOf(value, id), stamp: (u) => u.attemptedAt });
      usage.onDidChange(() => this.changed.fire(this.state));
      this.tracked = { owner: id, usage };
      this.schedule(0);
    }
    this.changed.fire(this.state);
  }

  /** Refreshes now, for this window's user, whatever the schedule says ("Refresh" buttons). */
  refresh(): Promise<void> {
    return this.tick(true);
  }

  private intervalMs(): number {
    const checked = this.options.config.usage();
    return (checked.ok ? checked.value.refreshMinutes : 5) * 60_000;
  }

  private schedule(delayMs: number): void {
    this.options.clock.clearTimeout(this.timer);
    if (!this.tracked) return;
    this.timer = this.options.clock.setTimeout(() => void this.tick(false), Math.max(0, delayMs));
  }

  private tick(force: boolean): Promise<void> {
    if (!this.running) {
      this.running = this.doTick(force)
        .catch((error: unknown) => this.options.log.error('Refreshing usage failed', error))
        .finally(() => (this.running = undefined));
    } else if (force) {
      return this.running.then(() => this.tick(true));
    }
    return this.running;
  }

  private due(shared: SharedUsage | undefined): number {
    return shared ? Math.max(shared.attemptedAt + this.intervalMs(), shared.backoffUntil) : 0;
  }

  private async doTick(force: boolean): Promise<void> {
    const { sessions, config, clock, focus } = this.options;
    const tracked = this.tracked;
    const checked = config.usage();
    if (!tracked || !sessions.session?.identity.email || !checked.ok) return;
    if (!force && !focus.state.focused) {
      // Nobody is looking: no requests until a window has focus again.
      this.paused = true;
      this.changed.fire(this.state);
      return;
    }
    this.paused = false;
    const random = this.options.random ?? Math.random;
    const { usage } = tracked;
    if (!force && this.due(usage.value) > clock.now()) return this.schedule(this.due(usage.value) - clock.now() + random() * 2000);

    const refreshed = await usage.refresh({
      stale: (shared) => force || this.due(shared) <= clock.now(),
      work: (shared) => this.fetch(tracked.owner, checked.value, shared, force),
      wait: false,
    });
    // Another window is fetching; its result arrives as a change.
    if (refreshed.outcome === 'busy') return this.schedule(Math.min(this.intervalMs(), 15_000));
    if (this.tracked !== tracked) return;
    if (refreshed.outcome === 'made') this.changed.fire(this.state);
    this.schedule(this.due(refreshed.value) - clock.now());
  }

  /** `force`: the user asked ("Refresh"): the quota service is asked afresh too. */
  private async fetch(id: string, settings: UsageSettings, previous: SharedUsage | undefined, force: boolean): Promise<SharedUsage> {
    const { sessions, clock, log } = this.options;
    const session = sessions.session!;
    const now = clock.now();
    const endpoint = cloudWatchEndpointFor(settings.region, settings.cloudWatchEndpoint);
    const base = { owner: id, attemptedAt: now, fetchedAt: previous?.fetchedAt, data: previous?.data };
    let data: UsageData;
    try {
      data = await this.options.fetchUsage({
        region: settings.region,
        endpoint,
        credentials: session.credentials,
        namespace: settings.namespace,
        tokenMetric: settings.tokenMetric,
        costMetric: settings.costMetric,
        emailDimension: settings.emailDimension,
        libraryDimension: settings.libraryDimension,
        email: session.identity.email!,
        now,
        timeoutMs: settings.requestTimeout * 1000,
      });
    } catch (error) {
      const ctx = { endpoint, requestTimeout: settings.requestTimeout };
      const throttled = explain('cloudwatch', error, ctx).kind === 'throttled';
      const throttles = throttled ? (previous?.throttles ?? 0) + 1 : 0;
      const backoff = throttled ? new Backoff({ baseMs: this.intervalMs(), capMs: BACKOFF_CAP_MS, jitter: [0.5, 1], random: this.options.random }).delay(throttles) : 0;
      const reason = explain('cloudwatch', error, { ...ctx, retryInMs: backoff }).message;
      log.warn(`Refreshing usage failed: ${reason}`);
      return { ...base, error: reason, throttles, backoffUntil: throttled ? now + backoff : 0 };
    }
    // The quota answer shown beside the figures: no older than they are.
    await this.options.quota.check(force ? 0 : this.intervalMs()).catch((error: unknown) => log.error('Checking the quota failed', error));
    log.info(`Usage refreshed: ${data.days.reduce((s, d) => s + d.tokens, 0)} tokens this month.`);
    return { ...base, fetchedAt: now, data, error: undefined, throttles: 0, backoffUntil: 0 };
  }

  dispose(): void {
    this.options.clock.clearTimeout(this.timer);
    this.tracked?.usage.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
