// The status bar item: who is signed in, and the obvious next step on click.
import * as vscode from 'vscode';
import type { AuthState } from '../auth/auth';
import { displayName, expiresAt } from '../auth/session';

export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  readonly command: string;
  readonly warning: boolean;
}

function time(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** What the item shows for a state. Pure, so the wording is tested without a window. */
export function statusView(state: AuthState): StatusView {
  switch (state.kind) {
    case 'signedOut':
      return {
        text: '$(sign-in) Claude: Sign In',
        tooltip: 'Claude Code on Amazon Bedrock: signed out. Click to sign in with your corporate account.',
        command: 'claudeBedrock.signIn',
        warning: false,
      };
    case 'signingIn':
      return {
        text: '$(loading~spin) Claude: Signing in…',
        tooltip: 'Finish signing in in your browser. Click to cancel.',
        command: 'claudeBedrock.cancelSignIn',
        warning: false,
      };
    case 'signedIn': {
      const { session } = state;
      const who = session.identity.name && session.identity.email ? `${session.identity.name} (${session.identity.email})` : displayName(session.identity);
      return {
        text: `$(account) ${displayName(session.identity)}`,
        tooltip: [
          'Claude Code on Amazon Bedrock',
          `Signed in as ${who}`,
          `Role: ${session.assumedRoleArn || session.roleArn}`,
          `Credentials valid until ${time(expiresAt(session))}, renewed automatically.`,
          'Click for account details.',
        ].join('\n'),
        command: 'claudeBedrock.showAccount',
        warning: false,
      };
    }
    case 'needsSignIn':
      return {
        text: '$(warning) Claude: Sign in again',
        tooltip: [
          'Claude Code on Amazon Bedrock',
          state.identity ? `${displayName(state.identity)} needs to sign in again.` : 'Sign-in needed.',
          state.reason,
          'Click to sign in.',
        ].join('\n'),
        command: 'claudeBedrock.signIn',
        warning: true,
      };
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('claudeBedrock.status', vscode.StatusBarAlignment.Right, 100);
  private view: StatusView | undefined;

  constructor() {
    this.item.name = 'Claude Bedrock';
  }

  render(state: AuthState): void {
    const view = statusView(state);
    this.view = view;
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** What is shown now (for the extension's tests). */
  get current(): StatusView | undefined {
    return this.view;
  }

  dispose(): void {
    this.item.dispose();
  }
}
