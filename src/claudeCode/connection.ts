// Connecting Claude Code to the sign-in: its user settings get the Bedrock variables, the model policy and
// this extension's helper (plan.ts decides what changes), its VS Code panel stops asking for an Anthropic
// login, and Disconnect puts everything back. Sign Out does not disconnect: the helper has nothing to hand out. The connection is a value the windows share (windows/shared.ts):
// each change of it is made in one window at a time, under its lock, and told to the others.
import * as vscode from 'vscode';
import type { Config } from '../config/config';
import { settingsFailure } from '../errors/failure';
import { connectBlocked, connectRaced, danglingLink, disconnectBlocked, followBlocked } from '../errors/settingsFile';
import type { Log } from '../log';
import { bedrockVariables } from '../terminal/variables';
import type { WindowChannel } from '../windows/bus';
import { SharedValue } from '../windows/shared';
import { cannotWrite, isFile, linkOf, readSettings, readText, writeSettings, type SettingsText } from './files';
import { parseSettings, sameJson } from './jsonEdit';
import type { Launcher } from './launcher';
import type { LoosePart } from './looseJson';
import { openFile, type ConnectPlan, type Outcome } from './outcome';
import { credentialProcessProfiles } from './places';
import { applyPlan, isConnected, planSettings, STATUS_LINE, undoRecord, undoSettings, type Desired, type Plan, type UndoRecord } from './plan';

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
  /** When it was announced (its window's clock): the newest wins. */
  readonly at: number;
}

function announced(value: unknown): Announced | undefined {
  const a = value as Partial<Announced> | null;
  if (typeof a !== 'object' || a === null || typeof a.connected !== 'boolean' || typeof a.at !== 'number') return undefined;
  return a.connected && (typeof a.stored !== 'object' || a.stored === null) ? undefined : (a as Announced);
}

export type { ConnectPlan, Outcome } from './outcome';

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
  /** What the windows last told each other of the connection. */
  private readonly shared: SharedValue<Announced>;
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly options: ConnectionOptions) {
    this.shared = new SharedValue(options.channel, { topic: TOPIC, lock: LOCK, read: announced, stamp: (a) => a.at });
    this.subscriptions = [this.changed, this.shared, this.shared.onDidChange((heard) => void this.heard(heard))];
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
    const read = await this.read();
    let connected = read.ok && isConnected(read.text, launcher.command('export'));
    // A file that cannot be read or parsed hides whether it is connected: while there is
    // something to put back, Disconnect stays on offer (it says what to fix first).
    if (!connected && (!read.ok || (read.text !== undefined && !parseSettings(read.text).ok))) connected = (await this.stored()) !== undefined;
    this.setConnected(connected);
    return this.isConnectedNow;
  }

  /** What Connect would change now, file by file. */
  async plan(): Promise<ConnectPlan> {
    return (await this.planNow()).connect;
  }

  /** Connects, with what was ticked (the conflicts to fix, the status line: plan.ts); `readable`: the parts the user agreed to have taken out. */
  async connect(fixes: readonly string[], consented: { readonly readable?: readonly LoosePart[] } = {}): Promise<Outcome> {
    return this.locked(async () => {
      const { files, panel, log } = this.options;
      const now = await this.planNow();
      const { plan, panel: panelChanges } = now.connect;
      const blocked = plan.problem ?? (await cannotWrite(files.settings));
      if (blocked) return this.failed(connectBlocked(files.settings, blocked));
      const makeReadable = plan.unreadable !== undefined && consented.readable !== undefined;
      if (makeReadable && !sameJson(consented.readable, plan.unreadable?.parts)) return this.failed(connectRaced(files.settings));
      const before = now.stored;
      const next = applyPlan(now.text, plan, fixes, before?.settings, { makeReadable });
      const panelKeys = [...(before?.panel ?? [])];
      for (const change of panelChanges) {
        if (!panelKeys.some((k) => k.key === change.key)) panelKeys.push({ key: change.key, ...(change.before === undefined ? {} : { before: { value: change.before } }), wrote: change.after });
      }
      const stored = { settings: next.record, panel: panelKeys };
      const problem = await this.commit(now.bom + next.text, stored, before);
      if (problem) return this.failed(connectBlocked(files.settings, problem));
      for (const change of panelChanges) await panel.set(change.key, change.after);
      log.info(`Connected Claude Code: ${plan.changes.length} settings in ${files.settings}${plan.statusLine && fixes.includes(STATUS_LINE) ? ', its status line' : ''}${makeReadable ? `, ${plan.unreadable?.parts.length} comments and trailing commas taken out` : ''}${panelChanges.length ? `, and ${LOGIN_PROMPT}` : ''}.`);
      this.announce(stored);
      return { ok: true, file: files.settings, kept: [], ...(plan.unreadable && !makeReadable ? { unreadable: plan.unreadable.why } : {}) };
    });
  }

  /** Takes out what Connect and its follow-ups wrote, key by key, and puts back what they replaced. */
  async disconnect(): Promise<Outcome> {
    return this.locked(async () => {
      const { files, panel, log } = this.options;
      const stored = await this.stored();
      if (!stored) {
        this.announce(undefined);
        return { ok: true, file: files.settings, kept: [] };
      }
      // Anything that stops it leaves the file and the record as they are: Disconnect again once fixed.
      const read = await this.read();
      if (!read.ok) return this.failed(disconnectBlocked(files.settings, read.problem));
      const undone = undoSettings(read.text, stored.settings);
      if (!undone.ok) return this.failed(disconnectBlocked(files.settings, undone.problem));
      const problem = undone.text === undefined ? undefined : await this.commit(undone.text === null ? null : read.bom + undone.text);
      if (problem) return this.failed(disconnectBlocked(files.settings, problem));
      for (const key of stored.panel) {
        if (panel.installed() && panel.get(key.key) === key.wrote) await panel.set(key.key, key.before?.value);
      }
      await this.options.secrets.delete(RECORD_KEY);
      log.info(`Disconnected Claude Code: its entries in ${files.settings} taken out${undone.kept.length ? `, except ${undone.kept.map((p) => p.join('.')).join(', ')}, changed since` : ''}${undone.readable ? `; the comments taken out at Connect ${undone.readable === 'putBack' ? 'put back' : 'left out'}` : ''}.`);
      this.announce(undefined);
      return { ok: true, file: files.settings, kept: undone.kept, ...(undone.readable ? { readable: undone.readable } : {}) };
    });
  }

  /** The settings changed (model, region, endpoints): Claude Code's follow, while connected. */
  async follow(): Promise<Outcome | undefined> {
    if (!(await this.refresh())) return undefined;
    return this.locked(async () => {
      const { files, log } = this.options;
      const now = await this.planNow();
      const { plan } = now.connect;
      if (plan.problem) return this.failed(followBlocked(files.settings, plan.problem));
      if (plan.changes.length === 0) return undefined;
      const next = applyPlan(now.text, plan, [], now.stored?.settings);
      const stored = { settings: next.record, panel: now.stored?.panel ?? [] };
      const problem = await this.commit(now.bom + next.text, stored, now.stored);
      if (problem) return this.failed(followBlocked(files.settings, problem));
      log.info(`Claude Code's settings follow the change: ${plan.changes.map((c) => c.path.join('.')).join(', ')}.`);
      this.announce(stored);
      return { ok: true, file: files.settings, kept: [] };
    });
  }

  /** The plan, with the text it was made from and the record it continues. */
  private async planNow(): Promise<{ connect: ConnectPlan; text: string | undefined; bom: string; stored: Stored | undefined }> {
    const { files, panel } = this.options;
    const [link, read, stored, awsConfig] = await Promise.all([linkOf(files.settings), this.read(), this.stored(), readText(files.awsConfig).catch(() => undefined)]);
    const desired = await this.desired();
    const none = { file: files.settings, changes: [], conflicts: [], replacesGuidance: false };
    const plan: Plan =
      link && !link.exists
        ? { ...none, problem: danglingLink(link.target) }
        : !read.ok
          ? { ...none, problem: read.problem }
          : planSettings({ file: files.settings, text: read.text, desired, record: stored?.settings, guidanceProfiles: credentialProcessProfiles(awsConfig ?? '') });
    const panelChanges = panel.installed() && panel.get(LOGIN_PROMPT) !== true ? [{ key: LOGIN_PROMPT, before: panel.get(LOGIN_PROMPT), after: true }] : [];
    return { connect: { plan, panel: panelChanges, ...(link ? { link } : {}) }, text: read.ok ? read.text : undefined, bom: read.ok ? read.bom : '', stored };
  }

  private async read(): Promise<SettingsText> {
    const read = await readSettings(this.options.files.settings);
    if (!read.ok) this.options.log.error(`Reading ${this.options.files.settings} failed`, read.error);
    return read;
  }

  /**
   * Writes the file (null: removes it), with `stored` kept first, so that the record is there
   * whenever the file holds what it undoes; a write that fails puts the record back as it was.
   * Returns why it failed, in words.
   */
  private async commit(text: string | null, stored?: Stored, previous?: Stored): Promise<string | undefined> {
    const { files, secrets, log } = this.options;
    if (stored) await this.store(stored);
    const failed = await writeSettings(files.settings, text);
    if (!failed) return undefined;
    log.error(`Writing ${files.settings} failed`, failed.error);
    if (stored) await (previous ? this.store(previous) : secrets.delete(RECORD_KEY));
    return failed.problem;
  }

  private async failed(message: string): Promise<Outcome> {
    const file = this.options.files.settings;
    return { ok: false, file, message, actions: (await isFile(file)) ? [openFile(file)] : [] };
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
      statusLine: launcher.command('statusline'),
      policy: checked.value,
    };
  }

  private async stored(): Promise<Stored | undefined> {
    const raw = await this.options.secrets.get(RECORD_KEY);
    try {
      const parsed = raw ? (JSON.parse(raw) as { settings?: unknown; panel?: PanelKey[] }) : undefined;
      const settings = undoRecord(parsed?.settings);
      return settings ? { settings, panel: Array.isArray(parsed?.panel) ? parsed.panel : [] } : undefined;
    } catch {
      return undefined;
    }
  }

  private store(stored: Stored): Thenable<void> {
    return this.options.secrets.store(RECORD_KEY, JSON.stringify(stored));
  }

  /** Claude Code's settings are changed in one window at a time. */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    return this.shared.locked(work);
  }

  /** Tells the other windows: connected with `stored` to put back, or disconnected (undefined). */
  private announce(stored: Stored | undefined): void {
    this.setConnected(stored !== undefined);
    // Made under the lock, after every announcement heard: newer than each, whatever this window's clock says.
    const at = Math.max(Date.now(), this.shared.value?.at ?? 0);
    this.shared.publish(stored ? { connected: true, stored, at } : { connected: false, at });
  }

  /** Another window connected or disconnected: keep its record here too, then look at the file. */
  private async heard(announced: Announced): Promise<void> {
    try {
      if (announced.connected && announced.stored) {
        const text = JSON.stringify(announced.stored);
        if ((await this.options.secrets.get(RECORD_KEY)) !== text) await this.options.secrets.store(RECORD_KEY, text);
      } else if (!announced.connected) {
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
