// Fakes of the clients the web identity flow is given: the identity provider (what idp/oidc.ts
// offers over openid-client), STS (what aws/sts.ts offers over the AWS SDK), a browser that
// follows the authorization URL straight back to the loopback callback, as the IdP would, and
// the quota service the quota gate asks.
import type { AwsCredentials } from '../../../src/aws/credentials';
import type * as StsModule from '../../../src/aws/sts';
import type { BrowserUi } from '../../../src/browser/authorize';
import type * as OidcModule from '../../../src/idp/oidc';
import type { QuotaAnswer } from '../../../src/quota/answer';
import type { Clock } from '../../../src/util/clock';

type Tokens = OidcModule.IdTokens;

function oauthError(code: string, error?: string): Error {
  return Object.assign(new Error(error ?? code), { name: 'ClientError', code, error });
}

/** The identity provider: who signs in next, and what it does with refresh tokens. */
export class FakeIdp {
  users: Record<string, { email?: string; name?: string }> = { alice: { email: 'alice@example.com', name: 'Alice' }, bob: { name: 'Bob' } };
  /** Who the next browser sign-in is, or 'deny'. */
  next: string = 'alice';
  authorizations = 0;
  exchanges = 0;
  refreshes = 0;
  revoked: string[] = [];
  /** Refresh tokens it accepts; a used one is spent (they rotate). */
  private readonly live = new Map<string, string>();
  /** When set, refresh grants fail like this. */
  refreshFault: Error | undefined;
  /** ID tokens live this long. */
  idTokenSeconds = 3600;
  /** Whether it hands out refresh tokens at all. */
  refreshTokens = true;
  private counter = 0;

  constructor(private readonly clock: Clock) {}

  /** Every refresh token is refused from now on (an administrator revoked the grant). */
  revokeAll(): void {
    this.live.clear();
  }

  private tokens(subject: string): Tokens {
    const n = ++this.counter;
    const refreshToken = this.refreshTokens ? `refresh-token-${subject}-${n}` : undefined;
    if (refreshToken) this.live.set(refreshToken, subject);
    const user = this.users[subject] ?? {};
    return {
      idToken: `id-token-${subject}-${n}`,
      refreshToken,
      claims: { sub: subject, ...(user.email ? { email: user.email } : {}), ...(user.name ? { name: user.name } : {}) },
      idTokenExpiresAt: this.clock.now() + this.idTokenSeconds * 1000,
    };
  }

  module(): typeof OidcModule {
    const idp = this;
    const client: OidcModule.OidcClient = {
      issuer: 'https://idp.example.com/tenant/',
      async authorizationRequest(redirectUri) {
        idp.authorizations++;
        const state = `state-${idp.authorizations}`;
        const url = `https://idp.example.com/authorize?state=${state}&redirect_uri=${encodeURIComponent(redirectUri)}&login=${idp.next}`;
        return { url, redirectUri, state, nonce: `nonce-${idp.authorizations}`, codeVerifier: `verifier-${idp.authorizations}`, issuer: client.issuer, issuerInAnswers: false };
      },
      async exchange(callbackUrl) {
        idp.exchanges++;
        const code = callbackUrl.searchParams.get('code');
        if (!code) throw oauthError('OAUTH_AUTHORIZATION_RESPONSE_ERROR', callbackUrl.searchParams.get('error') ?? 'access_denied');
        return idp.tokens(code);
      },
      async refresh(refreshToken) {
        idp.refreshes++;
        if (idp.refreshFault) throw idp.refreshFault;
        const subject = idp.live.get(refreshToken);
        if (!subject) throw oauthError('OAUTH_RESPONSE_BODY_ERROR', 'invalid_grant');
        idp.live.delete(refreshToken);
        return idp.tokens(subject);
      },
      async revoke(refreshToken) {
        idp.revoked.push(refreshToken);
        idp.live.delete(refreshToken);
      },
    };
    return { discover: async () => client } as unknown as typeof OidcModule;
  }

  /** The user's browser: opens the authorization URL, and the IdP sends it back at once. */
  browser(): BrowserUi & { pages: Promise<string>[] } {
    const pages: Promise<string>[] = [];
    const idp = this;
    return {
      pages,
      async open(url) {
        const u = new URL(url);
        const login = u.searchParams.get('login') ?? idp.next;
        const answer = login === 'deny' ? 'error=access_denied' : `code=${login}`;
        const callback = `${u.searchParams.get('redirect_uri')}?${answer}&state=${u.searchParams.get('state')}`;
        pages.push(fetch(callback).then((r) => r.text()));
        return true;
      },
      reachable: async (uri) => uri,
      cannotOpen: () => undefined,
    };
  }
}

/** STS: keys for every AssumeRoleWithWebIdentity, with the faults a test sets. */
export class FakeSts {
  calls = 0;
  private keyCounter = 0;
  /** Errors the next calls throw, in order. */
  readonly faults: Error[] = [];
  /** While set, calls wait for it. */
  hold: Promise<void> | undefined;

  constructor(private readonly clock: Clock) {}

  module(): typeof StsModule {
    const sts = this;
    return {
      async assumeRoleWithWebIdentity(input: StsModule.AssumeRoleInput): Promise<StsModule.AssumedRole> {
        sts.calls++;
        if (sts.hold) await sts.hold;
        const fault = sts.faults.shift();
        if (fault) throw fault;
        const n = ++sts.keyCounter;
        const credentials: AwsCredentials = {
          accessKeyId: `TESTKEY${String(n).padStart(4, '0')}`,
          secretAccessKey: `test-secret-${n}`,
          sessionToken: `test-session-token-${n}`,
          expiration: new Date(sts.clock.now() + input.durationSeconds * 1000).toISOString(),
        };
        return { credentials, assumedRoleArn: `arn:aws:sts::123456789012:assumed-role/ClaudeCodeBedrock/${input.sessionName}`, attempts: 1 };
      },
      async getCallerIdentity() {
        return { arn: 'arn:aws:sts::123456789012:assumed-role/ClaudeCodeBedrock/x', account: '123456789012', userId: 'x' };
      },
    } as typeof StsModule;
  }
}

/** An error as the AWS SDK throws it. */
export function awsError(name: string, status?: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/**
 * The quota service: answers by the subject of the ID token (the fake IdP's tokens are
 * `id-token-<subject>-<n>`), records every call (with the time on the fake clock), and fails as told.
 */
export class FakeQuota {
  /** Subjects it blocks, with the reason (and the service's message). */
  readonly blocked = new Map<string, { reason: string; message?: string }>();
  readonly calls: { subject: string; at: number }[] = [];
  /** Errors the next calls throw, in order. */
  readonly faults: Error[] = [];

  constructor(private readonly clock: Clock) {}

  readonly fetch = async (_url: string, idToken: string): Promise<QuotaAnswer> => {
    const subject = /^id-token-(.+)-\d+$/.exec(idToken)?.[1] ?? '';
    this.calls.push({ subject, at: this.clock.now() });
    const fault = this.faults.shift();
    if (fault) throw fault;
    const block = this.blocked.get(subject);
    const usage = { monthly_tokens: block ? 5_000_000 : 1_000_000, monthly_limit: 5_000_000, monthly_percent: block ? 100 : 20, daily_tokens: 0, daily_limit: 200_000, daily_percent: 0 };
    return block ? { allowed: false, reason: block.reason, ...(block.message ? { message: block.message } : {}), usage, policy: { type: 'user' } } : { allowed: true, reason: 'within_quota', usage, policy: { type: 'user' } };
  };
}
