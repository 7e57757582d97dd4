// The `when` keys package.json's menus, views and walkthrough read (`claudeBedrock.<key>`): the
// one place that sets them, each from the source it follows.
import * as vscode from 'vscode';
import type { AuthState } from '../auth/core';
import type { ModelReport } from '../models/check';

export type WhenKey = 'signingIn' | 'signedIn' | 'modelsReady' | 'terminalUsed' | 'usageSeen' | 'claudeCodeConnected';

export interface WhenSources {
  readonly sessions: { readonly session: unknown; readonly onDidChangeState: vscode.Event<AuthState> };
  readonly models: { readonly onDidChange: vscode.Event<ModelReport | undefined> };
  readonly onDidOpenTerminal: vscode.Event<unknown>;
  readonly dashboard: { readonly onDidShow: vscode.Event<unknown> };
  readonly claudeCode: { readonly onDidChange: vscode.Event<boolean> };
  /** Sets one key (VS Code's setContext command unless a test says otherwise). */
  readonly set?: (key: WhenKey, value: boolean) => void;
}

function setContext(key: WhenKey, value: boolean): void {
  void vscode.commands.executeCommand('setContext', `claudeBedrock.${key}`, value);
}

export class WhenKeys implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];

  constructor(sources: WhenSources) {
    const set = sources.set ?? setContext;
    this.subscriptions = [
      sources.sessions.onDidChangeState((state) => {
        set('signingIn', state.kind === 'signingIn');
        set('signedIn', state.kind === 'signedIn');
      }),
      sources.models.onDidChange((report) => set('modelsReady', Boolean(report && report.checks.every((c) => c.usable)))),
      // The walkthrough's steps complete themselves: a terminal opened while signed in, the dashboard seen.
      sources.onDidOpenTerminal(() => sources.sessions.session && set('terminalUsed', true)),
      sources.dashboard.onDidShow(() => set('usageSeen', true)),
      sources.claudeCode.onDidChange((connected) => set('claudeCodeConnected', connected)),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
