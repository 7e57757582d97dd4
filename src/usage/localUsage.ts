// Usage on this machine, live, from Claude Code's own session records (recordReader.ts): true
// from the first request, whether or not the organisation runs a monitoring stack.
//
// One window reads the records and publishes the figures (a value the windows share,
// windows/shared.ts); the others show what it publishes, so no window reads again what another
// has read. The reading window is the one holding the windows' 'usage.records' lock: when it
// closes, the next window waiting gets the lock and reads the records itself. Figures go out at
// most four times a second while records arrive, and once a minute besides (today and the last
// hour move on by themselves).
//
// The reading window also watches spend (spendAlert.ts) and says it, once, for all windows: what
// has been said travels with the figures, so a window that takes over the reading does not say
// it again.
import * as vscode from 'vscode';
import type { LocalUsageSettings } from '../config/groups';
import type { Checked } from '../config/rules';
import type { Action, Notify } from '../errors/failure';
import type { Log } from '../log';
import type { Clock, Timer } from '../util/clock';
import type { Lease, WindowChannel } from '../windows/channel';
import { SharedValue } from '../windows/shared';
import { Tally, type LocalFigures } from './localFigures';
import { RecordReader, type ReaderState } from './recordReader';
import { spendAlerts } from './spendAlert';

const TOPIC = 'usage.local';
const LOCK = 'usage.records';
const PUBLISH_GAP_MS = 250;
const REPUBLISH_MS = 60_000;
/** What has been said is kept this long a list (the newest). */
const SAID_KEPT = 100;
const SHOW_USAGE: Action = { kind: 'run', command: 'claudeBedrock.showUsage', label: 'Show Usage' };

/** What the windows share: figures, how the reading went, and what has been said. */
export interface SharedLocalUsage {
  readonly madeAt: number;
  readonly figures: LocalFigures;
  readonly reading: ReaderState;
  readonly said: readonly string[];
}

export interface LocalUsageState {
  /** Whether the records are read at all (claudeBedrock.localUsage). */
  readonly enabled: boolean;
  readonly figures: LocalFigures | undefined;
  readonly reading: ReaderState | undefined;
  /** When the figures were made. */
  readonly updatedAt: number | undefined;
  /** This window reads the records; the others show what it publishes. */
  readonly reader: boolean;
  /** Why this window could not read the records, when it could not. */
  readonly problem: string | undefined;
}

export interface LocalUsageOptions {
  readonly channel: WindowChannel;
  readonly settings: () => Checked<LocalUsageSettings>;
  readonly onDidChangeSettings: vscode.Event<void>;
  /** The projects/ folders Claude Code writes its records to (recordFolders). */
  readonly folders: readonly string[];
  /** The model an application inference-profile ARN routes to, where the model check knows it. */
  readonly resolve: (model: string) => string;
  readonly notify: Notify;
  readonly log: Log;
  readonly clock: Clock;
}

function sharedOf(value: unknown): SharedLocalUsage | undefined {
  const shared = value as Partial<SharedLocalUsage> | null;
  return typeof shared === 'object' && shared !== null && typeof shared.madeAt === 'number' && typeof shared.figures === 'object' && Array.isArray(shared.said)
    ? (shared as SharedLocalUsage)
    : undefined;
}

/** Every cost in `figures` at `factor` times list price (Claude Code's own figure stays its own). */
export function atRate(figures: LocalFigures, factor: number): LocalFigures {
  if (factor === 1) return figures;
  const totals = <T extends { readonly totals: LocalFigures['today'] }>(row: T): T => ({ ...row, totals: { ...row.totals, cost: row.totals.cost * factor } });
  return {
    ...figures,
    today: { ...figures.today, cost: figures.today.cost * factor },
    lastHour: { ...figures.lastHour, cost: figures.lastHour.cost * factor },
    days: figures.days.map(totals),
    models: figures.models.map(totals),
    projects: figures.projects.map(totals),
    sessions: figures.sessions.map((s) => ({ ...totals(s), lastHourCost: s.lastHourCost * factor })),
    cache: { ...figures.cache, saved: figures.cache.saved * factor },
  };
}

export class LocalUsage implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LocalUsageState>();
  readonly onDidChange = this.changed.event;
  private readonly shared: SharedValue<SharedLocalUsage>;
  private reading: { readonly lease: Lease; readonly reader: RecordReader; readonly tally: Tally } | undefined;
  private waiting: AbortController | undefined;
  private timer: Timer | undefined;
  private lastPublish = 0;
  private problem: string | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly options: LocalUsageOptions) {
    this.shared = new SharedValue(options.channel, { topic: TOPIC, lock: LOCK, read: sharedOf, stamp: (v) => v.madeAt });
    this.disposables = [this.changed, this.shared.onDidChange(() => this.changed.fire(this.state)), options.onDidChangeSettings(() => this.follow())];
    this.follow();
  }

  get state(): LocalUsageState {
    const enabled = this.enabled;
    const value = enabled ? this.shared.value : undefined;
    return { enabled, figures: value?.figures, reading: value?.reading, updatedAt: value?.madeAt, reader: this.reading !== undefined, problem: this.problem };
  }

  private get settings(): LocalUsageSettings | undefined {
    const checked = this.options.settings();
    return checked.ok ? checked.value : undefined;
  }

  private get enabled(): boolean {
    return this.settings?.read ?? true;
  }

  /** Reads when the settings say so (waiting for the lock while another window reads), stops when they say not. */
  private follow(): void {
    if (this.disposed) return;
    if (!this.enabled) {
      this.stop();
    } else if (!this.reading && !this.waiting) {
      void this.lead().catch((error: unknown) => {
        this.options.log.error("Reading Claude Code's session records failed", error);
        this.problem = `Claude Code's session records on this machine could not be read (${error instanceof Error ? error.message : String(error)}). Show the log for details; the figures return when VS Code is reloaded.`;
        this.changed.fire(this.state);
      });
    } else if (this.reading) {
      // Prices or alert amounts changed: the same records, published again.
      this.publish();
    }
    this.changed.fire(this.state);
  }

  /** Waits for the records' lock, then reads them and publishes their figures until told to stop. */
  private async lead(): Promise<void> {
    const waiting = new AbortController();
    this.waiting = waiting;
    const lease = await this.options.channel.acquire(LOCK, { signal: waiting.signal });
    if (this.waiting === waiting) this.waiting = undefined;
    if (!lease) return;
    if (this.disposed || waiting.signal.aborted || !this.enabled) {
      lease.release();
      return;
    }
    const { log, clock, folders } = this.options;
    const tally = new Tally({ resolve: this.options.resolve });
    const reader = new RecordReader({ folders, tally });
    this.reading = { lease, reader, tally };
    reader.onDidChange(() => this.publishSoon());
    const started = clock.now();
    log.info(`Reading Claude Code's session records in ${folders.join(', ')}.`);
    await reader.start();
    if (this.reading?.reader !== reader) return;
    const state = reader.state;
    log.info(`Read ${state.files} session files (${state.linesRead} lines, ${state.skipped} not understood) in ${clock.now() - started} ms.`);
    this.publish();
  }

  private stop(): void {
    this.waiting?.abort();
    this.waiting = undefined;
    this.options.clock.clearTimeout(this.timer);
    if (!this.reading) return;
    this.reading.reader.dispose();
    this.reading.lease.release();
    this.reading = undefined;
  }

  /** Publishes soon after records arrive: at most every PUBLISH_GAP_MS. */
  private publishSoon(): void {
    const { clock } = this.options;
    const wait = this.lastPublish + PUBLISH_GAP_MS - clock.now();
    if (wait <= 0) return this.publish();
    clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => this.publish(), wait);
  }

  private publish(): void {
    const reading = this.reading;
    const settings = this.settings;
    if (!reading || !reading.reader.state.firstReadDone) return;
    const { clock, notify, log } = this.options;
    const now = clock.now();
    this.lastPublish = now;
    clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => this.publish(), REPUBLISH_MS);
    const figures = atRate(reading.tally.figures(now), settings?.priceFactor ?? 1);
    const said = new Set(this.shared.value?.said ?? []);
    const alerts = settings ? spendAlerts(figures, settings, said, now) : [];
    for (const alert of alerts) {
      log.warn(alert.sentence);
      notify.show('warning', alert.sentence, [SHOW_USAGE]);
      said.add(alert.key);
    }
    this.shared.publish({ madeAt: now, figures, reading: reading.reader.state, said: [...said].slice(-SAID_KEPT) });
    this.changed.fire(this.state);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.shared.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
