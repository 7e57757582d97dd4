// Keeps the developer's usage and quota current: every few minutes (a setting), only while a
// VS Code window has focus, one fetch for all windows.
//
// Windows share the result through a file in the extension's global storage (numbers and a
// reason, nothing secret); whichever window finds it out of date takes the cross-window lock,
// fetches (one CloudWatch GetMetricData, and the quota API when configured) and writes it; the
// others read it when it changes. Throttling backs off exponentially, with jitter, for all
// windows. A failed refresh keeps the last good figures and marks them stale with the reason.
import { createHash } from 'node:crypto';
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Auth } from '../auth/auth';
import { tryLock } from '../auth/lock';
import type { UsageData } from '../aws/cloudwatch';
import type { Config } from '../config/config';
import { cloudWatchEndpointFor, type UsageSettings } from '../config/schema';
import { settingsFailure, unreachable } from '../failures';
import { loadCloudWatch } from '../lazy';
import type { Log } from '../log';
import { limitsFrom, usageFigures, type QuotaAnswer, type UsageFigures } from './figures';
import { fetchQuota, QuotaError } from './quota';

/** What the windows share. */
interface SharedUsage {
  readonly owner: string;
  /** When the figures below were fetched. */
  readonly fetchedAt: number | undefined;
  /** When a window last tried (with success or not). */
  readonly attemptedAt: number;
  readonly data: UsageData | undefined;
  readonly quota: QuotaAnswer | undefined;
  /** Why the last attempt failed, in words; undefined after a success. */
  readonly error: string | undefined;
  /** A note that does not make the figures stale (the quota service failing, say). */
  readonly note: string | undefined;
  readonly throttles: number;
  readonly backoffUntil: number;
}

export interface UsageState {
  readonly figures: UsageFigures | undefined;
  readonly fetchedAt: number | undefined;
  /** Why the figures are not current, if they are not. */
  readonly stale: string | undefined;
  readonly note: string | undefined;
  readonly paused: boolean;
  readonly settings: UsageSettings | undefined;
}

const LOCK_STALE_MS = 60_000;
const BACKOFF_CAP_MS = 30 * 60_000;

function owner(subject: string): string {
  return createHash('sha256').update(subject).digest('hex').slice(0, 16);
}

export class UsageService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<UsageState>();
  readonly onDidChange = this.changed.event;
  private shared: SharedUsage | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private running: Promise<void> | undefined;
  private paused = false;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly auth: Auth,
    private readonly config: Config,
    private readonly log: Log,
    private readonly storageDir: string,
  ) {
    this.disposables = [
      this.changed,
      auth.onDidChangeState(() => this.follow()),
      config.onDidChange(() => {
        this.changed.fire(this.state);
        this.schedule(0);
      }),
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused && this.paused) this.schedule(0);
      }),
    ];
  }

  get state(): UsageState {
    const checked = this.config.usage();
    const settings = checked.ok ? checked.value : undefined;
    const shared = this.shared;
    const figures =
      shared?.data && settings ? usageFigures(shared.data, limitsFrom(settings, shared.quota), shared.quota, settings, Date.now()) : undefined;
    return { figures, fetchedAt: shared?.fetchedAt, stale: this.unavailable(checked) ?? shared?.error, note: shared?.note, paused: this.paused, settings };
  }

  /** Why usage cannot be read at all for this user, if it cannot: said instead of waiting forever. */
  private unavailable(checked: ReturnType<Config['usage']>): string | undefined {
    const session = this.auth.session;
    if (!session) return undefined;
    if (!checked.ok) return settingsFailure(checked.problems, 'read your usage').message;
    if (!session.identity.email) {
      return 'Your sign-in carries no email, and usage metrics are kept per email. Ask your platform team to add the email claim to the ID token.';
    }
    return undefined;
  }

  /** Starts or stops following the signed-in user. */
  follow(): void {
    const session = this.auth.session;
    if (!session || !session.identity.email) {
      if (this.shared) {
        this.shared = undefined;
        this.changed.fire(this.state);
      }
      clearTimeout(this.timer);
      this.watcher?.close();
      this.watcher = undefined;
      return;
    }
    if (this.shared?.owner !== owner(session.identity.subject)) {
      this.shared = undefined;
      this.watch();
      this.schedule(0);
    }
  }

  /** Refreshes now, for this window's user, whatever the schedule says ("Refresh" buttons). */
  refresh(): Promise<void> {
    return this.tick(true);
  }

  private file(ownerId: string): string {
    return path.join(this.storageDir, `usage-${ownerId}.json`);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.auth.session) return;
    this.timer = setTimeout(() => void this.tick(false), Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
  }

  private watch(): void {
    this.watcher?.close();
    void fs.mkdir(this.storageDir, { recursive: true }).then(() => {
      try {
        this.watcher = watch(this.storageDir, (_event, name) => {
          if (name && name.toString().startsWith('usage-') && name.toString().endsWith('.json')) void this.adoptFromDisk();
        });
      } catch (error) {
        this.log.debug(`Usage is not watched across windows: ${String(error)}`);
      }
    });
  }

  private async read(ownerId: string): Promise<SharedUsage | undefined> {
    try {
      const shared = JSON.parse(await fs.readFile(this.file(ownerId), 'utf8')) as SharedUsage;
      return shared.owner === ownerId ? shared : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(shared: SharedUsage): Promise<void> {
    await fs.mkdir(this.storageDir, { recursive: true });
    const file = this.file(shared.owner);
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify(shared));
    await fs.rename(temp, file);
  }

  private adopt(shared: SharedUsage | undefined): void {
    if (!shared || (this.shared && this.shared.attemptedAt >= shared.attemptedAt && this.shared.owner === shared.owner)) return;
    this.shared = shared;
    this.changed.fire(this.state);
  }

  private async adoptFromDisk(): Promise<void> {
    const session = this.auth.session;
    if (session) this.adopt(await this.read(owner(session.identity.subject)));
  }

  private intervalMs(): number {
    const checked = this.config.usage();
    return (checked.ok ? checked.value.refreshMinutes : 5) * 60_000;
  }

  private tick(force: boolean): Promise<void> {
    if (!this.running) {
      this.running = this.doTick(force)
        .catch((error: unknown) => this.log.error('Refreshing usage failed', error))
        .finally(() => (this.running = undefined));
    } else if (force) {
      return this.running.then(() => this.tick(true));
    }
    return this.running;
  }

  private async doTick(force: boolean): Promise<void> {
    const session = this.auth.session;
    const checked = this.config.usage();
    if (!session?.identity.email || !checked.ok) return;
    const interval = this.intervalMs();
    if (!force && !vscode.window.state.focused) {
      // Nobody is looking: no requests until a window has focus again.
      this.paused = true;
      this.changed.fire(this.state);
      return;
    }
    this.paused = false;
    const id = owner(session.identity.subject);
    const due = (s: SharedUsage | undefined) => (s ? Math.max(s.attemptedAt + interval, s.backoffUntil) : 0);
    const onDisk = await this.read(id);
    this.adopt(onDisk);
    if (!force && due(onDisk) > Date.now()) return this.schedule(due(onDisk) - Date.now() + Math.random() * 2000);

    const lock = await tryLock(this.storageDir, 'usage', LOCK_STALE_MS);
    if (!lock) {
      // Another window is fetching; its result arrives through the watcher.
      return this.schedule(Math.min(interval, 15_000));
    }
    try {
      const latest = await this.read(id);
      this.adopt(latest);
      if (!force && due(latest) > Date.now()) return this.schedule(due(latest) - Date.now());
      const next = await this.fetch(id, checked.value, latest ?? this.shared);
      await this.write(next);
      this.adopt(next);
      this.schedule(due(next) - Date.now());
    } finally {
      await lock.release();
    }
  }

  private async fetch(id: string, settings: UsageSettings, previous: SharedUsage | undefined): Promise<SharedUsage> {
    const session = this.auth.session!;
    const now = Date.now();
    const endpoint = cloudWatchEndpointFor(settings.region, settings.cloudWatchEndpoint);
    const base = { owner: id, attemptedAt: now, fetchedAt: previous?.fetchedAt, data: previous?.data, quota: previous?.quota };
    let quota = previous?.quota;
    let note: string | undefined;
    try {
      const data = await loadCloudWatch().fetchUsage({
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
      if (settings.quotaApiUrl) {
        try {
          const idToken = await this.auth.freshIdToken();
          if (!idToken) throw new QuotaError('Your sign-in could not be renewed for the quota service.', undefined);
          quota = await fetchQuota(settings.quotaApiUrl, idToken, settings.requestTimeout * 1000);
        } catch (error) {
          note = error instanceof QuotaError ? `${error.message} Limits come from your settings until it answers.` : 'The quota service failed.';
          this.log.warn(`The quota service failed: ${error instanceof Error ? error.message : String(error)}`);
          quota = undefined;
        }
      } else {
        quota = undefined;
      }
      this.log.info(`Usage refreshed: ${data.days.reduce((s, d) => s + d.tokens, 0)} tokens this month.`);
      return { ...base, fetchedAt: now, data, quota, error: undefined, note, throttles: 0, backoffUntil: 0 };
    } catch (error) {
      const name = String((error as { name?: string }).name ?? '');
      const throttled = /Throttl|TooManyRequests|RequestLimitExceeded/.test(name);
      const throttles = throttled ? (previous?.throttles ?? 0) + 1 : 0;
      const backoff = throttled ? Math.min(BACKOFF_CAP_MS, this.intervalMs() * 2 ** (throttles - 1)) * (0.5 + Math.random() / 2) : 0;
      const reason = this.reason(error, endpoint, backoff, settings.requestTimeout);
      this.log.warn(`Refreshing usage failed: ${reason}`);
      return { ...base, error: reason, note: previous?.note, throttles, backoffUntil: throttled ? now + backoff : 0 };
    }
  }

  private reason(error: unknown, endpoint: string, backoffMs: number, timeoutSeconds: number): string {
    const name = String((error as { name?: string }).name ?? '');
    if (/AccessDenied/.test(name)) return 'Your role may not read CloudWatch metrics (cloudwatch:GetMetricData). Ask your platform team to allow it.';
    if (backoffMs > 0) return `CloudWatch is throttling requests; trying again in ${Math.max(1, Math.round(backoffMs / 60_000))} min.`;
    const reach = unreachable(error);
    if (reach?.kind === 'noAnswer') return `CloudWatch at ${endpoint} did not answer within ${timeoutSeconds} s.`;
    if (reach) return `CloudWatch at ${endpoint} could not be reached (${reach.code}).`;
    if (/SyntaxError|Deserializ/.test(name) || error instanceof SyntaxError) return 'CloudWatch answered with something this extension could not read.';
    if (/ExpiredToken/.test(name)) return 'The AWS credentials had expired; they renew by themselves.';
    return `CloudWatch answered ${name || 'with an error'}.`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    for (const d of this.disposables) d.dispose();
  }
}
