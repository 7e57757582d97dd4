// IAM Identity Center, as the emulator speaks it: SSO OIDC (service sso-oauth) and the SSO portal
// (service awsssoportal), both REST-JSON and unsigned, as the AWS CLI and SDKs use them:
//
//   POST /client/register        RegisterClient: a public client, with its redirect URIs and grants
//   GET  /authorize              the authorization endpoint: a login page, then back to the
//                                client's redirect URI with a code (PKCE S256 required)
//   POST /device_authorization   StartDeviceAuthorization: a device code and a user code
//   GET  /device                 where the user enters the user code (a login page; a login
//                                the test queued approves the code in the link at once)
//   POST /token                  CreateToken: authorization_code (PKCE checked), refresh_token
//                                (rotated), device_code (pending until approved)
//   GET  /assignment/accounts    ListAccounts             (x-amz-sso_bearer_token)
//   GET  /assignment/roles       ListAccountRoles
//   GET  /federation/credentials GetRoleCredentials: keys from the emulator's own STS
//
// Users, their accounts and permission sets are seeded; the next login can be decided by the
// test (a user, or declined), else the login page waits for a person.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from './sigv4';
import type { IssuedKey, StsService } from './sts';

export interface SsoUser {
  readonly userName: string;
  readonly password?: string;
  /** Account ID -> account name and the permission sets (role names) the user may use there. */
  readonly accounts: Readonly<Record<string, { readonly name: string; readonly roles: readonly string[] }>>;
}

export interface SsoInstance {
  readonly startUrl: string;
  readonly region: string;
  readonly users: readonly SsoUser[];
}

interface Client {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: number;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
}

interface Grant {
  readonly user: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
}

export type SsoLoginDecision = { readonly action: 'login'; readonly user: string } | { readonly action: 'deny' };

/** An error of SSO OIDC's shape: `error` and `error_description` in the body, its type in a header. */
export class OidcError extends AwsError {
  constructor(status: number, code: string, readonly oauthError: string, description: string) {
    super(status, code, description);
  }
}

const ACCESS_TOKEN_SECONDS = 8 * 3600;
const DEVICE_CODE_SECONDS = 600;
/** How long a registration lives (the real service: 90 days). */
export const REGISTRATION_SECONDS = 90 * 86_400;

function token(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

function html(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class SsoService {
  readonly instances: SsoInstance[] = [];
  readonly clients = new Map<string, Client>();
  private readonly codes = new Map<string, Grant & { redirectUri: string; challenge: string }>();
  private readonly devices = new Map<string, { clientId: string; userCode: string; expiresAt: number; approvedBy?: string; denied?: boolean }>();
  private readonly accessTokens = new Map<string, Grant & { expiresAt: number }>();
  private readonly refreshTokens = new Map<string, Grant>();
  /** Pending authorizations waiting at the login page: id -> where to send the browser back. */
  private readonly pending = new Map<string, { clientId: string; redirectUri: string; state: string; challenge: string; scopes: string[] }>();
  private decisions: SsoLoginDecision[] = [];
  /** Registrations expire this much sooner than they say (a fault: "expired registration"). */
  registrationsExpired = false;

  constructor(private readonly sts: StsService) {}

  queueLogin(decision: SsoLoginDecision): void {
    this.decisions.push(decision);
  }

  /** Every token of every user is refused from now on (an administrator ended the sessions). */
  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Every access token, refresh token, device code and client secret handed out in the run (resets keep them), for the secrets canary. */
  private readonly everIssued: string[] = [];

  issued(): string[] {
    return [...this.everIssued];
  }

  /** Between tests: everything but the client registrations, which the real service keeps for 90 days. */
  reset(): void {
    this.codes.clear();
    this.devices.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.pending.clear();
    this.decisions = [];
    this.registrationsExpired = false;
  }

  private user(name: string): SsoUser | undefined {
    for (const instance of this.instances) {
      const user = instance.users.find((u) => u.userName === name);
      if (user) return user;
    }
    return undefined;
  }

  registerClient(body: Record<string, unknown>, now: number): Record<string, unknown> {
    if (body.clientType !== 'public') throw new OidcError(400, 'InvalidClientMetadataException', 'invalid_client_metadata', 'Only public clients are supported.');
    if (typeof body.clientName !== 'string' || !body.clientName) throw new OidcError(400, 'InvalidRequestException', 'invalid_request', 'clientName is required.');
    const redirectUris = Array.isArray(body.redirectUris) ? (body.redirectUris as string[]) : [];
    if (redirectUris.some((u) => !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(u))) {
      throw new OidcError(400, 'InvalidRedirectUriException', 'invalid_redirect_uri', 'Redirect URIs must be loopback addresses.');
    }
    const client: Client = {
      clientId: token('cid-'),
      clientSecret: token('csecret-'),
      expiresAt: now + REGISTRATION_SECONDS * 1000,
      redirectUris,
      grantTypes: Array.isArray(body.grantTypes) ? (body.grantTypes as string[]) : ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      scopes: Array.isArray(body.scopes) ? (body.scopes as string[]) : [],
    };
    this.clients.set(client.clientId, client);
    this.everIssued.push(client.clientSecret);
    return { clientId: client.clientId, clientSecret: client.clientSecret, clientIdIssuedAt: Math.floor(now / 1000), clientSecretExpiresAt: Math.floor(client.expiresAt / 1000) };
  }

  private client(clientId: unknown, clientSecret: unknown, now: number): Client {
    const client = this.clients.get(String(clientId));
    if (!client || client.clientSecret !== clientSecret) throw new OidcError(401, 'InvalidClientException', 'invalid_client', 'Invalid client.');
    if (this.registrationsExpired || client.expiresAt <= now) throw new OidcError(401, 'InvalidClientException', 'invalid_client', 'Client registration has expired.');
    return client;
  }

  /** GET /authorize: the login page (or the queued decision at once). Answers with HTML or a redirect. */
  authorize(query: URLSearchParams, endpoint: string): { status: number; headers: Record<string, string>; body: string } {
    const client = this.clients.get(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client || !client.redirectUris.includes(redirectUri)) return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Invalid request</h1><p>Unknown client or redirect URI.</p>' };
    const challenge = query.get('code_challenge') ?? '';
    if (query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256' || !challenge) {
      return this.back(redirectUri, { error: 'invalid_request', error_description: 'PKCE with S256 is required.', state: query.get('state') ?? '' });
    }
    const id = randomUUID();
    this.pending.set(id, { clientId: client.clientId, redirectUri, state: query.get('state') ?? '', challenge, scopes: (query.get('scopes') ?? '').split(/[ ,]+/).filter(Boolean) });
    const decision = this.decisions.shift();
    if (decision) return this.decide(id, decision);
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><title>AWS access portal (emulated)</title><h1>Sign in to IAM Identity Center</h1>
<form method="post" action="${html(endpoint)}/authorize/${id}"><label>Username <input name="username" autofocus></label>
<label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`,
    };
  }

  /** POST /authorize/<id>: the login form submitted. */
  login(id: string, form: URLSearchParams): { status: number; headers: Record<string, string>; body: string } {
    const user = this.user(form.get('username') ?? '');
    if (!user || (user.password !== undefined && user.password !== form.get('password'))) {
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>Sign in to IAM Identity Center</h1><p>Wrong username or password.</p>' };
    }
    return this.decide(id, { action: 'login', user: user.userName });
  }

  private decide(id: string, decision: SsoLoginDecision): { status: number; headers: Record<string, string>; body: string } {
    const pending = this.pending.get(id);
    if (!pending) return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>This sign-in has expired.</h1>' };
    this.pending.delete(id);
    if (decision.action === 'deny') return this.back(pending.redirectUri, { error: 'access_denied', error_description: 'The user declined.', state: pending.state });
    const code = token('code-');
    this.codes.set(code, { user: decision.user, clientId: pending.clientId, redirectUri: pending.redirectUri, challenge: pending.challenge, scopes: pending.scopes });
    return this.back(pending.redirectUri, { code, state: pending.state });
  }

  private back(redirectUri: string, params: Record<string, string>): { status: number; headers: Record<string, string>; body: string } {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { status: 302, headers: { location: url.toString() }, body: '' };
  }

  startDeviceAuthorization(body: Record<string, unknown>, endpoint: string, now: number): Record<string, unknown> {
    const client = this.client(body.clientId, body.clientSecret, now);
    if (!this.instances.some((i) => i.startUrl === body.startUrl)) throw new OidcError(400, 'InvalidRequestException', 'invalid_request', 'Invalid start URL.');
    const deviceCode = token('device-');
    this.everIssued.push(deviceCode);
    const userCode = `${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}`.toUpperCase();
    this.devices.set(deviceCode, { clientId: client.clientId, userCode, expiresAt: now + DEVICE_CODE_SECONDS * 1000 });
    return { deviceCode, userCode, verificationUri: `${endpoint}/device`, verificationUriComplete: `${endpoint}/device?user_code=${userCode}`, expiresIn: DEVICE_CODE_SECONDS, interval: 1 };
  }

  /**
   * The browser opened the device page with `userCode` filled in: the login decided by the test
   * (queued) approves or declines it at once; else the page asks a person. True when decided.
   */
  devicePageOpened(userCode: string): boolean {
    const decision = this.decisions[0];
    if (!decision || !this.approveDevice(userCode, decision)) return false;
    this.decisions.shift();
    return true;
  }

  /** The user entered `userCode` and signed in (or declined). */
  approveDevice(userCode: string, decision: SsoLoginDecision): boolean {
    for (const device of this.devices.values()) {
      if (device.userCode !== userCode) continue;
      if (decision.action === 'deny') device.denied = true;
      else device.approvedBy = decision.user;
      return true;
    }
    return false;
  }

  createToken(body: Record<string, unknown>, now: number): Record<string, unknown> {
    const client = this.client(body.clientId, body.clientSecret, now);
    let grant: Grant;
    switch (body.grantType) {
      case 'authorization_code': {
        const code = this.codes.get(String(body.code));
        this.codes.delete(String(body.code));
        if (!code || code.clientId !== client.clientId || code.redirectUri !== body.redirectUri) throw new OidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid authorization code.');
        const challenge = createHash('sha256').update(String(body.codeVerifier ?? '')).digest('base64url');
        if (challenge !== code.challenge) throw new OidcError(400, 'InvalidGrantException', 'invalid_grant', 'PKCE verification failed.');
        grant = code;
        break;
      }
      case 'refresh_token': {
        const refresh = this.refreshTokens.get(String(body.refreshToken));
        if (!refresh || refresh.clientId !== client.clientId) throw new OidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid refresh token provided.');
        this.refreshTokens.delete(String(body.refreshToken));
        grant = refresh;
        break;
      }
      case 'urn:ietf:params:oauth:grant-type:device_code': {
        const device = this.devices.get(String(body.deviceCode));
        if (!device || device.clientId !== client.clientId) throw new OidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid device code provided.');
        if (device.expiresAt <= now) throw new OidcError(400, 'ExpiredTokenException', 'expired_token', 'Device code has expired.');
        if (device.denied) throw new OidcError(400, 'AccessDeniedException', 'access_denied', 'The user declined.');
        if (!device.approvedBy) throw new OidcError(400, 'AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending.');
        this.devices.delete(String(body.deviceCode));
        grant = { user: device.approvedBy, clientId: client.clientId, scopes: ['sso:account:access'] };
        break;
      }
      default:
        throw new OidcError(400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', 'Unsupported grant type.');
    }
    const accessToken = token('aoa-');
    const refreshToken = token('aor-');
    this.accessTokens.set(accessToken, { ...grant, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
    this.refreshTokens.set(refreshToken, grant);
    this.everIssued.push(accessToken, refreshToken);
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS, refreshToken };
  }

  private bearer(value: string | undefined, now: number): SsoUser {
    const grant = value ? this.accessTokens.get(value) : undefined;
    if (!grant || grant.expiresAt <= now) throw new AwsError(401, 'UnauthorizedException', 'Session token not found or invalid');
    const user = this.user(grant.user);
    if (!user) throw new AwsError(401, 'UnauthorizedException', 'Session token not found or invalid');
    return user;
  }

  listAccounts(bearer: string | undefined, now: number): Record<string, unknown> {
    const user = this.bearer(bearer, now);
    return { accountList: Object.entries(user.accounts).map(([accountId, a]) => ({ accountId, accountName: a.name, emailAddress: `aws+${accountId}@example.com` })) };
  }

  listAccountRoles(bearer: string | undefined, accountId: string, now: number): Record<string, unknown> {
    const user = this.bearer(bearer, now);
    const account = user.accounts[accountId];
    return { roleList: (account?.roles ?? []).map((roleName) => ({ roleName, accountId })) };
  }

  getRoleCredentials(bearer: string | undefined, accountId: string, roleName: string, now: number): Record<string, unknown> {
    const user = this.bearer(bearer, now);
    if (!user.accounts[accountId]?.roles.includes(roleName)) throw new AwsError(403, 'ForbiddenException', 'No access');
    const suffix = createHash('sha256').update(`${accountId}/${roleName}`).digest('hex').slice(0, 16);
    const roleArn = `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${roleName}_${suffix}`;
    const key: IssuedKey = this.sts.issueKey(roleArn, user.userName, user.userName, 3600);
    return { roleCredentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken, expiration: key.expiration.getTime() } };
  }
}
