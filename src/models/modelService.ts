// Runs the model check when it matters: after sign-in, when the model or region settings change
// (debounced), and on "Check Model Availability". Results are cached; a throttled check is
// retried with backoff; a failing check is logged and never stands in the way of signing in or
// of terminals.
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { BedrockControl, BedrockTarget } from '../aws/bedrock';
import { bedrockControlEndpointFor } from '../aws/endpoints';
import type { Config } from '../config/config';
import type { Notify } from '../errors/failure';
import type { Log } from '../log';
import { Backoff } from '../util/backoff';
import type { Clock, Timer } from '../util/clock';
import type { ModelPolicy } from '../config/groups';
import { PINNED_ROLES, checkModels, fixRole, roleLabel, type Follows, type ModelCheck, type ModelReport, type ModelRole, type PinnedRole } from './check';

const CACHE_MS = 15 * 60_000;
const DEBOUNCE_MS = 400;
/** A throttled check is tried again after 5 s, doubling up to 5 minutes, with jitter. */
export const MODEL_CHECK_BACKOFF = { baseMs: 5_000, capMs: 5 * 60_000, jitter: [0.75, 1] } as const;

export interface ModelServiceOptions {
  readonly sessions: SessionSource;
  readonly config: Pick<Config, 'models' | 'write' | 'onDidChange'>;
  /** A Bedrock control-plane client (the AWS SDK's, loaded on first use). */
  readonly bedrock: (target: BedrockTarget) => BedrockControl;
  readonly log: Log;
  readonly notify: Notify;
  readonly clock: Clock;
  readonly random?: () => number;
}

export class ModelService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelReport | undefined>();
  /** Fires when a check finishes (or the report is dropped at sign-out). */
  readonly onDidChange = this.changed.event;
  private current: { key: string; report: ModelReport } | undefined;
  private running: { key: string; promise: Promise<ModelReport | undefined> } | undefined;
  private debounce: Timer | undefined;
  private retry: Timer | undefined;
  private readonly backoff: Backoff;
  /** Problems already announced in a notification, so a re-check does not repeat them. */
  private readonly announced = new Set<string>();
  private readonly disposables: vscode.Disposable[];
  private lastSession: string | undefined;

  constructor(private readonly options: ModelServiceOptions) {
    this.backoff = new Backoff({ ...MODEL_CHECK_BACKOFF, random: options.random });
    this.disposables = [
      this.changed,
      options.sessions.onDidChangeState((state) => {
        const session = state.kind === 'signedIn' ? `${state.session.identity.subject}@${state.session.signedInAt}` : undefined;
        if (session === this.lastSession) return;
        this.lastSession = session;
        if (session) this.schedule();
        else this.drop();
      }),
      options.config.onDidChange((areas) => areas.has('models') && this.schedule()),
    ];
  }

  /** What the platform team set for Claude Code's models and their cost (the levers), as the settings hold it now. */
  get policy(): ModelPolicy | undefined {
    const checked = this.options.config.models();
    return checked.ok ? checked.value : undefined;
  }

  get report(): ModelReport | undefined {
    return this.current?.report;
  }

  /** The configured models Claude Code cannot use, per the last check. */
  get problems(): ModelCheck[] {
    return this.current?.report.checks.filter((c) => !c.usable) ?? [];
  }

  /** Checks soon (settings may still be changing). */
  schedule(): void {
    this.options.clock.clearTimeout(this.debounce);
    this.debounce = this.options.clock.setTimeout(() => void this.check(false), DEBOUNCE_MS);
  }

  /**
   * Checks the configured models. Reuses a result less than 15 minutes old for the same models,
   * region and session unless `force`; joins a check under way. Undefined when signed out or the
   * settings are invalid (terminals say so).
   */
  check(force: boolean): Promise<ModelReport | undefined> {
    const { sessions, config, clock, log } = this.options;
    const session = sessions.session;
    const checked = config.models();
    if (!session || !checked.ok) return Promise.resolve(undefined);
    const settings = checked.value;
    const endpoint = bedrockControlEndpointFor(settings.region, settings.controlEndpoint);
    const pins = Object.fromEntries(PINNED_ROLES.map((role) => [role, settings[role]])) as Record<PinnedRole, string>;
    const follows: Follows = settings.fableFollowsOpus ? { fableModel: 'opusModel' } : {};
    const key = JSON.stringify([session.identity.subject, session.signedInAt, settings.region, endpoint, pins, follows, settings.regionPrefix, settings.modelOverrides]);
    if (!force && this.current?.key === key && clock.now() - this.current.report.checkedAt < CACHE_MS) return Promise.resolve(this.current.report);
    if (this.running?.key === key) return this.running.promise;

    const run = async (): Promise<ModelReport | undefined> => {
      let control: BedrockControl | undefined;
      try {
        control = this.options.bedrock({ region: settings.region, endpoint, credentials: session.credentials, timeoutMs: settings.requestTimeout * 1000 });
        const overrides = settings.modelOverrides;
        log.info(`Checking models in ${settings.region}: ${[...new Set([...Object.values(pins), ...Object.values(overrides)])].join(', ')}.`);
        const report = await checkModels({ region: settings.region, models: pins, overrides, follows, regionPrefix: settings.regionPrefix, control, now: () => clock.now() });
        if (sessions.session?.identity.subject !== session.identity.subject) return undefined;
        this.current = { key, report };
        for (const c of report.checks) log.info(`${roleLabel(c)} ${c.modelId}: ${c.status}. ${c.reason}`);
        this.changed.fire(report);
        this.announce(report);
        this.retryIfThrottled(report);
        return report;
      } catch (error) {
        log.error('The model check failed', error);
        return undefined;
      } finally {
        control?.dispose();
      }
    };
    const promise = run().finally(() => {
      if (this.running?.promise === promise) this.running = undefined;
    });
    this.running = { key, promise };
    return promise;
  }

  /** Writes the fixed model into its setting (the one-click fix); the change triggers a re-check. */
  async applyFix(role: ModelRole, value: string): Promise<void> {
    this.options.log.info(`Setting claudeBedrock.${role} to ${value}.`);
    await this.options.config.write(role, value);
  }

  /**
   * Says each model that will not work once. A role that runs another's pin (fable, the Opus pin)
   * is named in that role's sentence, whose fix changes the pin both run.
   */
  private announce(report: ModelReport): void {
    for (const c of report.checks) {
      if (c.usable || c.follows || c.status === 'throttled') continue;
      const id = `${c.role}:${c.modelId}:${c.status}:${report.region}`;
      if (this.announced.has(id)) continue;
      this.announced.add(id);
      const followers = report.checks.filter((f) => f.follows === c.role);
      const what = `${[c, ...followers].map(roleLabel).join(' and ')} "${c.modelId}" will not work on Bedrock in ${report.region}: ${c.reason}`;
      const fix =
        c.fix?.kind === 'use'
          ? { kind: 'run' as const, label: c.fix.label, command: 'claudeBedrock.applyModelFix', args: [fixRole(c), c.fix.value] }
          : c.fix?.kind === 'choose'
            ? { kind: 'run' as const, label: 'Choose Models', command: 'claudeBedrock.chooseModels' }
            : undefined;
      this.options.notify.show('warning', what, [...(fix ? [fix] : []), { kind: 'run', label: 'Show Report', command: 'claudeBedrock.showModelReport' }]);
    }
  }

  private retryIfThrottled(report: ModelReport): void {
    const { clock, log } = this.options;
    clock.clearTimeout(this.retry);
    if (!report.checks.some((c) => c.status === 'throttled')) {
      this.backoff.reset();
      return;
    }
    const delay = this.backoff.next();
    log.warn(`Bedrock throttled the model check; checking again in ${Math.round(delay / 1000)} s.`);
    this.retry = clock.setTimeout(() => void this.check(true), delay);
  }

  private drop(): void {
    this.options.clock.clearTimeout(this.debounce);
    this.options.clock.clearTimeout(this.retry);
    this.current = undefined;
    this.announced.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.options.clock.clearTimeout(this.debounce);
    this.options.clock.clearTimeout(this.retry);
    for (const d of this.disposables) d.dispose();
  }
}
