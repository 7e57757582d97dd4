// The browser part of a sign-in: listen on the fixed loopback port, open the authorization URL
// in the user's browser, wait (cancellable, with a deadline) for the IdP to send the browser
// back to /callback with this sign-in's answer (state, issuer: answer.ts); answers that are not
// its own are refused and logged, and the wait goes on. The flow then exchanges the code and
// answers the browser's page with how it ended.
//
//   listen on 127.0.0.1:<port> -> the flow builds the authorization request -> open it ->
//   wait for this sign-in's /callback -> (the flow: exchange, AWS) -> respond to the page
import type { Clock } from '../util/clock';
import { cancelled, portInUse, stateMismatch, timedOut } from '../errors/signIn';
import { unexpected } from '../errors/failure';
import type { Log } from '../log';
import { EarlierStates, type Refusal } from './answer';
import { CallbackServer, type PageContent, type PendingCallback, type RenderPage } from './loopback';

/** Refused answers logged one by one; past these, only counted (a flood must not flood the log). */
const LOGGED_REFUSALS = 5;
/** A sign-in still waiting after this long says where to look if the browser shows an error. */
const HINT_AFTER_MS = 30_000;

/** What the log says of each refused answer. Names nothing the answer carried. */
const REFUSAL_LOG: Record<Refusal, string> = {
  noState: 'it carries no state',
  otherState: "its state is not this sign-in's (another web page, or an identity provider that changes the state)",
  earlierSignIn: "its state is an earlier sign-in's (an old sign-in tab)",
  noIssuer: 'it does not name the identity provider, which names itself in every answer (iss)',
  otherIssuer: "it names another issuer (iss) than this sign-in's identity provider",
};

/** This window's earlier sign-ins, so that an old tab's answer is told apart from a stranger's. */
const earlierSignIns = new EarlierStates();

/** The authorization request a flow builds, and what its answer must carry. */
export interface AuthorizationRequest {
  readonly url: string;
  readonly state: string;
  /** The identity provider's issuer, checked when an answer names one (RFC 9207). */
  readonly issuer?: string;
  /** The identity provider names itself in every answer: one without `iss` is refused. */
  readonly issuerInAnswers?: boolean;
}

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
  readonly request: (redirectUri: string) => Promise<AuthorizationRequest>;
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
  const refused = { earlier: 0, other: 0 };
  const onRefused = (refusal: Refusal) => {
    const count = refused.earlier + refused.other;
    if (refusal === 'earlierSignIn') refused.earlier++;
    else refused.other++;
    if (count < LOGGED_REFUSALS) log.warn(`Refused an answer at the sign-in port: ${REFUSAL_LOG[refusal]}. The sign-in keeps waiting for its own.`);
    else if (count === LOGGED_REFUSALS) log.warn('Refusing more answers at the sign-in port that are not this sign-in\'s; they are counted, not logged.');
  };
  let server: CallbackServer;
  try {
    server = await CallbackServer.start(options.port, options.render, { onRefused, earlier: earlierSignIns });
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portInUse(options.port, error);
    throw unexpected(error);
  }
  let state: string | undefined;
  try {
    await forwardForRemote(server.redirectUri, options.ui, log);
    const request = await options.request(server.redirectUri);
    state = request.state;
    server.expect({ state: request.state, issuer: request.issuer, issuerInAnswers: request.issuerInAnswers });
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
    const timeoutSeconds = options.timeoutSeconds;
    const callback = await waitForCallback(server, { signal, clock: options.clock, timeoutMs: timeoutSeconds * 1000 }, {
      timedOut: () => (refused.earlier + refused.other > 0 ? stateMismatch(timeoutSeconds, refused) : timedOut(timeoutSeconds, server.redirectUri)),
      stillWaiting: () => progress('Still waiting for your browser… If its page shows an error, cancel and run Claude Bedrock: Diagnose.'),
    });
    if (refused.earlier + refused.other > LOGGED_REFUSALS) log.warn(`${refused.earlier + refused.other} answers in all were refused at the sign-in port before this sign-in's own.`);
    log.info('The browser came back from the identity provider; checking the sign-in.');
    try {
      progress('Checking your sign-in…');
      return await finish({ callbackUrl: callback.url, respond: (page) => callback.respond(page) });
    } catch (error) {
      const failure = unexpected(error);
      callback.respond({ ok: false, title: 'Sign-in failed', message: failure.message });
      throw failure;
    }
  } finally {
    server.close();
    if (state !== undefined) earlierSignIns.remember(state);
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

/** Waits for this sign-in's answer until cancelled or `timeoutMs`; says `stillWaiting` once on the way. */
function waitForCallback(
  server: CallbackServer,
  wait: { readonly signal: AbortSignal; readonly clock: Clock; readonly timeoutMs: number },
  say: { readonly timedOut: () => Error; readonly stillWaiting: () => void },
): Promise<PendingCallback> {
  const { signal, clock, timeoutMs } = wait;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      clock.clearTimeout(hint);
      signal.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => finish(() => reject(cancelled()));
    const timer = clock.setTimeout(() => finish(() => reject(say.timedOut())), timeoutMs);
    const hint = timeoutMs > HINT_AFTER_MS * 2 ? clock.setTimeout(() => say.stillWaiting(), HINT_AFTER_MS) : undefined;
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void server.next().then((callback) => finish(() => resolve(callback)));
  });
}
