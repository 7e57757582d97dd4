// The usage dashboard: a webview panel over UsageService's state (dashboardHtml.ts). Messages
// from the page are checked against the one shape it sends; anything else is dropped.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { Log } from '../log';
import type { UsageService } from '../usage/usageService';
import { isDashboardMessage, renderDashboard } from './dashboardHtml';

export class Dashboard implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly shown = new vscode.EventEmitter<void>();
  /** Fires when the dashboard is opened. */
  readonly onDidShow = this.shown.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Messages dropped for their shape (for the extension's tests). */
  dropped = 0;

  constructor(
    private readonly usage: UsageService,
    private readonly sessions: SessionSource,
    private readonly mediaRoot: vscode.Uri,
    private readonly log: Log,
  ) {
    this.subscriptions = [usage.onDidChange(() => this.render()), this.shown];
  }

  show(): void {
    this.shown.fire();
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.panel = vscode.window.createWebviewPanel('claudeBedrock.usage', 'Claude Code Usage', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.mediaRoot],
    });
    this.panel.onDidDispose(() => (this.panel = undefined));
    this.panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isDashboardMessage(message)) {
        this.dropped++;
        this.log.warn('A message of unknown shape from the usage dashboard was dropped.');
        return;
      }
      void this.usage.refresh().then(() => this.render());
    });
    this.render();
  }

  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  private render(): void {
    if (!this.panel) return;
    const webview = this.panel.webview;
    webview.html = renderDashboard(this.usage.state, {
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'dashboard.css')).toString(),
      email: this.sessions.session?.identity.email,
      now: Date.now(),
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.panel?.dispose();
  }
}
