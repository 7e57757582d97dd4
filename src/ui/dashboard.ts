// The usage dashboard: a panel over this machine's figures (LocalUsage) and the organisation's
// (UsageService) (dashboardHtml.ts), drawn again when either changes. Its one message, Refresh, is checked for shape by the panel.
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { Log } from '../log';
import type { LocalUsage } from '../usage/localUsage';
import type { UsageService } from '../usage/usageService';
import { isDashboardMessage, renderDashboard } from './dashboardHtml';
import { Panel } from './panel';
import type { WebviewFiles } from './webviewPage';

export class Dashboard implements vscode.Disposable {
  private readonly panel: Panel<WebviewFiles>;
  private readonly shown = new vscode.EventEmitter<void>();
  /** Fires when the dashboard is opened. */
  readonly onDidShow = this.shown.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly usage: UsageService,
    private readonly local: Pick<LocalUsage, 'state' | 'onDidChange'>,
    private readonly sessions: SessionSource,
    mediaRoot: vscode.Uri,
    log: Log,
  ) {
    this.panel = Panel.scripted({
      viewType: 'claudeBedrock.usage',
      title: 'Claude Code Usage',
      media: mediaRoot,
      script: 'dashboard.js',
      style: 'dashboard.css',
      name: 'the usage dashboard',
      log,
      accepts: isDashboardMessage,
      onMessage: () => void this.usage.refresh().then(() => this.panel.render()),
      page: (files) => renderDashboard(this.usage.state, { ...files, signedIn: this.sessions.session !== undefined, email: this.sessions.session?.identity.email, local: this.local.state, now: Date.now() }),
    });
    this.subscriptions = [usage.onDidChange(() => this.panel.render()), local.onDidChange(() => this.panel.render()), this.shown, this.panel];
  }

  show(): void {
    this.shown.fire();
    this.panel.show();
  }

  get html(): string | undefined {
    return this.panel.html;
  }

  /** Messages dropped for their shape (for the extension's tests). */
  get dropped(): number {
    return this.panel.dropped;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
