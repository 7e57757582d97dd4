// Runs the model check when it matters: after sign-in, when the model or region settings change
// (debounced), and on "Check Model Availability". Results are cached; a throttled check is
// retried with backoff; a failing check is logged and never stands in the way of signing in or
// of terminals.
import * as vscode from 'vscode';
import type { Auth } from '../auth/auth';
import type { Config } from '../config/config';
import { bedrockControlEndpointFor } from '../config/schema';
import { loadBedrock } from '../lazy';
import type { Log } from '../log';
import type { Notifier } from '../ui/notify';
import { ROLE_LABELS, checkModels, type ModelCheck, type ModelReport, type ModelRole } from './check';

const CACHE_MS = 15 * 60_000;
const DEBOUNCE_MS = 400;
const RETRY_BASE_MS = 5_000;
const RETRY_CAP_MS = 5 * 60_000;

export class ModelService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelReport | undefined>();
  /** Fires when a check finishes (or the report is dropped at sign-out). */
  readonly onDidChange = this.changed.event;
  private current: { key: string; report: ModelReport } | undefined;
  private running: { key: string; promise: Promise<ModelReport | undefined> } | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private throttledRuns = 0;
  /** Problems already announced in a notification, so a re-check does not repeat them. */
  private readonly announced = new Set<string>();
  private readonly disposables: vscode.Disposable[];
  private lastSession: string | undefined;

  constructor(
    private readonly auth: Auth,
    private readonly config: Config,
    private readonly log: Log,
    private readonly notifier: Notifier,
  ) {
    this.disposables = [
      this.changed,
      auth.onDidChangeState((state) => {
        const session = state.kind === 'signedIn' ? `${state.session.identity.subject}@${state.session.signedInAt}` : undefined;
        if (session === this.lastSession) return;
        this.lastSession = session;
        if (session) this.schedule();
        else this.drop();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['model', 'smallFastModel', 'region', 'bedrockControlEndpoint'].some((k) => e.affectsConfiguration(`claudeBedrock.${k}`))) this.schedule();
      }),
    ];
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
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(false), DEBOUNCE_MS);
  }

  /**
   * Checks the configured models. Reuses a result less than 15 minutes old for the same models,
   * region and session unless `force`; joins a check under way. Undefined when signed out or the
   * settings are invalid (terminals say so).
   */
  check(force: boolean): Promise<ModelReport | undefined> {
    const session = this.auth.session;
    const checked = this.config.models();
    if (!session || !checked.ok) return Promise.resolve(undefined);
    const settings = checked.value;
    const endpoint = bedrockControlEndpointFor(settings.region, settings.controlEndpoint);
    const key = JSON.stringify([session.identity.subject, session.signedInAt, settings.region, endpoint, settings.model, settings.smallFastModel]);
    if (!force && this.current?.key === key && Date.now() - this.current.report.checkedAt < CACHE_MS) return Promise.resolve(this.current.report);
    if (this.running?.key === key) return this.running.promise;

    const run = async (): Promise<ModelReport | undefined> => {
      const control = loadBedrock().bedrockControl({
        region: settings.region,
        endpoint,
        credentials: session.credentials,
        timeoutMs: settings.requestTimeout * 1000,
      });
      try {
        this.log.info(`Checking models in ${settings.region}: ${settings.model}, ${settings.smallFastModel}.`);
        const report = await checkModels({ region: settings.region, models: { model: settings.model, smallFastModel: settings.smallFastModel }, control });
        if (this.auth.session?.identity.subject !== session.identity.subject) return undefined;
        this.current = { key, report };
        for (const c of report.checks) this.log.info(`${ROLE_LABELS[c.role]} ${c.modelId}: ${c.status}. ${c.reason}`);
        this.changed.fire(report);
        this.announce(report);
        this.retryIfThrottled(report);
        return report;
      } catch (error) {
        this.log.error('The model check failed', error);
        return undefined;
      } finally {
        control.dispose();
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
    this.log.info(`Setting claudeBedrock.${role} to ${value}.`);
    await this.config.write(role, value);
  }

  private announce(report: ModelReport): void {
    for (const c of report.checks) {
      if (c.usable) continue;
      const id = `${c.role}:${c.modelId}:${c.status}:${report.region}`;
      if (this.announced.has(id) || c.status === 'throttled') continue;
      this.announced.add(id);
      const what = `${ROLE_LABELS[c.role]} "${c.modelId}" will not work on Bedrock in ${report.region}: ${c.reason}`;
      const fix =
        c.fix?.kind === 'use'
          ? { kind: 'run' as const, label: c.fix.label, command: 'claudeBedrock.applyModelFix', args: [c.role, c.fix.value] }
          : c.fix?.kind === 'choose'
            ? { kind: 'run' as const, label: 'Choose Models', command: 'claudeBedrock.chooseModels' }
            : undefined;
      this.notifier.show('warning', what, [...(fix ? [fix] : []), { kind: 'run', label: 'Show Report', command: 'claudeBedrock.showModelReport' }]);
    }
  }

  private retryIfThrottled(report: ModelReport): void {
    clearTimeout(this.retry);
    if (!report.checks.some((c) => c.status === 'throttled')) {
      this.throttledRuns = 0;
      return;
    }
    this.throttledRuns++;
    const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (this.throttledRuns - 1)) * (0.75 + Math.random() / 4);
    this.log.warn(`Bedrock throttled the model check; checking again in ${Math.round(delay / 1000)} s.`);
    this.retry = setTimeout(() => void this.check(true), delay);
  }

  private drop(): void {
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    this.current = undefined;
    this.announced.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    for (const d of this.disposables) d.dispose();
  }
}
