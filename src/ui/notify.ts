// User-facing notifications: a sentence and the buttons for the next step. Never awaited by the
// caller (a command finishes without waiting for the user to click), never a stack trace: the
// details of a failure go to the log.
import * as vscode from 'vscode';
import type { Action, Failure, Notify, Severity } from '../errors/failure';
import type { Log } from '../log';

export interface ShownMessage {
  readonly severity: Severity;
  readonly message: string;
  readonly buttons: readonly string[];
}

const LABELS: Record<Exclude<Action['kind'], 'run'>, string> = {
  signIn: 'Sign In',
  openSetting: 'Open Settings',
  showLog: 'Show Log',
  signOut: 'Sign Out',
  copyLink: 'Copy Link',
};

const DIAGNOSE: Action = { kind: 'run', command: 'claudeBedrock.diagnose', label: 'Diagnose' };

export class Notifier implements Notify, vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<ShownMessage>();
  /** Fires for every notification as it is shown. */
  readonly onDidShow = this.shown.event;

  constructor(private readonly log: Log) {}

  failure(failure: Failure): void {
    this.show(failure.quiet ? 'info' : 'error', failure.message, failure.actions);
  }

  show(severity: Severity, message: string, given: readonly Action[] = []): void {
    // Beside every Show Log, Diagnose: every check in one place, and a report for the helpdesk.
    const actions = given.flatMap((a): Action[] => (a.kind === 'showLog' ? [a, DIAGNOSE] : [a]));
    const buttons = actions.map((a) => ('label' in a && a.label ? a.label : a.kind === 'run' ? a.command : LABELS[a.kind]));
    this.shown.fire({ severity, message, buttons });
    const show =
      severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message, ...buttons).then(
      (choice) => {
        const action = actions[buttons.indexOf(choice ?? '')];
        if (action) void this.run(action);
      },
      (error: unknown) => this.log.error('Could not show a notification', error),
    );
  }

  private async run(action: Action): Promise<void> {
    switch (action.kind) {
      case 'signIn':
        await vscode.commands.executeCommand('claudeBedrock.signIn');
        return;
      case 'openSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
        return;
      case 'showLog':
        this.log.show();
        return;
      case 'signOut':
        await vscode.commands.executeCommand('claudeBedrock.signOut');
        return;
      case 'copyLink':
        await vscode.env.clipboard.writeText(action.text);
        return;
      case 'run':
        await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
        return;
    }
  }

  dispose(): void {
    this.shown.dispose();
  }
}
