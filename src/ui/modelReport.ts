// The model report view: a panel showing the last check (modelReportHtml.ts), drawn again when
// it changes. A page of command links: no script.
import * as vscode from 'vscode';
import type { ModelService } from '../models/modelService';
import { REPORT_COMMANDS, renderModelReport } from './modelReportHtml';
import { Panel } from './panel';
import type { PageSource } from './webviewPage';

const SIGNED_OUT = 'Sign in to check the models Claude Code will use.';
const CHECKING = 'Checking the models…';

export class ModelReportView implements vscode.Disposable {
  private readonly panel: Panel<PageSource>;
  /** What the page says while there is no report: signed out, or checking. */
  private placeholder = SIGNED_OUT;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly models: ModelService) {
    this.panel = Panel.links({
      viewType: 'claudeBedrock.modelReport',
      title: 'Claude Bedrock: Models',
      commands: REPORT_COMMANDS,
      page: (source) => renderModelReport(this.models.report, { ...source, placeholder: this.placeholder, policy: this.models.policy }),
    });
    this.subscription = models.onDidChange(() => this.draw(SIGNED_OUT));
  }

  async show(): Promise<void> {
    const checking = !this.models.report;
    this.placeholder = checking ? CHECKING : SIGNED_OUT;
    this.panel.render();
    this.panel.show();
    if (!checking) return;
    await this.models.check(false);
    this.draw(SIGNED_OUT);
  }

  /** Copies a model ID or profile ARN from the page, and says so in the status bar. */
  async copy(what: string, value: string): Promise<void> {
    await vscode.env.clipboard.writeText(value);
    vscode.window.setStatusBarMessage(`$(check) Copied the ${what}.`, 3000);
  }

  /** The page's HTML as shown now (for the extension's tests). */
  get html(): string | undefined {
    return this.panel.html;
  }

  private draw(placeholder: string): void {
    this.placeholder = placeholder;
    this.panel.render();
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel.dispose();
  }
}
