// OpenID Connect with openid-client: discovery, the authorization-code request with PKCE (S256),
// state and nonce, the code exchange and the refresh_token grant.
//
// This module is a separate bundle (dist/oidc.js) loaded on first use (src/bundles.ts), so it
// must not import vscode or the entry bundle's modules: it takes plain values and throws
// openid-client's own errors, which src/errors/explain.ts maps to messages.
import * as client from 'openid-client';

export interface DiscoverOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** Per-request timeout against the IdP, in seconds. */
  readonly timeoutSeconds: number;
  /** Allowed clock difference when checking ID token times, in seconds. */
  readonly clockToleranceSeconds: number;
}

/** One authorization request: what the browser opens and what the callback is checked against. */
export interface AuthorizationRequest {
  readonly url: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** The identity provider's issuer: an answer naming another (RFC 9207 `iss`) is not this sign-in's. */
  readonly issuer: string;
  /** It names itself in every answer (authorization_response_iss_parameter_supported). */
  readonly issuerInAnswers: boolean;
}

export interface IdTokens {
  readonly idToken: string;
  /** Absent when the IdP does not rotate (or issue) refresh tokens. */
  readonly refreshToken: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
  /** When the ID token expires, epoch milliseconds. */
  readonly idTokenExpiresAt: number;
}

export interface OidcClient {
  readonly issuer: string;
  authorizationRequest(redirectUri: string, scope: string): Promise<AuthorizationRequest>;
  exchange(callbackUrl: URL, request: AuthorizationRequest): Promise<IdTokens>;
  refresh(refreshToken: string): Promise<IdTokens | undefined>;
  /** Revokes a refresh token at sign-out, where the IdP offers revocation. */
  revoke(refreshToken: string): Promise<void>;
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]');
}

function toIdTokens(response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): IdTokens | undefined {
  const claims = response.claims();
  if (!response.id_token || !claims) return undefined;
  return {
    idToken: response.id_token,
    refreshToken: response.refresh_token,
    claims: { ...claims },
    idTokenExpiresAt: claims.exp * 1000,
  };
}

export async function discover(options: DiscoverOptions): Promise<OidcClient> {
  const issuerUrl = new URL(options.issuer);
  // Plain http is accepted only for an IdP on this machine (the sandbox and the tests).
  const execute = isLoopbackHttp(issuerUrl) ? [client.allowInsecureRequests] : [];
  const config = await client.discovery(
    issuerUrl,
    options.clientId,
    { [client.clockTolerance]: options.clockToleranceSeconds },
    client.None(),
    { execute, timeout: options.timeoutSeconds },
  );

  return {
    issuer: config.serverMetadata().issuer,

    async authorizationRequest(redirectUri, scope) {
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const metadata = config.serverMetadata();
      return { url: url.href, redirectUri, state, nonce, codeVerifier, issuer: metadata.issuer, issuerInAnswers: metadata.authorization_response_iss_parameter_supported === true };
    },

    async exchange(callbackUrl, request) {
      const response = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      const tokens = toIdTokens(response);
      if (!tokens) throw new TypeError('The token response has no ID token.');
      return tokens;
    },

    async refresh(refreshToken) {
      return toIdTokens(await client.refreshTokenGrant(config, refreshToken));
    },

    async revoke(refreshToken) {
      if (!config.serverMetadata().revocation_endpoint) return;
      await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    },
  };
}
