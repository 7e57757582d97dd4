// What code-server puts in front of the VS Code server, reduced to what the harness needs: the
// workbench sends the browser to a loopback port of the remote side as /proxy/<port>/<path>
// (vscode.env.openExternal and asExternalUri do this for 127.0.0.1 URLs). Here browser and
// servers share one machine, so /proxy/<port>/ answers with a redirect to that port; everything
// else, WebSockets included, passes through to the VS Code server. Like code-server it also
// answers POST /mint-key, the server half of the key the web workbench seals SecretStorage with
// in the browser's localStorage (without it, secrets last only as long as the window).
//
// Who may talk to it: a request whose Host is not this address (127.0.0.1 or localhost, this
// port) is refused before anything else, whatever it carries (a page of another site reaching
// 127.0.0.1 through DNS rebinding sends its own name). What the proxy answers itself, and every
// WebSocket, needs the server's connection token; the server asks for it for the rest.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';

export interface FrontProxy {
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

const PROXY_PATH = /^\/proxy\/(\d{1,5})(\/[^?]*)?(\?.*)?$/;
/** The VS Code server's names for its connection token: the query parameter, and the cookie. */
const TOKEN_PARAM = 'tkn';
const TOKEN_COOKIE = 'vscode-tkn';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The connection token a request carries, in its query or its cookie. */
function presentedToken(req: http.IncomingMessage): string | undefined {
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get(TOKEN_PARAM);
  if (query) return query;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export async function startFrontProxy(targetPort: number, connectionToken: string, listenPort = 0): Promise<FrontProxy> {
  const sockets = new Set<net.Socket>();
  const serverKeyPart = randomBytes(32);
  const tokenDigest = digest(connectionToken);
  let port = 0;
  const ownHost = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const tokenMatches = (req: http.IncomingMessage) => {
    const presented = presentedToken(req);
    return presented !== undefined && timingSafeEqual(digest(presented), tokenDigest);
  };
  const server = http.createServer((req, res) => {
    if (!ownHost(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden.');
      return;
    }
    const ownAnswer = req.url === '/mint-key' || PROXY_PATH.test(req.url ?? '/');
    if (ownAnswer && !tokenMatches(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden.');
      return;
    }
    if (req.method === 'POST' && req.url === '/mint-key') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(serverKeyPart);
      return;
    }
    const match = PROXY_PATH.exec(req.url ?? '/');
    if (match) {
      const [, port, rest = '/', query = ''] = match;
      res.writeHead(302, { location: `http://127.0.0.1:${port}${rest}${query}` });
      res.end();
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    // The server itself asks for the token only in the connection's first message; the
    // workbench's WebSockets carry its cookie, so nobody without it gets that far here.
    if (!ownHost(req) || !tokenMatches(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const headers = Object.entries(req.headers).flatMap(([name, value]) =>
        Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : [`${name}: ${value ?? ''}`],
      );
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const s of [socket as net.Socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
