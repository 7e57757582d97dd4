// When Claude Code gets connected to the sign-in, by the setting claudeBedrock.claudeCodeIntegration:
//   ask     offered once after the first sign-in (and once more from a terminal, where hiding
//           the user's AWS profiles shows); Connect Claude Code asks with the consent view
//   always  connected without asking, signed in or not (a platform team's choice)
//   never   left alone, and what the extension added is removed
import type * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { Config } from '../config/config';
import { Failure, type Action, type Notify } from '../errors/failure';
import { connectBlocked, stillUnreadable } from '../errors/settingsFile';
import type { Log } from '../log';
import type { ClaudeCodeConnection } from './connection';
import { openFile, type ConnectPlan, type Outcome } from './outcome';

const OFFERED = 'claudeBedrock.claudeCodeOffered';
const TERMINAL_HINTED = 'claudeBedrock.claudeCodeTerminalHint';
const CONNECT: Action = { kind: 'run', label: 'Connect Claude Code…', command: 'claudeBedrock.connectClaudeCode' };
const DISCONNECT: Action = { kind: 'run', label: 'Disconnect', command: 'claudeBedrock.disconnectClaudeCode' };
const DONE = 'Claude Code now runs on Amazon Bedrock with your sign-in everywhere on this machine: its VS Code panel, and "claude" in any terminal.';

/** What Disconnect did, in words: what is gone, what is back, what stayed. */
function disconnected(outcome: Extract<Outcome, { ok: true }>): string {
  const names = outcome.kept.map((p) => p.join('.'));
  const kept = names.length ? ` You changed ${names.join(', ')} since: ${names.length === 1 ? 'it stays' : 'they stay'} as you left ${names.length === 1 ? 'it' : 'them'}.` : '';
  const readable =
    outcome.readable === 'putBack'
      ? ' The comments and commas Connect took out are back too, so Claude Code cannot read the file again until they are removed.'
      : outcome.readable === 'leftOut'
        ? ' The comments and commas Connect took out stay out: settings in the file changed since, and with them back Claude Code would ignore those too.'
        : '';
  return `Claude Code no longer uses this sign-in: what Connect wrote into ${outcome.file} is taken out and the values it replaced are back; everything else in the file stays as it is.${kept}${readable}`;
}

/** Shows what Connect changes and asks: Connect (with the conflicts to fix), or not. */
export interface ConsentUi {
  ask(plan: ConnectPlan): Promise<{ readonly connect: boolean; readonly fixes: readonly string[] }>;
}

export interface IntegrationOptions {
  readonly connection: ClaudeCodeConnection;
  readonly sessions: SessionSource;
  readonly config: Pick<Config, 'claudeCode' | 'onDidChange'>;
  readonly consent: ConsentUi;
  /** Remembers the one-time offers (flags, nothing secret). */
  readonly memento: vscode.Memento;
  readonly onDidOpenTerminal: vscode.Event<unknown>;
  readonly notify: Notify;
  readonly log: Log;
  /** What outranks Connect here, in words (Claude Code uses the organisation's gateway, managed settings win), when something does. */
  readonly outranked?: () => Promise<string | undefined>;
}

export class ClaudeCodeIntegration implements vscode.Disposable {
  private readonly subscriptions: { dispose(): void }[];
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly options: IntegrationOptions) {
    this.subscriptions = [
      options.sessions.onDidChangeState(() => this.reconcile()),
      options.config.onDidChange((areas) => (areas.has('claudeCode') || areas.has('terminals')) && this.reconcile(areas.has('terminals'))),
      options.onDidOpenTerminal(() => void this.terminalHint()),
    ];
  }

  private get mode(): 'ask' | 'always' | 'never' {
    const checked = this.options.config.claudeCode();
    return checked.ok ? checked.value.integration : 'ask';
  }

  /** Brings the connection in line with the mode, the session and the settings. Serialised; never throws. */
  reconcile(settingsChanged = false): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.apply(settingsChanged)).catch((error: unknown) => this.options.log.error("Keeping Claude Code's settings in step failed", error));
    return this.reconciling;
  }

  /** "Connect Claude Code": shows what changes, and connects on consent. */
  async connectWithConsent(): Promise<Outcome | undefined> {
    const { connection, notify } = this.options;
    if (this.mode === 'never') {
      notify.show('info', "Connecting Claude Code is turned off (claudeBedrock.claudeCodeIntegration is \"never\"): its settings are left alone.", [
        { kind: 'openSetting', setting: 'claudeBedrock.claudeCodeIntegration' },
      ]);
      return undefined;
    }
    const plan = await this.planOrSay();
    if (!plan) return undefined;
    const answer = await this.options.consent.ask(plan);
    if (!answer.connect) return undefined;
    // The view showed what makes the file readable as part of Connect: the click agrees to it.
    return this.report(await connection.connect(answer.fixes, { readable: plan.plan.unreadable?.parts }));
  }

  async disconnect(): Promise<Outcome | undefined> {
    const { connection, notify } = this.options;
    if (this.mode === 'always') {
      notify.show('info', 'Your platform team connects Claude Code to this sign-in (claudeBedrock.claudeCodeIntegration is "always"). Set it to "ask" to disconnect.', [
        { kind: 'openSetting', setting: 'claudeBedrock.claudeCodeIntegration' },
      ]);
      return undefined;
    }
    const outcome = await connection.disconnect();
    if (outcome.ok) notify.show('info', disconnected(outcome));
    else notify.show('error', outcome.message, outcome.actions);
    return outcome;
  }

  private async apply(settingsChanged: boolean): Promise<void> {
    const { connection, sessions, memento, notify } = this.options;
    const connected = await connection.refresh();
    const mode = this.mode;
    if (mode === 'never') {
      if (!connected) return;
      const outcome = await connection.disconnect();
      if (outcome.ok) notify.show('info', `Connecting Claude Code to this sign-in is turned off (claudeBedrock.claudeCodeIntegration). ${disconnected(outcome)}`);
      else notify.show('error', outcome.message, outcome.actions);
      return;
    }
    if (connected) {
      const followed = settingsChanged ? await connection.follow() : undefined;
      if (followed && !followed.ok) notify.show('warning', followed.message, followed.actions);
      return;
    }
    // A platform team's "always" connects signed in or not: a `claude` started signed out then
    // signs in through VS Code (awsAuthRefresh) instead of asking for an Anthropic login.
    if (mode === 'always') {
      const plan = await this.planOrSay(true);
      if (!plan) return;
      this.report(await connection.connect(plan.plan.conflicts.map((c) => c.id)));
      return;
    }
    if (sessions.state.kind !== 'signedIn' || memento.get(OFFERED)) return;
    await memento.update(OFFERED, true);
    notify.show('info', 'Use this sign-in for Claude Code everywhere on this machine, its VS Code panel and "claude" in any terminal? You see what changes before anything is written.', [CONNECT]);
  }

  /** Once, when a terminal opens before Claude Code is connected: why the user's AWS profiles are hidden there. */
  private async terminalHint(): Promise<void> {
    const { connection, sessions, memento, notify } = this.options;
    if (this.mode !== 'ask' || connection.connected || sessions.state.kind !== 'signedIn' || memento.get(TERMINAL_HINTED)) return;
    await memento.update(TERMINAL_HINTED, true);
    notify.show(
      'info',
      'VS Code terminals hide your own AWS profiles so that none of them wins over your sign-in: there, the AWS CLI acts as your Claude Code role, and fails with "The config profile (…) could not be found" only where your shell startup replaces AWS_PROFILE with a profile of yours. Connect Claude Code to give it the session through its own settings and keep your profiles in your terminals.',
      [CONNECT],
    );
  }

  /** The plan, or undefined after saying why there is none (`quiet`: what outranks Connect goes to the log only). */
  private async planOrSay(quiet = false): Promise<ConnectPlan | undefined> {
    const outranked = await this.options.outranked?.().catch(() => undefined);
    if (outranked) {
      this.options.log.info(`Not connecting Claude Code: ${outranked}`);
      if (!quiet) this.options.notify.show('warning', outranked, [{ kind: 'run', command: 'claudeBedrock.diagnose', label: 'Diagnose' }]);
      return undefined;
    }
    try {
      const plan = await this.options.connection.plan();
      if (plan.plan.problem) {
        this.options.notify.show('error', connectBlocked(plan.plan.file, plan.plan.problem), plan.link?.exists === false ? [] : [openFile(plan.plan.file)]);
        return undefined;
      }
      return plan;
    } catch (error) {
      if (error instanceof Failure) this.options.notify.failure(error);
      else this.options.notify.show('error', "Claude Code's settings could not be read, so nothing was changed. Show the log for details.", [{ kind: 'showLog' }]);
      this.options.log.error('Planning the connection of Claude Code failed', error);
      return undefined;
    }
  }

  private report(outcome: Outcome): Outcome {
    const { notify } = this.options;
    if (!outcome.ok) notify.show('error', outcome.message, outcome.actions);
    else if (outcome.unreadable) notify.show('warning', stillUnreadable(outcome.file, outcome.unreadable), [CONNECT, openFile(outcome.file)]);
    else notify.show('info', DONE, this.mode === 'always' ? [] : [DISCONNECT]);
    return outcome;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
