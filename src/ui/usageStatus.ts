// The usage status bar item, beside the account item: this machine's usage, live, and the
// organisation's figures (usageWords.ts).
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { LocalUsage } from '../usage/localUsage';
import type { UsageService } from '../usage/usageService';
import { usageItemView, type UsageItemView } from './usageWords';

export class UsageStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('claudeBedrock.usage', vscode.StatusBarAlignment.Right, 99);
  private view: UsageItemView | undefined;
  private readonly subscriptions: vscode.Disposable[];

  /** Follows the sign-in (the item shows only while signed in), the usage read for it, and this machine's. */
  constructor(
    private readonly sessions: Pick<SessionSource, 'state' | 'onDidChangeState'>,
    private readonly usage: Pick<UsageService, 'state' | 'onDidChange'>,
    private readonly local: Pick<LocalUsage, 'state' | 'onDidChange'>,
  ) {
    this.item.name = 'Claude Code Usage';
    this.item.command = 'claudeBedrock.showUsage';
    this.subscriptions = [sessions.onDidChangeState(() => this.render()), usage.onDidChange(() => this.render()), local.onDidChange(() => this.render())];
    this.render();
  }

  private render(): void {
    const view = usageItemView(this.sessions.state.kind === 'signedIn', this.usage.state, this.local.state);
    this.view = view;
    if (!view.visible) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  get current(): UsageItemView | undefined {
    return this.view;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
