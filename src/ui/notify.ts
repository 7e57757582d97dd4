// User-facing notifications: a sentence and the buttons for the next step. Never awaited by the
// caller (a command finishes without waiting for the user to click), never a stack trace: the
// details of a failure go to the log.
//
// Every notification passes here, and here its text is made inert (util/text.ts): VS Code turns
// Markdown links in a notification into links whose click runs a command, and a sentence may
// carry words from outside (an identity provider's error, a quota service's message, a file
// name, a setting value). The extension's own sentences hold no links, so nothing is lost.
import * as vscode from 'vscode';
import type { Action, Failure, Notify, Severity } from '../errors/failure';
import type { Log } from '../log';
import { inert } from '../util/text';

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

/** What the Notifier shows notifications with: VS Code's window (a fake in unit tests). */
export type NotificationWindow = Pick<typeof vscode.window, 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage'>;

/** A question in a dialog that waits for the answer: its sentence, the detail beneath, and the button that says yes. */
export interface Question {
  readonly message: string;
  readonly detail: string;
  readonly yes: string;
}

export class Notifier implements Notify, vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<ShownMessage>();
  /** Fires for every notification as it is shown. */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly log: Log,
    private readonly window: NotificationWindow = vscode.window,
  ) {}

  failure(failure: Failure): void {
    this.show(failure.quiet ? 'info' : 'error', failure.message, failure.actions);
  }

  show(severity: Severity, sentence: string, given: readonly Action[] = []): void {
    const message = inert(sentence);
    // Beside every Show Log, Diagnose: every check in one place, and a report for the helpdesk.
    const actions = given.flatMap((a): Action[] => (a.kind === 'showLog' ? [a, DIAGNOSE] : [a]));
    const buttons = actions.map((a) => ('label' in a && a.label ? a.label : a.kind === 'run' ? a.command : LABELS[a.kind]));
    this.shown.fire({ severity, message, buttons });
    const { window } = this;
    const choice = severity === 'error' ? window.showErrorMessage(message, ...buttons) : severity === 'warning' ? window.showWarningMessage(message, ...buttons) : window.showInformationMessage(message, ...buttons);
    void Promise.resolve(choice).then(
      (choice) => {
        const action = actions[buttons.indexOf(choice ?? '')];
        if (action) void this.run(action);
      },
      (error: unknown) => this.log.error('Could not show a notification', error),
    );
  }

  /** Asks in a modal dialog (its text made inert as every notification's); true when the user clicked `yes`. */
  async ask(question: Question): Promise<boolean> {
    const message = inert(question.message);
    this.shown.fire({ severity: 'info', message, buttons: [question.yes] });
    const answer = await this.window.showInformationMessage(message, { modal: true, detail: inert(question.detail) }, question.yes);
    return answer === question.yes;
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
