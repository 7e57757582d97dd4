// A fake of VS Code's webview panels, as src/ui/panel.ts opens them: what each was opened with,
// every page drawn in it, how often it was brought forward, and the two things from outside a
// panel: the page posting a message, and the user closing the tab.
import type * as vscode from 'vscode';
import { EventEmitter } from 'vscode';

export class FakeWebview {
  readonly cspSource = 'vscode-webview://fake';
  /** Every page set, in order. */
  readonly pages: string[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;

  get html(): string {
    return this.pages[this.pages.length - 1] ?? '';
  }
  set html(page: string) {
    this.pages.push(page);
  }
  asWebviewUri(uri: vscode.Uri): { toString(): string } {
    return { toString: () => `https://file+.vscode-resource.fake${uri.path}` };
  }
  /** The page posts a message, as its script would. */
  post(message: unknown): void {
    this.received.fire(message);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  private readonly disposing = new EventEmitter<void>();
  readonly onDidDispose = this.disposing.event;
  revealed = 0;
  disposed = false;

  constructor(
    readonly viewType: string,
    readonly title: string,
    readonly options: vscode.WebviewPanelOptions & vscode.WebviewOptions,
  ) {}

  reveal(): void {
    this.revealed++;
  }
  /** Closed by the extension, or by the user closing the tab: the same event. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposing.fire();
  }
}

/** What the panel helper opens its panels with: every panel opened, in order. */
export class FakePanelWindow {
  readonly opened: FakeWebviewPanel[] = [];

  createWebviewPanel(viewType: string, title: string, _column: unknown, options: vscode.WebviewPanelOptions & vscode.WebviewOptions): vscode.WebviewPanel {
    const panel = new FakeWebviewPanel(viewType, title, options);
    this.opened.push(panel);
    return panel as unknown as vscode.WebviewPanel;
  }
}
