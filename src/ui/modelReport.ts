// The model report view: a webview panel showing the last check (modelReportHtml.ts).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ModelService } from '../models/modelService';
import { REPORT_COMMANDS, renderModelReport } from './modelReportHtml';

export class ModelReportView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly models: ModelService) {
    this.subscription = models.onDidChange(() => this.render());
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel('claudeBedrock.modelReport', 'Claude Bedrock: Models', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableCommandUris: [...REPORT_COMMANDS],
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.render(this.models.report ? undefined : 'Checking the models…');
    if (!this.models.report) await this.models.check(false);
    this.render();
  }

  /** Copies a model ID or profile ARN from the page, and says so in the status bar. */
  async copy(what: string, value: string): Promise<void> {
    await vscode.env.clipboard.writeText(value);
    vscode.window.setStatusBarMessage(`$(check) Copied the ${what}.`, 3000);
  }

  /** The page's HTML as shown now (for the extension's tests). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  private render(placeholder = 'Sign in to check the models Claude Code will use.'): void {
    if (!this.panel) return;
    this.panel.webview.html = renderModelReport(this.models.report, {
      cspSource: this.panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      placeholder,
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
