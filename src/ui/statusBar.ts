// The status bar item: who is signed in, and the obvious next step on click.
import * as vscode from 'vscode';
import type { AuthState } from '../auth/core';
import type { ModelCheck } from '../models/check';
import { statusView, tooltipMarkdown, type StatusView } from './statusWords';

/** The tooltip as Markdown whose links may run only their own commands. */
function tooltip(view: StatusView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(tooltipMarkdown(view), true);
  md.isTrusted = { enabledCommands: view.links.map((l) => l.command) };
  return md;
}

export class StatusBar implements vscode.Disposable {
  private view: StatusView | undefined;

  /** `item`: the account item extension.ts shows at activation. */
  constructor(private readonly item: vscode.StatusBarItem) {}

  render(state: AuthState, modelProblems: readonly ModelCheck[] = []): void {
    const view = statusView(state, modelProblems);
    this.view = view;
    this.item.text = view.text;
    this.item.tooltip = tooltip(view);
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
