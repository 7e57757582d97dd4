// The OpenID Connect half every federated flow shares: the browser sign-in (authorization code
// with PKCE S256 on the fixed loopback port, then the code exchange), the refresh-token grant,
// and revocation at sign-out. What turns the ID token into AWS keys (`mint`) is the flow's own:
// STS (webIdentity.ts) or a Cognito identity pool (cognitoPool.ts). The quota gate (`admit`)
// stands between the two halves.
//
//   discovery -> browser (authorize.ts) -> code exchange (nonce, iss, PKCE checked by
//   openid-client) -> admit -> mint -> the browser's page says how it ended
import type { AuthorizeOptions } from '../../browser/authorize';
import { authorizeInBrowser, browserStep } from '../../browser/authorize';
import type { RenderPage } from '../../browser/loopback';
import type { OidcSettings } from '../../config/groups';
import { oidcFailure, type ErrorContext } from '../../errors/explain';
import { Failure } from '../../errors/failure';
import { refreshRejected } from '../../errors/signIn';
import type { IdpClients, IdTokens } from '../../idp/clients';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import { displayName, identityFromClaims } from '../identity';
import type { Session } from '../session';
import type { Admit, FlowRun } from './flow';
import { SettingsFlow, type SettingsFlowOptions } from './settingsFlow';

export interface OidcOptions {
  readonly idp: IdpClients;
  /** The browser part of the sign-in, and the page it shows at the end. */
  readonly browser: AuthorizeOptions['ui'];
  readonly renderPage: () => RenderPage;
  readonly log: Log;
  readonly clock: Clock;
}

/** ID tokens in, a session out: the flow's own half. */
export type Mint = (tokens: IdTokens, previous: Session | undefined) => Promise<Session>;

export function idpContext(settings: OidcSettings): ErrorContext {
  return { issuer: settings.issuer, clientId: settings.clientId, region: settings.region, redirectPort: settings.redirectPort, requestTimeout: settings.requestTimeout };
}

export class OidcSteps {
  constructor(private readonly options: OidcOptions) {}

  /** The browser sign-in; `whileAway` runs while the user is in the browser (loading what `mint` needs). */
  async signIn(settings: OidcSettings, ctx: ErrorContext, run: FlowRun, mint: Mint, whileAway: () => void): Promise<Session> {
    const { log } = this.options;
    run.progress('Contacting your identity provider…');
    const client = await this.options.idp.client(settings, ctx);
    let request: Awaited<ReturnType<typeof client.authorizationRequest>> | undefined;
    return authorizeInBrowser(
      browserStep(this.options, run, {
        port: settings.redirectPort,
        timeoutSeconds: settings.signInTimeout,
        destination: settings.issuer,
        request: async (redirectUri) => {
          request = await client.authorizationRequest(redirectUri, settings.scopes);
          setImmediate(whileAway);
          return request;
        },
      }),
      async ({ callbackUrl, respond }) => {
        let tokens: IdTokens;
        try {
          tokens = await client.exchange(callbackUrl, request!);
        } catch (error) {
          const failure = oidcFailure(error, 'exchange', ctx);
          log.error(`The code exchange failed (${failure.kind})`, error);
          throw failure;
        }
        await run.admit({ subject: identityFromClaims(tokens.claims).subject, idToken: tokens.idToken });
        run.progress('Getting AWS credentials…');
        const session = await mint(tokens, undefined);
        respond({
          ok: true,
          title: 'Signed in',
          message: `You are signed in to Claude Code on Amazon Bedrock as ${displayName(session.identity)}. You can close this tab and return to VS Code.`,
        });
        return session;
      },
    );
  }

  /** The refresh-token grant, the gate, then `mint`; what must not be lost is kept on failure. */
  async renew(settings: OidcSettings, ctx: ErrorContext, session: Session, keep: (session: Session) => Promise<void>, admit: Admit, mint: Mint): Promise<Session> {
    const { log } = this.options;
    if (!session.refreshToken) throw refreshRejected('there is no refresh token');
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
    // The IdP may have rotated the refresh token: the old one is spent from this moment. The new
    // one is saved before anything else is asked, so that nothing (STS failing, the extension host
    // ending) between here and the new keys can lose it.
    let current = session;
    if (tokens.refreshToken !== undefined && tokens.refreshToken !== session.refreshToken) {
      current = { ...session, refreshToken: tokens.refreshToken };
      await keep(current);
    }
    try {
      await admit({ subject: session.identity.subject, idToken: tokens.idToken });
      return await mint(tokens, current);
    } catch (error) {
      // Blocked by quota: keep the new ID token too, which the quota service's next check reads.
      if (error instanceof Failure && error.kind === 'quotaBlocked') await keep({ ...current, idToken: tokens.idToken, idTokenExpiresAt: tokens.idTokenExpiresAt });
      throw error;
    }
  }

  /** Best effort: lets the identity provider forget the refresh token. */
  async signOut(settings: OidcSettings, ctx: ErrorContext, session: Session): Promise<void> {
    if (!session.refreshToken) return;
    try {
      const client = await this.options.idp.client(settings, ctx);
      await client.revoke(session.refreshToken);
      this.options.log.info('The refresh token was revoked at the identity provider.');
    } catch (error) {
      this.options.log.debug(`The identity provider did not revoke the refresh token: ${error instanceof Error ? error.name : String(error)}`);
    }
  }

  forget(): void {
    this.options.idp.reset();
  }
}

/** A session from what a flow's mint got: the tokens, the keys, and what came before. */
export function sessionFrom(
  flow: string,
  binding: string,
  settings: { readonly issuer: string; readonly region: string },
  tokens: IdTokens,
  credentials: Session['credentials'],
  assumedRoleArn: string,
  previous: Session | undefined,
  now: number,
): Session {
  return {
    version: 2,
    flow,
    binding,
    issuer: settings.issuer,
    region: settings.region,
    identity: identityFromClaims(tokens.claims),
    credentials,
    assumedRoleArn,
    idToken: tokens.idToken,
    idTokenExpiresAt: tokens.idTokenExpiresAt,
    // Some IdPs rotate refresh tokens, some return none on refresh: keep the last one we have.
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    signedInAt: previous?.signedInAt ?? now,
    refreshedAt: now,
    savedAt: now,
  };
}

export interface FederatedFlowOptions<S extends OidcSettings> extends SettingsFlowOptions<S> {
  readonly oidc: OidcSteps;
  readonly log: Log;
  readonly clock: Clock;
}

/**
 * A flow that federates an OpenID Connect sign-in: everything but what turns the ID token into
 * AWS keys, which each flow says in `mint` (and what its settings are bound to, and how its
 * errors are put).
 */
export abstract class FederatedFlow<S extends OidcSettings> extends SettingsFlow<S> {
  constructor(protected readonly base: FederatedFlowOptions<S>) {
    super(base);
  }

  protected abstract context(settings: S): ErrorContext;
  protected abstract mint(settings: S, tokens: IdTokens, previous: Session | undefined): Promise<Session>;
  /** Loads what `mint` needs while the user is in the browser, so the way back is short. */
  protected abstract preload(): void;

  signIn(run: FlowRun): Promise<Session> {
    const settings = this.valid();
    return this.base.oidc.signIn(settings, this.context(settings), run, (tokens, previous) => this.mint(settings, tokens, previous), () => this.preloadQuietly());
  }

  canRenew(session: Session): boolean {
    return Boolean(session.refreshToken);
  }

  renew(session: Session, keep: (session: Session) => Promise<void>, admit: Admit): Promise<Session> {
    const settings = this.valid('renew your session');
    return this.base.oidc.renew(settings, this.context(settings), session, keep, admit, (tokens, previous) => this.mint(settings, tokens, previous));
  }

  async signOut(session: Session): Promise<void> {
    const checked = this.base.settings();
    if (checked.ok) await this.base.oidc.signOut(checked.value, this.context(checked.value), session);
  }

  forget(): void {
    this.base.oidc.forget();
  }

  private preloadQuietly(): void {
    try {
      this.preload();
    } catch (error) {
      this.base.log.debug(`The AWS SDK did not load ahead of the sign-in: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
