// IAM Identity Center with @aws-sdk/client-sso-oidc and @aws-sdk/client-sso: a public client
// registered once (kept until it expires), the user's access token (authorization code with PKCE,
// or the device code), its refresh, and the role keys of an account and permission set.
//
// Its own bundle (dist/sso.js), loaded on first use and only by organisations on Identity Center:
// no vscode imports. Every call is unsigned: the client registration or the access token is the proof.
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { clientConfig, type AwsCredentials } from './credentials';

export interface SsoTarget {
  readonly region: string;
  /** SSO OIDC (`https://oidc.<region>.amazonaws.com`) or the portal (`https://portal.sso.<region>.amazonaws.com`). */
  readonly endpoint: string;
  readonly timeoutMs: number;
}

/** A registration of this extension as a public client of the Identity Center instance. */
export interface Registration {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** The redirect URI it was registered with (undefined: the device code only). */
  readonly redirectUri: string | undefined;
}

export interface SsoTokens {
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly refreshToken: string | undefined;
}

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly intervalSeconds: number;
}

export const SCOPE = 'sso:account:access';
const ATTEMPTS = 3;

function oidcClient(target: SsoTarget): SSOOIDCClient {
  const { credentials: _none, ...config } = clientConfig(target.region, target.endpoint, undefined, ATTEMPTS, target.timeoutMs);
  return new SSOOIDCClient(config);
}

function portalClient(target: SsoTarget): SSOClient {
  const { credentials: _none, ...config } = clientConfig(target.region, target.endpoint, undefined, ATTEMPTS, target.timeoutMs);
  return new SSOClient(config);
}

async function using<C extends { destroy(): void }, T>(client: C, work: (client: C) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

/** Registers a public client for the authorization code (with `redirectUri`) or the device code. */
export function registerClient(target: SsoTarget, input: { clientName: string; startUrl: string; redirectUri?: string }): Promise<Registration> {
  return using(oidcClient(target), async (oidc) => {
    const out = await oidc.send(
      new RegisterClientCommand({
        clientName: input.clientName,
        clientType: 'public',
        scopes: [SCOPE],
        ...(input.redirectUri
          ? { redirectUris: [input.redirectUri], grantTypes: ['authorization_code', 'refresh_token'], issuerUrl: input.startUrl }
          : { grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] }),
      }),
    );
    if (!out.clientId || !out.clientSecret) throw Object.assign(new Error('The registration holds no client.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    return { clientId: out.clientId, clientSecret: out.clientSecret, expiresAt: (out.clientSecretExpiresAt ?? 0) * 1000, redirectUri: input.redirectUri };
  });
}

/** The authorization endpoint's URL for a PKCE sign-in. */
export function authorizationUrl(target: SsoTarget, registration: Registration, state: string, codeChallenge: string): string {
  const url = new URL('/authorize', target.endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: registration.clientId,
    redirect_uri: registration.redirectUri ?? '',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    scopes: SCOPE,
  }).toString();
  return url.toString();
}

type Grant =
  | { readonly grantType: 'authorization_code'; readonly code: string; readonly codeVerifier: string }
  | { readonly grantType: 'refresh_token'; readonly refreshToken: string }
  | { readonly grantType: 'urn:ietf:params:oauth:grant-type:device_code'; readonly deviceCode: string };

export function createToken(target: SsoTarget, registration: Registration, grant: Grant, now: number): Promise<SsoTokens> {
  return using(oidcClient(target), async (oidc) => {
    const out = await oidc.send(
      new CreateTokenCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        ...grant,
        ...(grant.grantType === 'authorization_code' ? { redirectUri: registration.redirectUri } : {}),
      }),
    );
    if (!out.accessToken) throw Object.assign(new Error('The token answer holds no access token.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    return { accessToken: out.accessToken, expiresAt: now + (out.expiresIn ?? 3600) * 1000, refreshToken: out.refreshToken };
  });
}

export function startDeviceAuthorization(target: SsoTarget, registration: Registration, startUrl: string, now: number): Promise<DeviceAuthorization> {
  return using(oidcClient(target), async (oidc) => {
    const out = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl }));
    if (!out.deviceCode || !out.userCode || !out.verificationUri) throw Object.assign(new Error('The device answer is incomplete.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    return {
      deviceCode: out.deviceCode,
      userCode: out.userCode,
      verificationUri: out.verificationUri,
      verificationUriComplete: out.verificationUriComplete ?? out.verificationUri,
      expiresAt: now + (out.expiresIn ?? 600) * 1000,
      intervalSeconds: out.interval ?? 5,
    };
  });
}

export interface AccountChoice {
  readonly accountId: string;
  readonly accountName: string;
  readonly roles: readonly string[];
}

/** Every account the user may use, with its permission sets (all pages). */
export function listAccountsAndRoles(target: SsoTarget, accessToken: string): Promise<AccountChoice[]> {
  return using(portalClient(target), async (portal) => {
    const accounts: { accountId: string; accountName: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await portal.send(new ListAccountsCommand({ accessToken, nextToken }));
      for (const a of page.accountList ?? []) if (a.accountId) accounts.push({ accountId: a.accountId, accountName: a.accountName ?? a.accountId });
      nextToken = page.nextToken;
    } while (nextToken);
    const choices: AccountChoice[] = [];
    for (const account of accounts) {
      const roles: string[] = [];
      let next: string | undefined;
      do {
        const page = await portal.send(new ListAccountRolesCommand({ accessToken, accountId: account.accountId, nextToken: next }));
        for (const r of page.roleList ?? []) if (r.roleName) roles.push(r.roleName);
        next = page.nextToken;
      } while (next);
      choices.push({ ...account, roles });
    }
    return choices;
  });
}

export function getRoleCredentials(target: SsoTarget, accessToken: string, accountId: string, roleName: string): Promise<AwsCredentials> {
  return using(portalClient(target), async (portal) => {
    const out = await portal.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
      throw Object.assign(new Error('The answer holds no credentials.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    }
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration).toISOString() };
  });
}

/** Best effort at sign-out: ends the access token's session at Identity Center. */
export function logout(target: SsoTarget, accessToken: string): Promise<void> {
  return using(portalClient(target), async (portal) => {
    await portal.send(new LogoutCommand({ accessToken }));
  });
}
