// Connecting Claude Code to the sign-in: its user settings get the Bedrock variables and this
// extension's helper (plan.ts decides what changes), its VS Code panel stops asking for an
// Anthropic login, and Disconnect puts everything back. Sign Out does not disconnect: the helper
// just has nothing to hand out. Windows tell each other when the connection changes.
import * as vscode from 'vscode';
import type { Config } from '../config/config';
import { settingsFailure } from '../errors/failure';
import type { Log } from '../log';
import { bedrockVariables } from '../terminal/variables';
import type { WindowChannel } from '../windows/bus';
import { cannotWrite, readText, writeText } from './files';
import type { JsonPath } from './jsonEdit';
import type { Launcher } from './launcher';
import { credentialProcessProfiles } from './places';
import { applyPlan, isConnected, planSettings, undoSettings, type Desired, type Plan, type UndoRecord } from './plan';

const RECORD_KEY = 'claudeBedrock.claudeCodeConnection';
const TOPIC = 'claudeCode.connection';
const LOCK = 'claudeCode.settings';
export const PANEL_EXTENSION = 'anthropic.claude-code';
/** The panel's own setting: no Anthropic login for third-party providers. */
export const LOGIN_PROMPT = 'claudeCode.disableLoginPrompt';

/** The Claude Code extension's own VS Code settings (user level). */
export interface PanelSettings {
  installed(): boolean;
  get(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
}

interface PanelKey {
  readonly key: string;
  readonly before?: { readonly value: unknown };
  readonly wrote: unknown;
}

interface Stored {
  readonly settings: UndoRecord;
  readonly panel: readonly PanelKey[];
}

/**
 * What a window tells the others when it connects or disconnects: with the record of what to put
 * back, which each window keeps in its own SecretStorage (in the browser each window has its
 * own), so Disconnect works in any of them. Over the windows' channel only, never on disk.
 */
interface Announced {
  readonly connected: boolean;
  readonly stored?: Stored;
}

export interface ConnectPlan {
  readonly plan: Plan;
  /** The panel's settings Connect changes. */
  readonly panel: readonly { readonly key: string; readonly before: unknown; readonly after: unknown }[];
}

export type Outcome = { readonly ok: true; readonly file: string; readonly kept: readonly JsonPath[] } | { readonly ok: false; readonly message: string; readonly file: string };

export interface ConnectionOptions {
  readonly secrets: vscode.SecretStorage;
  /** Claude Code's user settings file, and the AWS CLI's config (read only, for the guidance's profiles). */
  readonly files: { readonly settings: string; readonly awsConfig: string };
  readonly launcher: () => Promise<Launcher>;
  readonly config: Pick<Config, 'terminal' | 'claudeCode' | 'onDidChange'>;
  readonly panel: PanelSettings;
  readonly channel: WindowChannel;
  readonly log: Log;
}

export class ClaudeCodeConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<boolean>();
  /** Fires when Claude Code gets connected or disconnected (here or in another window). */
  readonly onDidChange = this.changed.event;
  private isConnectedNow = false;
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly options: ConnectionOptions) {
    this.subscriptions = [this.changed, options.channel.subscribe(TOPIC, (value) => void this.heard(value as Announced))];
  }

  /** Claude Code's settings take the keys from this extension's helper. */
  get connected(): boolean {
    return this.isConnectedNow;
  }

  get settingsFile(): string {
    return this.options.files.settings;
  }

  /** Reads Claude Code's settings again: are they connected? */
  async refresh(): Promise<boolean> {
    const launcher = await this.options.launcher();
    const text = await readText(this.options.files.settings).catch(() => undefined);
    this.setConnected(isConnected(text, launcher.command('export')));
    return this.isConnectedNow;
  }

  /** What Connect would change now, file by file. */
  async plan(): Promise<ConnectPlan> {
    const { files, panel } = this.options;
    const [text, stored, awsConfig] = await Promise.all([readText(files.settings), this.stored(), readText(files.awsConfig).catch(() => undefined)]);
    const plan = planSettings({ file: files.settings, text, desired: await this.desired(), record: stored?.settings, guidanceProfiles: credentialProcessProfiles(awsConfig ?? '') });
    const panelChanges = panel.installed() && panel.get(LOGIN_PROMPT) !== true ? [{ key: LOGIN_PROMPT, before: panel.get(LOGIN_PROMPT), after: true }] : [];
    return { plan, panel: panelChanges };
  }

  /** Connects, with the fixes chosen for the plan's conflicts. */
  async connect(fixes: readonly string[]): Promise<Outcome> {
    return this.locked(async () => {
      const { files, panel, log } = this.options;
      const { plan, panel: panelChanges } = await this.plan();
      const blocked = plan.problem ?? (await cannotWrite(files.settings));
      if (blocked) return { ok: false, file: files.settings, message: `Claude Code's settings file ${files.settings} was left alone: ${blocked}. Fix the file (or move it away), then connect again.` };
      const before = await this.stored();
      const text = await readText(files.settings);
      const next = applyPlan(text, plan, fixes, before?.settings);
      const panelKeys = [...(before?.panel ?? [])];
      for (const change of panelChanges) {
        await panel.set(change.key, change.after);
        if (!panelKeys.some((k) => k.key === change.key)) panelKeys.push({ key: change.key, ...(change.before === undefined ? {} : { before: { value: change.before } }), wrote: change.after });
      }
      const stored = { settings: next.record, panel: panelKeys };
      await this.store(stored);
      await writeText(files.settings, next.text);
      log.info(`Connected Claude Code: ${plan.changes.length} settings in ${files.settings}${panelChanges.length ? `, and ${LOGIN_PROMPT}` : ''}.`);
      this.announce(stored);
      return { ok: true, file: files.settings, kept: [] };
    });
  }

  /** Puts Claude Code's settings back as Connect found them. */
  async disconnect(): Promise<Outcome> {
    return this.locked(async () => {
      const { files, panel, log } = this.options;
      const stored = await this.stored();
      if (!stored) {
        this.announce(undefined);
        return { ok: true, file: files.settings, kept: [] };
      }
      const undone = undoSettings(await readText(files.settings), stored.settings);
      if (undone.text !== undefined) await writeText(files.settings, undone.text);
      for (const key of stored.panel) {
        if (panel.installed() && panel.get(key.key) === key.wrote) await panel.set(key.key, key.before?.value);
      }
      await this.options.secrets.delete(RECORD_KEY);
      log.info(`Disconnected Claude Code: ${files.settings} put back${undone.kept.length ? `, except ${undone.kept.map((p) => p.join('.')).join(', ')}, changed since` : ''}.`);
      this.announce(undefined);
      return { ok: true, file: files.settings, kept: undone.kept };
    });
  }

  /** The settings changed (model, region, endpoints): Claude Code's follow, while connected. */
  async follow(): Promise<void> {
    if (!(await this.refresh())) return;
    await this.locked(async () => {
      const { plan } = await this.plan();
      if (plan.problem || plan.changes.length === 0) return;
      const before = await this.stored();
      const text = await readText(this.options.files.settings);
      const next = applyPlan(text, plan, [], before?.settings);
      const stored = { settings: next.record, panel: before?.panel ?? [] };
      await this.store(stored);
      await writeText(this.options.files.settings, next.text);
      this.options.log.info(`Claude Code's settings follow the change: ${plan.changes.map((c) => c.path.join('.')).join(', ')}.`);
      this.announce(stored);
    });
  }

  private async desired(): Promise<Desired> {
    const checked = this.options.config.terminal();
    if (!checked.ok) throw settingsFailure(checked.problems, 'connect Claude Code');
    const launcher = await this.options.launcher();
    return {
      env: bedrockVariables(checked.value),
      helpers: {
        awsCredentialExport: launcher.command('export'),
        awsAuthRefresh: launcher.command('refresh'),
        otelHeadersHelper: checked.value.telemetryEndpoint ? launcher.command('otel-headers') : undefined,
      },
    };
  }

  private async stored(): Promise<Stored | undefined> {
    const raw = await this.options.secrets.get(RECORD_KEY);
    try {
      return raw ? (JSON.parse(raw) as Stored) : undefined;
    } catch {
      return undefined;
    }
  }

  private store(stored: Stored): Thenable<void> {
    return this.options.secrets.store(RECORD_KEY, JSON.stringify(stored));
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const lease = await this.options.channel.acquire(LOCK);
    try {
      return await work();
    } finally {
      lease?.release();
    }
  }

  /** Tells the other windows: connected with `stored` to put back, or disconnected (undefined). */
  private announce(stored: Stored | undefined): void {
    this.setConnected(stored !== undefined);
    const announced: Announced = stored ? { connected: true, stored } : { connected: false };
    this.options.channel.publish(TOPIC, announced, { retain: true });
  }

  /** Another window connected or disconnected: keep its record here too, then look at the file. */
  private async heard(announced: Announced | undefined): Promise<void> {
    try {
      if (announced?.connected && announced.stored) {
        const text = JSON.stringify(announced.stored);
        if ((await this.options.secrets.get(RECORD_KEY)) !== text) await this.options.secrets.store(RECORD_KEY, text);
      } else if (announced && !announced.connected) {
        await this.options.secrets.delete(RECORD_KEY);
      }
    } catch (error) {
      this.options.log.error("Keeping another window's record of Claude Code's settings failed", error);
    }
    await this.refresh().catch((error: unknown) => this.options.log.error("Reading Claude Code's settings failed", error));
  }

  private setConnected(connected: boolean): void {
    if (connected === this.isConnectedNow) return;
    this.isConnectedNow = connected;
    this.changed.fire(connected);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
