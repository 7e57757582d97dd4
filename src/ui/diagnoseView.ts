// Claude Bedrock: Diagnose. A panel that runs every check at once (diagnose/), shows each row as
// it ends with progress in the notification area, and copies or saves the report a helpdesk reads.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { runChecks, type Check, type Row } from '../diagnose/check';
import { reportMarkdown } from '../diagnose/report';
import type { Log } from '../log';
import type { Clock } from '../util/clock';
import type { Notify } from '../errors/failure';
import { DIAGNOSE_COMMANDS, renderDiagnose } from './diagnoseHtml';
import { Panel } from './panel';
import type { PageSource } from './webviewPage';

export interface DiagnoseViewOptions {
  /** The checks for this run (built afresh: the settings may have changed). */
  readonly checks: () => Check[];
  /** Each check's deadline: the request timeout setting. */
  readonly timeoutMs: () => number;
  readonly extensionVersion: string;
  /** Who is signed in (the report names them: the helpdesk needs to know who). */
  readonly user: () => string | undefined;
  /** Values known to be secret right now (session tokens, keys, the endpoint token). */
  readonly secrets: () => string[];
  readonly notify: Pick<Notify, 'show'>;
  readonly log: Log;
  readonly clock: Clock;
}

export class DiagnoseView implements vscode.Disposable {
  private readonly panel: Panel<PageSource>;
  private rows: Row[] = [];
  private total = 0;
  private running: Promise<Row[]> | undefined;
  private at: number | undefined;

  constructor(private readonly options: DiagnoseViewOptions) {
    this.panel = Panel.links({
      viewType: 'claudeBedrock.diagnose',
      title: 'Claude Bedrock: Diagnose',
      commands: DIAGNOSE_COMMANDS,
      page: (source) => {
        const running = this.running || this.rows.length < this.total ? this.total - this.rows.length : 0;
        return renderDiagnose({ rows: this.rows, running, total: this.total, at: this.at }, source);
      },
    });
  }

  /** Shows the view and runs every check (joins a run under way). */
  run(): Promise<Row[]> {
    this.panel.show();
    this.running ??= this.runAll().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The report as Markdown, for the clipboard or a file (runs the checks first if never run). */
  async report(): Promise<string> {
    if (this.running) await this.running;
    if (this.at === undefined) await this.run();
    const cli = this.rows.find((r) => r.id === 'claude.cli')?.found.match(/Claude Code (\d+\.\d+\.\d+)/)?.[1];
    return reportMarkdown({
      rows: this.rows,
      versions: { vscode: vscode.version, extension: this.options.extensionVersion, claude: cli, os: `${os.type()} ${os.release()} (${os.arch()})`, remote: vscode.env.remoteName },
      at: this.at ?? this.options.clock.now(),
      user: this.options.user(),
      logLines: this.options.log.recent(200),
      secrets: [...this.options.secrets(), ...this.options.log.knownSecrets()],
    });
  }

  async copyReport(): Promise<void> {
    await vscode.env.clipboard.writeText(await this.report());
    this.options.notify.show('info', 'The Diagnose report is on the clipboard, without tokens or keys: paste it into your ticket.');
  }

  async saveReport(): Promise<string | undefined> {
    const text = await this.report();
    const target = await vscode.window.showSaveDialog({
      title: 'Save the Diagnose report',
      defaultUri: vscode.Uri.file(`${os.homedir()}/claude-bedrock-diagnose.md`),
      filters: { Markdown: ['md'] },
    });
    if (!target) return undefined;
    const where = target.scheme === 'file' ? target.fsPath : target.toString(true);
    try {
      // Readable by the user alone (also a file saved over); a file elsewhere (Show Local in a remote window) through VS Code.
      if (target.scheme === 'file') {
        await fs.writeFile(target.fsPath, text, { mode: 0o600 });
        await fs.chmod(target.fsPath, 0o600);
      } else {
        await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      }
    } catch (error) {
      this.options.log.error('Saving the Diagnose report failed', error);
      this.options.notify.show('error', `The report could not be saved to ${where}. Choose another folder, or copy the report instead.`, [
        { kind: 'run', label: 'Copy Report', command: 'claudeBedrock.copyDiagnoseReport' },
        { kind: 'run', label: 'Save Report…', command: 'claudeBedrock.saveDiagnoseReport' },
      ]);
      return undefined;
    }
    this.options.notify.show('info', `The Diagnose report is saved to ${where}, without tokens or keys.`);
    return where;
  }

  /** The page as shown now, and the last rows (for the extension's tests). */
  get html(): string | undefined {
    return this.panel.html;
  }
  get lastRows(): readonly Row[] {
    return this.rows;
  }

  private async runAll(): Promise<Row[]> {
    const checks = this.options.checks();
    this.rows = [];
    this.total = checks.length;
    this.panel.render();
    this.options.log.info(`Diagnose: running ${checks.length} checks.`);
    const order = new Map(checks.map((c, i) => [c.id, i]));
    const rows = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Claude Bedrock: Diagnose' }, (progress) =>
      runChecks(checks, {
        timeoutMs: this.options.timeoutMs(),
        clock: this.options.clock,
        onRow: (row) => {
          this.rows = [...this.rows, row].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
          progress.report({ message: `${this.rows.length} of ${checks.length} checks done`, increment: 100 / checks.length });
          this.panel.render();
        },
      }),
    );
    this.rows = rows;
    this.at = this.options.clock.now();
    this.options.log.info(`Diagnose: ${rows.map((r) => `${r.id} ${r.status}`).join(', ')}.`);
    this.panel.render();
    return rows;
  }

  dispose(): void {
    this.panel.dispose();
  }
}
