// The status bar item: who is signed in, and the obvious next step on click.
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { Gateway } from '../claudeCode/gateway';
import type { ModelCheck } from '../models/check';
import { statusView, tooltipMarkdown, type StatusView } from './statusWords';

/** The tooltip as Markdown whose links may run only their own commands. */
function tooltip(view: StatusView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(tooltipMarkdown(view), true);
  md.isTrusted = { enabledCommands: view.links.map((l) => l.command) };
  return md;
}

/** What the account item follows: the sign-in's state, and the models that will not work. */
export interface StatusSources {
  readonly sessions: Pick<SessionSource, 'state' | 'onDidChangeState'>;
  readonly models: { readonly problems: readonly ModelCheck[]; readonly onDidChange: vscode.Event<unknown> };
  /** The organisation's Claude apps gateway, when Claude Code uses it here. */
  readonly gateway?: { readonly gateway: Gateway | undefined; readonly onDidChange: vscode.Event<unknown> };
}

export class StatusBar implements vscode.Disposable {
  private view: StatusView | undefined;
  private readonly subscriptions: vscode.Disposable[];

  /** `item`: the account item extension.ts shows at activation. */
  constructor(
    private readonly item: vscode.StatusBarItem,
    private readonly sources: StatusSources,
  ) {
    this.subscriptions = [sources.sessions.onDidChangeState(() => this.render()), sources.models.onDidChange(() => this.render()), ...(sources.gateway ? [sources.gateway.onDidChange(() => this.render())] : [])];
    this.render();
  }

  private render(): void {
    const view = statusView(this.sources.sessions.state, this.sources.models.problems, this.sources.gateway?.gateway);
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
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
