// The consent view: a webview that shows what Connect Claude Code changes and waits for the
// user's answer. Closing it is a Cancel. Messages of any other shape are dropped.
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ConnectPlan } from '../claudeCode/connection';
import type { ConsentUi } from '../claudeCode/integration';
import type { Log } from '../log';
import { isConsentMessage, renderConsent } from './consentHtml';

export class ConsentView implements ConsentUi, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Messages dropped for their shape (for the extension's tests). */
  dropped = 0;

  constructor(
    private readonly mediaRoot: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** The page's HTML as shown now (for the extension's tests). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  ask(plan: ConnectPlan): Promise<{ connect: boolean; fixes: readonly string[] }> {
    this.panel?.dispose();
    const panel = vscode.window.createWebviewPanel('claudeBedrock.connectClaudeCode', 'Connect Claude Code', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.mediaRoot],
    });
    this.panel = panel;
    const home = os.homedir();
    const file = plan.plan.file;
    panel.webview.html = renderConsent(plan, {
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'consent.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'consent.css')).toString(),
      fileLabel: file.startsWith(home) ? `~${file.slice(home.length)}` : file,
    });
    return new Promise((resolve) => {
      let answered = false;
      const answer = (connect: boolean, fixes: readonly string[] = []) => {
        if (answered) return;
        answered = true;
        resolve({ connect, fixes });
        if (this.panel === panel) this.panel = undefined;
        panel.dispose();
      };
      panel.onDidDispose(() => answer(false));
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isConsentMessage(message)) {
          this.dropped++;
          this.log.warn('A message of unknown shape from the consent view was dropped.');
          return;
        }
        if (message.type === 'connect') answer(true, message.fixes);
        else answer(false);
      });
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
