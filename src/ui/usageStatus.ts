// The usage status bar item, beside the account item.
import * as vscode from 'vscode';
import type { UsageState } from '../usage/usageService';
import { usageItemView, type UsageItemView } from './usageWords';

export class UsageStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('claudeBedrock.usage', vscode.StatusBarAlignment.Right, 99);
  private view: UsageItemView | undefined;

  constructor() {
    this.item.name = 'Claude Code Usage';
    this.item.command = 'claudeBedrock.showUsage';
  }

  render(signedIn: boolean, state: UsageState): void {
    const view = usageItemView(signedIn, state);
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
    this.item.dispose();
  }
}
