// One webview panel of the extension, as every view has it: at most one open, brought forward
// when shown again, closed with its owner, and its page drawn afresh on each render with a new
// nonce (webviewPage.ts writes the page and its Content-Security-Policy). A scripted page may
// load only its files in media/, and what it posts is checked against the shapes it sends before
// the view hears of it: anything else is counted, logged and dropped. A page of command links
// runs no script, loads no file, and its links may run only the commands it names.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { PageSource, WebviewFiles } from './webviewPage';

/** What a panel is opened with: VS Code's window (a fake in unit tests). */
export type PanelWindow = Pick<typeof vscode.window, 'createWebviewPanel'>;

interface PanelSpec<Files extends PageSource> {
  readonly viewType: string;
  readonly title: string;
  /** The page as it is now; drawn when the panel opens and on every render. */
  readonly page: (files: Files) => string;
  /** Runs when the open panel closes: closed by the user, by its owner, or replaced by open(). */
  readonly onClose?: () => void;
  readonly window?: PanelWindow;
}

export interface ScriptedSpec<M> extends PanelSpec<WebviewFiles> {
  /** The folder of the page's files (media/): the only files it may load. */
  readonly media: vscode.Uri;
  /** The page's script and stylesheet, by name in media/. */
  readonly script: string;
  readonly style: string;
  /** The page's name in the log line about a dropped message ("the usage dashboard"). */
  readonly name: string;
  readonly log: Pick<Log, 'warn'>;
  /** The messages the page sends; anything else is dropped. */
  readonly accepts: (message: unknown) => message is M;
  readonly onMessage: (message: M) => void;
}

export interface LinksSpec extends PanelSpec<PageSource> {
  /** The commands the page's links may run. */
  readonly commands: readonly string[];
}

type WebviewSetUp = vscode.WebviewPanelOptions & vscode.WebviewOptions;

export class Panel<Files extends PageSource> implements vscode.Disposable {
  private current: vscode.WebviewPanel | undefined;
  /** Messages dropped for their shape (for the extension's tests). */
  dropped = 0;

  /** A page with one script and one stylesheet from media/, whose messages are checked. */
  static scripted<M>(spec: ScriptedSpec<M>): Panel<WebviewFiles> {
    const file = (webview: vscode.Webview, name: string) => webview.asWebviewUri(vscode.Uri.joinPath(spec.media, name)).toString();
    const panel: Panel<WebviewFiles> = new Panel(
      spec,
      { enableScripts: true, localResourceRoots: [spec.media] },
      (webview, source) => ({ ...source, scriptUri: file(webview, spec.script), styleUri: file(webview, spec.style) }),
      (message) => {
        if (!spec.accepts(message)) {
          panel.dropped++;
          spec.log.warn(`A message of unknown shape from ${spec.name} was dropped.`);
          return;
        }
        spec.onMessage(message);
      },
    );
    return panel;
  }

  /** A page without script whose links run the commands it names, and nothing else. */
  static links(spec: LinksSpec): Panel<PageSource> {
    return new Panel(spec, { enableScripts: false, enableCommandUris: [...spec.commands], localResourceRoots: [] }, (_, source) => source);
  }

  private constructor(
    private readonly spec: PanelSpec<Files>,
    private readonly setUp: WebviewSetUp,
    private readonly files: (webview: vscode.Webview, source: PageSource) => Files,
    private readonly receive?: (message: unknown) => void,
  ) {}

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The page's HTML as shown now (for the extension's tests). */
  get html(): string | undefined {
    return this.current?.webview.html;
  }

  /** Brings the open panel forward, or opens one with the page drawn. */
  show(): void {
    if (this.current) this.current.reveal();
    else this.open();
  }

  /** Opens a new panel with the page drawn; the open one, if any, closes first. */
  open(): void {
    this.close();
    const panel = (this.spec.window ?? vscode.window).createWebviewPanel(this.spec.viewType, this.spec.title, vscode.ViewColumn.Active, this.setUp);
    this.current = panel;
    if (this.receive) panel.webview.onDidReceiveMessage(this.receive);
    // Closed by the user; close() has already said so for a panel it closed.
    panel.onDidDispose(() => {
      if (this.current !== panel) return;
      this.current = undefined;
      this.spec.onClose?.();
    });
    this.render();
  }

  /** Draws the page again in the open panel, with a new nonce; nothing when it is closed. */
  render(): void {
    const webview = this.current?.webview;
    if (!webview) return;
    webview.html = this.spec.page(this.files(webview, { cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64') }));
  }

  close(): void {
    const panel = this.current;
    if (!panel) return;
    this.current = undefined;
    panel.dispose();
    this.spec.onClose?.();
  }

  dispose(): void {
    this.close();
  }
}
