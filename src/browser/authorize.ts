// The browser part of a sign-in: listen on the fixed loopback port, open the authorization URL
// in the user's browser, wait (cancellable, with a deadline) for the IdP to send the browser
// back to /callback, and check that the answer belongs to this sign-in (state). The flow then
// exchanges the code and answers the browser's page with how it ended.
//
//   listen on 127.0.0.1:<port> -> the flow builds the authorization request -> open it ->
//   wait for /callback -> check state -> (the flow: exchange, AWS) -> respond to the page
import type { Clock } from '../util/clock';
import { cancelled, portInUse, stateMismatch, timedOut } from '../errors/signIn';
import { unexpected } from '../errors/failure';
import type { Log } from '../log';
import { CallbackServer, type PageContent, type PendingCallback, type RenderPage } from './loopback';

/** What a sign-in needs of the editor to reach the user's browser. */
export interface BrowserUi {
  /** Opens `url` in the user's browser; false when none could be opened. */
  open(url: string): Promise<boolean>;
  /** How the browser reaches `uri` on this machine (a remote window forwards the port). */
  reachable(uri: string): Promise<string>;
  /** Says that no browser opened, with a button that copies `url`. */
  cannotOpen(url: string): void;
}

export interface AuthorizeOptions {
  readonly port: number;
  readonly timeoutSeconds: number;
  readonly signal: AbortSignal;
  readonly progress: (message: string) => void;
  readonly ui: BrowserUi;
  readonly render: RenderPage;
  readonly log: Log;
  readonly clock: Clock;
  /** Who the browser goes to, for the log. */
  readonly destination: string;
  /** The authorization request for the redirect URI the loopback server listens at. */
  readonly request: (redirectUri: string) => Promise<{ readonly url: string; readonly state: string }>;
}

/** What a flow keeps for its browser step: the editor's browser, the page, the log and the clock. */
export interface BrowserParts {
  readonly browser: BrowserUi;
  readonly renderPage: () => RenderPage;
  readonly log: Log;
  readonly clock: Clock;
}

/** One browser step's options: the flow's parts, the run's cancel and progress, and the step's own. */
export function browserStep(
  parts: BrowserParts,
  run: { readonly signal: AbortSignal; progress(message: string): void },
  step: Pick<AuthorizeOptions, 'port' | 'timeoutSeconds' | 'destination' | 'request'>,
): AuthorizeOptions {
  return { ...step, signal: run.signal, progress: (message) => run.progress(message), ui: parts.browser, render: parts.renderPage(), log: parts.log, clock: parts.clock };
}

/** The browser came back with an answer for this sign-in; its page waits for `respond`. */
export interface Authorized {
  /** The redirect URI with the answer's query: what the flow exchanges. */
  readonly callbackUrl: URL;
  respond(page: PageContent): void;
}

/** Runs the browser part of a sign-in, then `finish` with the answer; the page shows how it ended. */
export async function authorizeInBrowser<T>(options: AuthorizeOptions, finish: (authorized: Authorized) => Promise<T>): Promise<T> {
  const { log, progress, signal } = options;
  let server: CallbackServer;
  try {
    server = await CallbackServer.start(options.port, options.render);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portInUse(options.port, error);
    throw unexpected(error);
  }
  try {
    await forwardForRemote(server.redirectUri, options.ui, log);
    const request = await options.request(server.redirectUri);
    if (signal.aborted) throw cancelled();

    progress('Finish signing in in your browser…');
    log.info(`Opening the browser at ${options.destination} (authorization code with PKCE S256, redirect ${server.redirectUri}).`);
    // Not awaited before waiting for the callback: the browser may come back before it resolves.
    void options.ui.open(request.url).then(
      (opened) => {
        if (opened) return;
        // No browser could be opened (a remote machine, a locked-down desktop): the user can
        // open the link themselves while the sign-in keeps waiting.
        log.warn('VS Code could not open a browser for the sign-in.');
        progress('Open the sign-in link in your browser…');
        options.ui.cannotOpen(request.url);
      },
      (error: unknown) => log.error('Opening the browser failed', error),
    );
    const callback = await waitForCallback(server, signal, options.timeoutSeconds, options.clock);
    log.info('The browser came back from the identity provider; checking the sign-in.');
    try {
      if (callback.url.searchParams.get('state') !== request.state) throw stateMismatch();
      progress('Checking your sign-in…');
      return await finish({ callbackUrl: callback.url, respond: (page) => callback.respond(page) });
    } catch (error) {
      const failure = unexpected(error);
      callback.respond({ ok: false, title: 'Sign-in failed', message: failure.message });
      throw failure;
    }
  } finally {
    server.close();
  }
}

/**
 * When the extension runs on a remote host, asks VS Code to forward the loopback port so the
 * browser on the user's machine reaches it. The IdP still redirects to the registered
 * http://127.0.0.1:<port>/callback; a forward to another port or host cannot work with an exact
 * redirect URI, so that case is logged for the platform team.
 */
async function forwardForRemote(redirectUri: string, ui: BrowserUi, log: Log): Promise<void> {
  try {
    const reachable = await ui.reachable(redirectUri);
    if (reachable !== redirectUri) {
      log.warn(`This window reaches ${redirectUri} as ${reachable}. The identity provider redirects to ${redirectUri}; if the browser cannot open it, forward that port to this machine.`);
    }
  } catch (error) {
    log.warn(`Could not ask VS Code to forward the sign-in port: ${String(error)}`);
  }
}

function waitForCallback(server: CallbackServer, signal: AbortSignal, timeoutSeconds: number, clock: Clock): Promise<PendingCallback> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => finish(() => reject(cancelled()));
    const timer = clock.setTimeout(() => finish(() => reject(timedOut(timeoutSeconds))), timeoutSeconds * 1000);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void server.next().then((callback) => finish(() => resolve(callback)));
  });
}
