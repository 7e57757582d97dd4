// The loopback credentials endpoint terminals read, in the AWS container-credentials format:
// AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:<port>/credentials, with
// AWS_CONTAINER_AUTHORIZATION_TOKEN sent verbatim in the Authorization header.
//
// It always serves the session's current keys, so a renewal reaches terminals (and running
// Claude Code sessions) without a relaunch, and signing out cuts every process off at once. The
// token is random, lives in memory only, changes with every session, and is compared in constant
// time. Only GET /credentials with the right token and a loopback Host header gets keys. Any OS
// user can connect, though: connections are capped and idle ones closed within seconds, so a
// flood of them wears out the endpoint, not the extension host's file descriptors.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCredentials } from '../aws/credentials';
import type { Log } from '../log';
import { limitConnections, type ConnectionLimit, type ConnectionLimits } from '../util/connectionLimit';

export const CREDENTIALS_PATH = '/credentials';

export type EndpointLimits = Pick<ConnectionLimits, 'max' | 'idleMs'>;

/**
 * Terminals and the Claude Code sessions in them each ask with one short request (50 at once
 * are answered in a few milliseconds): 128 open connections leave room for many times that, and
 * a client that has not sent its request 2 s after connecting (or 2 s after its last answer)
 * is not one of them.
 */
export const ENDPOINT_LIMITS: EndpointLimits = { max: 128, idleMs: 2_000 };

/** The session's current keys; undefined when there is no session. */
export type CredentialSource = () => Promise<AwsCredentials | undefined>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class CredentialsEndpoint {
  private token = newToken();
  private tokenDigest = digest(this.token);
  private port = 0;
  private readonly server: http.Server;
  /** The last answer's body, kept while the keys are the same (most requests). */
  private body: { keys: AwsCredentials; text: string } | undefined;

  private readonly connections: ConnectionLimit;

  private constructor(
    private readonly source: CredentialSource,
    private readonly log: Log,
    private readonly refusal: () => string | undefined,
    limits: EndpointLimits,
  ) {
    this.server = http.createServer();
    this.server.headersTimeout = 5_000;
    this.server.requestTimeout = 10_000;
    this.server.maxHeadersCount = 50;
    // Any OS user can connect: a flood of idle connections must cost the endpoint, not the
    // extension host's file descriptors (see connectionLimit.ts).
    this.connections = limitConnections(this.server, {
      ...limits,
      onFull: (open) => log.warn(`The terminal credentials endpoint has ${open} connections open, its most: the longest idle ones are closed for new ones.`),
    });
    this.server.on('request', (req, res) => void this.handle(req, res));
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** `refusal`: why no keys are handed out although signed in (the quota gate), if so. */
  static async start(
    source: CredentialSource,
    log: Log,
    refusal: () => string | undefined = () => undefined,
    limits: EndpointLimits = ENDPOINT_LIMITS,
  ): Promise<CredentialsEndpoint> {
    const endpoint = new CredentialsEndpoint(source, log, refusal, limits);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(0, '127.0.0.1', () => {
        endpoint.server.off('error', reject);
        resolve();
      });
    });
    endpoint.port = (endpoint.server.address() as AddressInfo).port;
    log.redact(endpoint.token);
    return endpoint;
  }

  get uri(): string {
    return `http://127.0.0.1:${this.port}${CREDENTIALS_PATH}`;
  }

  /** Connections open now (at most ENDPOINT_LIMITS.max). */
  get openConnections(): number {
    return this.connections.open;
  }

  get authorizationToken(): string {
    return this.token;
  }

  /** A new token: terminals holding the old one get 403 from now on. */
  rotate(): void {
    this.token = newToken();
    this.tokenDigest = digest(this.token);
    this.log.redact(this.token);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => {
      if (res.headersSent) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) return answer(403, { message: 'Forbidden.' });
    if ((req.url ?? '').split('?')[0] !== CREDENTIALS_PATH) return answer(404, { message: 'Not found.' });
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return answer(405, { message: 'Method not allowed.' });
    }
    const presented = req.headers.authorization;
    if (!presented) return answer(401, { message: 'Authorization required.' });
    if (!timingSafeEqual(digest(presented), this.tokenDigest)) return answer(403, { message: 'Forbidden.' });
    try {
      const keys = await this.source();
      if (!keys) {
        this.body = undefined;
        const refused = this.refusal();
        if (refused) return answer(403, { code: 'QuotaExceeded', message: refused });
        return answer(404, { message: 'Not signed in to Claude Code on Amazon Bedrock. Run "Claude Bedrock: Sign In" in VS Code.' });
      }
      if (this.body?.keys !== keys) {
        this.body = {
          keys,
          text: JSON.stringify({ AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, Token: keys.sessionToken, Expiration: keys.expiration }),
        };
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(this.body.text) });
      res.end(this.body.text);
      return;
    } catch (error) {
      this.log.error('Serving credentials to a terminal failed', error);
      return answer(500, { message: 'The credentials could not be read.' });
    }
  }

  dispose(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}
