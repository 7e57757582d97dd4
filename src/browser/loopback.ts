// The loopback server the IdP redirects the browser to: http://127.0.0.1:<port>/callback.
//
// Rules learnt the hard way by others before us:
// - Browsers ask for /favicon.ico (and other things) first: those get a 404 and the server keeps
//   waiting. Only GET /callback carrying `code` or `error` can end the wait.
// - Any web page can send the browser here, so an answer ends the wait only when it is this
//   sign-in's (answer.ts: its state, its issuer); every other one gets a page saying so, and the
//   sign-in keeps waiting. A page under another name (DNS rebinding) is refused before that.
// - The port is fixed because Okta and Entra register exact redirect URIs; a second sign-in on the
//   same port fails to listen (EADDRINUSE) instead of racing the first.
// - The browser's callback request is held open until the sign-in has finished, so the page it
//   shows can say whether it worked; the idle limit that drops stalled clients does not apply to it.
// This module is only transport: the flow exchanges the code.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { judge, type EarlierStates, type Expected, type Refusal } from './answer';

export const CALLBACK_PATH = '/callback';

export interface PageContent {
  readonly ok: boolean;
  readonly title: string;
  readonly message: string;
}

export type RenderPage = (page: PageContent) => string;

/** A callback request the browser is waiting on. */
export interface PendingCallback {
  /** The redirect URI with the request's query: what openid-client checks and exchanges. */
  readonly url: URL;
  /** Sends the page the browser shows, and ends the request. */
  respond(page: PageContent): void;
}

export interface CallbackServerOptions {
  /** Hears each answer refused as not this sign-in's. */
  readonly onRefused?: (refusal: Refusal) => void;
  /** States of earlier sign-ins, so an old tab's answer is told as such. */
  readonly earlier?: EarlierStates;
  /** A client idle this long (before its request is whole, or between requests) is dropped. */
  readonly idleMs?: number;
  /** Connections held at once, at most; more are closed as they come. */
  readonly maxConnections?: number;
}

const IDLE_MS = 10_000;
/**
 * A browser opens a handful of connections to one port, so this never holds up a sign-in; a
 * program flooding the port with idle connections costs it these, not the extension host's
 * file descriptors (every extension of the window shares them).
 */
const MAX_CONNECTIONS = 256;

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  Connection: 'close',
} as const;

/** The page an answer that is not this sign-in's gets. Names nothing it was sent. */
const NOT_THIS: PageContent = {
  ok: false,
  title: 'Not this sign-in',
  message: 'This answer does not belong to the sign-in VS Code is waiting for, so VS Code ignored it. If you are signing in, finish in the tab VS Code opened.',
};
const REFUSED: Record<Refusal, PageContent> = {
  noState: NOT_THIS,
  otherState: NOT_THIS,
  earlierSignIn: {
    ok: false,
    title: 'An earlier sign-in',
    message: 'This tab belongs to an earlier sign-in, which has ended. VS Code is waiting for the tab its latest sign-in opened; you can close this one.',
  },
  noIssuer: {
    ok: false,
    title: 'Not from your identity provider',
    message: 'This answer does not name the identity provider VS Code signs in with, so VS Code ignored it. If you are signing in, finish in the tab VS Code opened.',
  },
  otherIssuer: {
    ok: false,
    title: 'Not from your identity provider',
    message: 'This answer comes from another identity provider than the one VS Code signs in with, so VS Code ignored it. If you are signing in, finish in the tab VS Code opened.',
  },
};

export class CallbackServer {
  private readonly waiters: ((callback: PendingCallback) => void)[] = [];
  private readonly queued: PendingCallback[] = [];
  private taken = false;
  private expected: Expected | undefined;

  private boundPort = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly render: RenderPage,
    private readonly options: CallbackServerOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  /** The redirect URI registered at the IdP. */
  get redirectUri(): string {
    return `http://127.0.0.1:${this.boundPort}${CALLBACK_PATH}`;
  }

  /** Listens on 127.0.0.1:port. Rejects with the listen error (EADDRINUSE when taken). */
  static start(port: number, render: RenderPage, options: CallbackServerOptions = {}): Promise<CallbackServer> {
    const idleMs = options.idleMs ?? IDLE_MS;
    const server = http.createServer();
    server.headersTimeout = idleMs;
    server.requestTimeout = idleMs + 5_000;
    server.keepAliveTimeout = 0;
    server.maxHeadersCount = 100;
    server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
    // Stalled clients (even before a complete request line) are dropped after `idleMs` idle: a
    // page holding connections open costs it the connections, never the sign-in.
    server.setTimeout(idleMs, (socket) => socket.destroy());
    const callbackServer = new CallbackServer(server, render, options);
    server.on('request', (req, res) => callbackServer.handle(req, res));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        server.off('error', reject);
        callbackServer.boundPort = (server.address() as AddressInfo).port;
        resolve(callbackServer);
      });
    });
  }

  /** What this sign-in's answer carries; until it is set, no answer is taken. */
  expect(expected: Expected): void {
    this.expected = expected;
  }

  /** Resolves with this sign-in's answer (one carrying `code` or `error`, its state and issuer). */
  next(): Promise<PendingCallback> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.boundPort}` && host !== `localhost:${this.boundPort}`) {
      return this.plain(res, 421, 'Misdirected request.');
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', this.redirectUri);
    } catch {
      return this.plain(res, 400, 'Bad request.');
    }
    if (url.pathname !== CALLBACK_PATH) return this.plain(res, 404, 'Not found.');
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return this.plain(res, 405, 'Method not allowed.');
    }
    const params = url.searchParams;
    if (!params.has('code') && !params.has('error')) {
      return this.page(res, 400, {
        ok: false,
        title: 'Nothing to do here',
        message: 'This address is where your identity provider sends you back after signing in. Start the sign-in from VS Code.',
      });
    }
    const refusal = judge(params, this.expected, this.options.earlier);
    if (refusal) {
      this.options.onRefused?.(refusal);
      return this.page(res, 400, REFUSED[refusal]);
    }
    if (this.taken) {
      return this.page(res, 409, {
        ok: false,
        title: 'Sign-in already answered',
        message: 'This sign-in was already completed in another tab. You can close this one.',
      });
    }
    this.taken = true;
    // This sign-in's own request: held until the flow answers it, however long that takes.
    req.socket.setTimeout(0);

    const callbackUrl = new URL(this.redirectUri);
    callbackUrl.search = url.search;
    let answered = false;
    const pending: PendingCallback = {
      url: callbackUrl,
      respond: (page) => {
        if (answered) return;
        answered = true;
        this.page(res, page.ok ? 200 : 400, page);
      },
    };
    const waiter = this.waiters.shift();
    if (waiter) waiter(pending);
    else this.queued.push(pending);
  }

  private plain(res: http.ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  }

  private page(res: http.ServerResponse, status: number, page: PageContent): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(this.render(page));
  }
}
