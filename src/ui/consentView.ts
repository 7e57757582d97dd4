// The consent view: a panel that shows what Connect Claude Code changes and waits for the user's
// answer. Closing it is a Cancel, and so is a second Connect, whose question replaces it. The
// page's messages are checked for shape by the panel.
import * as os from 'node:os';
import type * as vscode from 'vscode';
import type { ConnectPlan } from '../claudeCode/connection';
import type { ConsentUi } from '../claudeCode/integration';
import type { Log } from '../log';
import { isConsentMessage, renderConsent } from './consentHtml';
import { Panel, type PanelWindow } from './panel';
import type { WebviewFiles } from './webviewPage';

type Answer = { connect: boolean; fixes: readonly string[] };

export class ConsentView implements ConsentUi, vscode.Disposable {
  private readonly panel: Panel<WebviewFiles>;
  private plan: ConnectPlan | undefined;
  private pending: ((answer: Answer) => void) | undefined;

  constructor(mediaRoot: vscode.Uri, log: Log, window?: PanelWindow) {
    this.panel = Panel.scripted({
      window,
      viewType: 'claudeBedrock.connectClaudeCode',
      title: 'Connect Claude Code',
      media: mediaRoot,
      script: 'consent.js',
      style: 'consent.css',
      name: 'the consent view',
      log,
      accepts: isConsentMessage,
      onMessage: (message) => (message.type === 'connect' ? this.answer(true, message.fixes) : this.answer(false)),
      onClose: () => this.answer(false),
      page: (files) => (this.plan ? renderConsent(this.plan, { ...files, fileLabel: homeLabel(this.plan.plan.file) }) : ''),
    });
  }

  /** The page's HTML as shown now (for the extension's tests). */
  get html(): string | undefined {
    return this.panel.html;
  }

  /** Messages dropped for their shape (for the extension's tests). */
  get dropped(): number {
    return this.panel.dropped;
  }

  ask(plan: ConnectPlan): Promise<Answer> {
    this.plan = plan;
    this.panel.open();
    return new Promise((resolve) => (this.pending = resolve));
  }

  private answer(connect: boolean, fixes: readonly string[] = []): void {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.({ connect, fixes });
    this.panel.close();
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/** How the page names the settings file: ~ for the home folder. */
function homeLabel(file: string): string {
  const home = os.homedir();
  return file.startsWith(home) ? `~${file.slice(home.length)}` : file;
}
