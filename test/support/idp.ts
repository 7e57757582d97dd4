// The test identity provider: a real OpenID Provider (oidc-provider) on 127.0.0.1.
//
// - Issuer with a path and a trailing slash (like Auth0): http://127.0.0.1:<port>/tenant/
// - One public, native client: PKCE required, loopback redirect on any port, refresh tokens.
// - ID tokens carry email, name, department and groups.
// - A control API under /__idp/ lets tests decide the next login (as a user, or declined),
//   tamper with the next answer (ID token claims, callback state), revoke refresh tokens, and
//   list every token issued (for the secrets canary).
// With no decision queued, the browser sees the IdP's own login form (the sandbox uses it).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';

export const CLIENT_ID = 'claude-code-bedrock';
/** A client the IdP knows but IAM does not (its tokens' audience is not registered in AWS). */
export const UNREGISTERED_CLIENT_ID = 'unregistered-app';
/** A client registered with another redirect path than the extension's: the IdP refuses its sign-ins (invalid_redirect_uri). */
export const OTHER_REDIRECT_CLIENT_ID = 'other-redirect-app';

// oidc-provider reminds on the console that this is a development setup (in-memory adapter,
// built-in login pages): true of a test IdP, and noise in the test report.
for (const level of ['info', 'warn'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    original(...args);
  };
}
export const ISSUER_PATH = '/tenant/';

export interface TestUser {
  readonly sub: string;
  readonly email?: string;
  readonly name: string;
  readonly department?: string;
  readonly groups: readonly string[];
  readonly team?: string;
  readonly costCenter?: string;
}

/** Many long group names: an ID token well over 4 KB. */
const MANY_GROUPS = Array.from({ length: 120 }, (_, i) => `engineering-platform-claude-code-users-region-${String(i).padStart(3, '0')}`);

export const USERS: Readonly<Record<string, TestUser>> = {
  alice: {
    sub: 'alice',
    email: 'alice@example.com',
    name: 'Alice Example',
    department: 'Platform Engineering',
    groups: ['developers', 'claude-users'],
    team: 'claude-platform',
    costCenter: 'CC-1042',
  },
  // No email claim, and a subject with characters STS does not allow in a session name.
  bob: { sub: 'auth0|bob:7f3a', name: 'Bob Nomail', department: 'Research', groups: ['developers'] },
  carol: { sub: 'carol', email: 'carol@example.com', name: 'Carol Manygroups', department: 'Data', groups: MANY_GROUPS },
  demo: { sub: 'demo', email: 'demo@example.com', name: 'Demo Developer', department: 'Engineering', groups: ['developers'] },
  overquota: { sub: 'overquota', email: 'overquota@example.com', name: 'Olive Overquota', department: 'Engineering', groups: ['developers'] },
  // No email, and a name an attacker chose: a command link, an icon, HTML and backticks.
  mallory: {
    sub: 'mallory',
    name: 'Mallory $(loading~spin) [Sign in again](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D) <img src=x onerror=alert(1)> `rm -rf ~`',
    groups: ['developers'],
  },
};

/** What happens at the next authorization request. */
export type LoginDecision =
  | { readonly action: 'login'; readonly user: string }
  | { readonly action: 'deny' }
  /** Show the login form and leave it there: a user who never finishes. */
  | { readonly action: 'wait' };

/** One-shot changes to the IdP's next answers, so tests meet what misconfigured IdPs send. */
export interface IdpFaults {
  /** Re-sign the next ID token from the token endpoint with this claim made wrong. */
  idToken?: 'iss' | 'aud' | 'exp' | 'nonce';
  /** Send the browser back with a different `state` at the next callback. */
  tamperState?: boolean;
  /** Answer the next token request with this HTTP status and a body that is not JSON. */
  tokenStatus?: number;
  /** Answer the next discovery request with this HTTP status. */
  discoveryStatus?: number;
  /** Answer the next refresh_token grant as an expired refresh token (invalid_grant). */
  refreshExpired?: boolean;
  /** Answer the next token request with this HTTP status and this OAuth error (a busy IdP: 429 temporarily_unavailable). */
  tokenError?: { readonly status: number; readonly error: string };
  /** Never answer the next discovery or token request: it stays open until the client gives up. */
  hang?: 'discovery' | 'token';
  /** The IdP's clock is this far ahead (negative: behind): ID tokens carry its times. Until reset. */
  clockSkewSeconds?: number;
  /** Its Date header is this far ahead (negative: behind), as a skewed server's is. Until reset. */
  dateSkewSeconds?: number;
}

export interface IssuedTokens {
  readonly idTokens: string[];
  readonly accessTokens: string[];
  readonly refreshTokens: string[];
}

export interface Idp {
  readonly issuer: string;
  readonly origin: string;
  readonly port: number;
  readonly clientId: string;
  readonly issued: IssuedTokens;
  queueLogin(decision: LoginDecision): void;
  setFaults(faults: IdpFaults): void;
  revokeRefreshTokens(): Promise<number>;
  /** Authorization requests seen (their query parameters), newest last. */
  readonly authorizations: Record<string, string>[];
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A confidential client a server registers (the Claude apps gateway): its secret and callbacks. */
export interface ServerClient {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
}

export async function startIdp(options: { port?: number; serverClients?: readonly ServerClient[] } = {}): Promise<Idp> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: `test-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${ISSUER_PATH}`;

  const configuration: Configuration = {
    clients: [CLIENT_ID, UNREGISTERED_CLIENT_ID, OTHER_REDIRECT_CLIENT_ID].map((client_id) => ({
      client_id,
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: [client_id === OTHER_REDIRECT_CLIENT_ID ? 'http://127.0.0.1/oauth/other-callback' : 'http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'department', 'groups', 'team', 'cost_center'],
    },
    conformIdTokenClaims: false,
    issueRefreshToken: async () => true,
    rotateRefreshToken: true,
    jwks: { keys: [jwk] as never },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    ttl: { IdToken: 3600, AccessToken: 3600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 24 * 3600, Interaction: 600 },
    async findAccount(_ctx, id) {
      const user = Object.values(USERS).find((u) => u.sub === id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: user.sub,
            ...(user.email ? { email: user.email, email_verified: true } : {}),
            name: user.name,
            preferred_username: user.sub,
            ...(user.department ? { department: user.department } : {}),
            groups: [...user.groups],
            ...(user.team ? { team: user.team } : {}),
            ...(user.costCenter ? { cost_center: user.costCenter } : {}),
          };
        },
      };
    },
  };
  for (const c of options.serverClients ?? []) {
    const client: ClientMetadata = { ...c, redirect_uris: [...c.redirect_uris], token_endpoint_auth_method: 'client_secret_basic', application_type: 'native', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
    configuration.clients = [...(configuration.clients ?? []), client];
  }
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  const handle = provider.callback();

  const decisions: LoginDecision[] = [];
  let faults: IdpFaults = {};
  const issued: IssuedTokens = { idTokens: [], accessTokens: [], refreshTokens: [] };
  const authorizations: Record<string, string>[] = [];

  /** Requests the IdP never answers (a 'hang' fault), ended at reset. */
  const hung = new Set<http.ServerResponse>();
  function hang(res: http.ServerResponse): void {
    faults = { ...faults, hang: undefined };
    hung.add(res);
    res.once('close', () => hung.delete(res));
  }

  async function resign(idToken: string, claim: NonNullable<IdpFaults['idToken']> | 'skew'): Promise<string> {
    const claims = decodeJwt(idToken);
    if (claim === 'skew') {
      const skew = faults.clockSkewSeconds ?? 0;
      for (const time of ['iat', 'exp', 'auth_time', 'nbf'] as const) if (typeof claims[time] === 'number') claims[time] = (claims[time] as number) + skew;
    }
    if (claim === 'iss') claims.iss = `${origin}/another-tenant/`;
    if (claim === 'aud') claims.aud = 'some-other-client';
    if (claim === 'exp') {
      claims.iat = Math.floor(Date.now() / 1000) - 7200;
      claims.exp = Math.floor(Date.now() / 1000) - 3600;
    }
    if (claim === 'nonce') claims.nonce = 'not-the-nonce-that-was-sent';
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid!, typ: 'JWT' }).sign(privateKey);
  }

  /** Wraps the token endpoint's answer: records the tokens, applies one-shot faults. */
  function interceptToken(res: http.ServerResponse): void {
    const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
    res.end = ((chunk?: unknown) => {
      const text = chunk === undefined ? '' : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      void (async () => {
        let out = text;
        try {
          const body = JSON.parse(text) as Record<string, string>;
          const fault = faults.idToken;
          if (fault && body.id_token) {
            faults = { ...faults, idToken: undefined };
            body.id_token = await resign(body.id_token, fault);
            out = JSON.stringify(body);
          }
          if (faults.clockSkewSeconds && body.id_token) {
            body.id_token = await resign(body.id_token, 'skew');
            out = JSON.stringify(body);
          }
          if (body.id_token) issued.idTokens.push(body.id_token);
          if (body.access_token) issued.accessTokens.push(body.access_token);
          if (body.refresh_token) issued.refreshTokens.push(body.refresh_token);
        } catch {
          // Not JSON: an error page, passed on as it is.
        }
        if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
        end(out);
      })();
      return res;
    }) as typeof res.end;
  }

  /** Rewrites the `state` of the redirect to the client, once. */
  function interceptRedirect(res: http.ServerResponse): void {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = ((name: string, value: number | string | readonly string[]) => {
      if (name.toLowerCase() === 'location' && typeof value === 'string' && faults.tamperState && value.includes('state=')) {
        const url = new URL(value);
        if (url.hostname === '127.0.0.1' && url.pathname === '/callback') {
          faults = { ...faults, tamperState: false };
          url.searchParams.set('state', 'tampered-state-value');
          return setHeader(name, url.href);
        }
      }
      return setHeader(name, value);
    }) as typeof res.setHeader;
  }

  async function autoInteraction(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
      await provider.interactionFinished(req, res, { consent: { grantId: await grant!.save() } }, { mergeWithLastSubmission: true });
      return true;
    }
    const decision = decisions.shift();
    if (!decision || decision.action === 'wait') return false;
    if (decision.action === 'deny') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user declined the sign-in.' }, { mergeWithLastSubmission: false });
      return true;
    }
    const user = USERS[decision.user];
    if (!user) throw new Error(`unknown test user ${decision.user}`);
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    return true;
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = req.method === 'POST' ? await readBody(req) : '';
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    switch (`${req.method} ${path}`) {
      case 'POST /__idp/login':
        idp.queueLogin(json as unknown as LoginDecision);
        return send(200, { queued: decisions.length });
      case 'POST /__idp/faults':
        idp.setFaults(json as IdpFaults);
        return send(200, faults);
      case 'POST /__idp/revoke':
        return send(200, { revoked: await idp.revokeRefreshTokens() });
      case 'POST /__idp/reset':
        idp.reset();
        return send(200, {});
      case 'GET /__idp/issued':
        return send(200, issued);
      case 'GET /__idp/authorizations':
        return send(200, authorizations);
      case 'GET /__idp/queued':
        return send(200, { queued: decisions.length });
      default:
        return send(404, { error: 'no such control' });
    }
  }

  server.on('request', (req, res) => {
    if (faults.dateSkewSeconds) res.setHeader('date', new Date(Date.now() + faults.dateSkewSeconds * 1000).toUTCString());
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', origin);
        if (url.pathname.startsWith('/__idp/')) return await control(req, res, url.pathname);
        // Discovery of an issuer with a path lives under that path.
        if (url.pathname === `${ISSUER_PATH}.well-known/openid-configuration`) {
          if (faults.hang === 'discovery') return hang(res);
          if (faults.discoveryStatus) {
            const status = faults.discoveryStatus;
            faults = { ...faults, discoveryStatus: undefined };
            res.writeHead(status, { 'content-type': 'text/html' });
            return res.end('<html><body>Bad Gateway</body></html>');
          }
          req.url = '/.well-known/openid-configuration';
        }
        if (url.pathname === '/auth' && req.method === 'GET') {
          authorizations.push(Object.fromEntries(url.searchParams));
          // A queued decision is about a fresh login: forget the browser's earlier IdP session
          // (single sign-on would otherwise answer as the previous user without asking).
          if (decisions.length > 0) delete req.headers.cookie;
        }
        if (url.pathname === '/token' && req.method === 'POST' && faults.hang === 'token') return hang(res);
        if (url.pathname === '/token' && req.method === 'POST' && faults.refreshExpired) {
          // Set only while a refresh is the next token request (the tests see to that).
          const grant = new URLSearchParams(await readBody(req)).get('grant_type');
          faults = { ...faults, refreshExpired: false };
          res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          const error = grant === 'refresh_token' ? 'invalid_grant' : 'invalid_request';
          return res.end(JSON.stringify({ error, error_description: 'grant request is invalid' }));
        }
        if (url.pathname === '/token' && req.method === 'POST' && faults.tokenError) {
          const { status, error } = faults.tokenError;
          faults = { ...faults, tokenError: undefined };
          res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          return res.end(JSON.stringify({ error, error_description: 'try again later' }));
        }
        if (url.pathname === '/token' && req.method === 'POST') {
          if (faults.tokenStatus) {
            const status = faults.tokenStatus;
            faults = { ...faults, tokenStatus: undefined };
            res.writeHead(status, { 'content-type': 'text/html' });
            return res.end('<html><body>Service Unavailable</body></html>');
          }
          interceptToken(res);
        }
        if (url.pathname.startsWith('/auth')) interceptRedirect(res);
        const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
        if (interaction && req.method === 'GET' && (await autoInteraction(req, res))) return;
        handle(req, res);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`IdP harness error: ${(error as Error).message}`);
      }
    })();
  });

  const idp: Idp = {
    issuer,
    origin,
    port,
    clientId: CLIENT_ID,
    issued,
    authorizations,
    queueLogin(decision) {
      decisions.push(decision);
    },
    setFaults(next) {
      faults = { ...faults, ...next };
    },
    async revokeRefreshTokens() {
      let revoked = 0;
      for (const value of issued.refreshTokens) {
        const token = await provider.RefreshToken.find(value);
        if (token) {
          await token.destroy();
          revoked++;
        }
      }
      return revoked;
    },
    reset() {
      for (const res of hung) res.destroy();
      hung.clear();
      decisions.length = 0;
      authorizations.length = 0;
      faults = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return idp;
}
