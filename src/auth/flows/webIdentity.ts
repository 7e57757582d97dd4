// Direct federation: OpenID Connect in the browser (authorization code with PKCE S256 on the
// fixed loopback port), then STS AssumeRoleWithWebIdentity with the ID token. Renewal uses the
// refresh token, then STS again; sign-out revokes the refresh token where the IdP can.
//
//   discovery -> browser (authorize.ts) -> code exchange (nonce, iss, PKCE checked by
//   openid-client) -> STS -> session
import type * as StsModule from '../../aws/sts';
import { roleSessionName } from '../../aws/credentials';
import { stsEndpointFor } from '../../aws/endpoints';
import type { AuthorizeOptions } from '../../browser/authorize';
import { authorizeInBrowser } from '../../browser/authorize';
import type { RenderPage } from '../../browser/loopback';
import type { SignInSettings } from '../../config/groups';
import type { Checked } from '../../config/setting';
import { oidcFailure, stsFailure, type ErrorContext } from '../../errors/explain';
import { settingsFailure } from '../../errors/failure';
import { refreshRejected } from '../../errors/signIn';
import type { IdpClients, IdTokens } from '../../idp/clients';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import { displayName, identityFromClaims } from '../identity';
import { bindingOf, type Session } from '../session';
import type { Flow, FlowRun } from './flow';

/** Attempts at STS in all when it throttles, fails or cannot reach the IdP (IDPCommunicationError). */
const STS_ATTEMPTS = 4;

export interface WebIdentityOptions {
  readonly settings: () => Checked<SignInSettings>;
  readonly idp: IdpClients;
  readonly sts: () => typeof StsModule;
  /** The browser part of the sign-in, and the page it shows at the end. */
  readonly browser: AuthorizeOptions['ui'];
  readonly renderPage: () => RenderPage;
  readonly log: Log;
  readonly clock: Clock;
}

/** All of STS's attempts together get two request timeouts: a hung STS fails in bounded time. */
function stsDeadlineSeconds(settings: SignInSettings): number {
  return settings.requestTimeout * 2;
}

export function errorContext(settings: SignInSettings): ErrorContext {
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    roleArn: settings.roleArn,
    region: settings.region,
    redirectPort: settings.redirectPort,
    sessionDuration: settings.sessionDuration,
    stsEndpoint: stsEndpointFor(settings.region, settings.stsEndpoint),
    requestTimeout: settings.requestTimeout,
    stsDeadline: stsDeadlineSeconds(settings),
  };
}

export class WebIdentityFlow implements Flow {
  readonly id = 'webIdentity';

  constructor(private readonly options: WebIdentityOptions) {}

  /** The default way of signing in: it applies whenever no other flow does. */
  applies(): boolean {
    return true;
  }

  check(): Checked<SignInSettings> {
    return this.options.settings();
  }

  binding(): string | undefined {
    const checked = this.options.settings();
    return checked.ok ? bindingOf(checked.value.issuer, checked.value.clientId, checked.value.roleArn) : undefined;
  }

  async signIn(run: FlowRun): Promise<Session> {
    const settings = this.valid();
    const { log, clock } = this.options;
    const ctx = errorContext(settings);
    run.progress('Contacting your identity provider…');
    const client = await this.options.idp.client(settings, ctx);
    let request: Awaited<ReturnType<typeof client.authorizationRequest>> | undefined;
    return authorizeInBrowser(
      {
        port: settings.redirectPort,
        timeoutSeconds: settings.signInTimeout,
        signal: run.signal,
        progress: (message) => run.progress(message),
        ui: this.options.browser,
        render: this.options.renderPage(),
        log,
        clock,
        destination: settings.issuer,
        request: async (redirectUri) => {
          request = await client.authorizationRequest(redirectUri, settings.scopes);
          // The AWS SDK loads while the user is in the browser, so the way back is short.
          setImmediate(() => this.preload());
          return request;
        },
      },
      async ({ callbackUrl, respond }) => {
        let tokens: IdTokens;
        try {
          tokens = await client.exchange(callbackUrl, request!);
        } catch (error) {
          const failure = oidcFailure(error, 'exchange', ctx);
          log.error(`The code exchange failed (${failure.kind})`, error);
          throw failure;
        }
        run.progress('Getting AWS credentials…');
        const session = await this.mint(settings, tokens, undefined);
        respond({
          ok: true,
          title: 'Signed in',
          message: `You are signed in to Claude Code on Amazon Bedrock as ${displayName(session.identity)}. You can close this tab and return to VS Code.`,
        });
        return session;
      },
    );
  }

  canRenew(session: Session): boolean {
    return Boolean(session.refreshToken);
  }

  async renew(session: Session, keep: (session: Session) => Promise<void>): Promise<Session> {
    const settings = this.valid('renew your session');
    const { log } = this.options;
    if (!session.refreshToken) throw refreshRejected('there is no refresh token');
    const ctx = errorContext(settings);
    const client = await this.options.idp.client(settings, ctx);
    let tokens: IdTokens | undefined;
    try {
      tokens = await client.refresh(session.refreshToken);
    } catch (error) {
      const failure = oidcFailure(error, 'refresh', ctx);
      log.error(`The refresh_token grant failed (${failure.kind})`, error);
      throw failure;
    }
    if (!tokens) throw refreshRejected('your identity provider returned no new ID token');
    if (tokens.claims.sub !== session.identity.subject) throw refreshRejected('your identity provider returned a different user');
    try {
      return await this.mint(settings, tokens, session);
    } catch (error) {
      // The IdP may have rotated the refresh token: the old one is spent, so keep the new one.
      if (tokens.refreshToken && tokens.refreshToken !== session.refreshToken) await keep({ ...session, refreshToken: tokens.refreshToken });
      throw error;
    }
  }

  async signOut(session: Session): Promise<void> {
    const checked = this.options.settings();
    if (!checked.ok || !session.refreshToken) return;
    try {
      const client = await this.options.idp.client(checked.value, errorContext(checked.value));
      await client.revoke(session.refreshToken);
      this.options.log.info('The refresh token was revoked at the identity provider.');
    } catch (error) {
      this.options.log.debug(`The identity provider did not revoke the refresh token: ${error instanceof Error ? error.name : String(error)}`);
    }
  }

  private preload(): void {
    try {
      this.options.sts();
    } catch (error) {
      this.options.log.debug(`The AWS SDK did not load ahead of the sign-in: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  forget(): void {
    this.options.idp.reset();
  }

  private valid(cannot = 'sign in'): SignInSettings {
    const checked = this.options.settings();
    if (!checked.ok) throw settingsFailure(checked.problems, cannot);
    return checked.value;
  }

  /** ID token in, session out: the identity from its claims, role credentials from STS. */
  private async mint(settings: SignInSettings, tokens: IdTokens, previous: Session | undefined): Promise<Session> {
    const { log, clock } = this.options;
    const identity = identityFromClaims(tokens.claims);
    const sessionName = roleSessionName(identity.email, identity.subject);
    const ctx = errorContext(settings);
    log.info(`Requesting AWS credentials for role ${settings.roleArn} as session "${sessionName}" from ${ctx.stsEndpoint}.`);
    let assumed;
    try {
      assumed = await this.options.sts().assumeRoleWithWebIdentity({
        idToken: tokens.idToken,
        roleArn: settings.roleArn,
        sessionName,
        durationSeconds: settings.sessionDuration,
        region: settings.region,
        endpoint: ctx.stsEndpoint!,
        attempts: STS_ATTEMPTS,
        timeoutMs: settings.requestTimeout * 1000,
        deadlineMs: stsDeadlineSeconds(settings) * 1000,
      });
    } catch (error) {
      const failure = stsFailure(error, ctx);
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      log.error(`STS AssumeRoleWithWebIdentity failed after ${attempts} attempt(s) (${failure.kind})`, error);
      throw failure;
    }
    const c = assumed.credentials;
    const tries = assumed.attempts > 1 ? ` (after ${assumed.attempts} attempts)` : '';
    log.info(`AWS credentials for ${assumed.assumedRoleArn} valid until ${c.expiration}${tries}.`);
    const now = clock.now();
    return {
      version: 2,
      flow: this.id,
      binding: bindingOf(settings.issuer, settings.clientId, settings.roleArn),
      issuer: settings.issuer,
      region: settings.region,
      identity,
      credentials: c,
      assumedRoleArn: assumed.assumedRoleArn,
      idToken: tokens.idToken,
      idTokenExpiresAt: tokens.idTokenExpiresAt,
      // Some IdPs rotate refresh tokens, some return none on refresh: keep the last one we have.
      refreshToken: tokens.refreshToken ?? previous?.refreshToken,
      signedInAt: previous?.signedInAt ?? now,
      refreshedAt: now,
      savedAt: now,
    };
  }
}
