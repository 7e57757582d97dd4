// Federation through a Cognito identity pool (the AWS guidance's other mode): OpenID Connect in
// the browser (oidc.ts), then Cognito Identity's GetId and GetCredentialsForIdentity with the ID
// token as the pool's login. Renewal: a refreshed ID token, then both calls again. The pool
// decides the role (its authenticated role); its keys live one hour.
import type * as CognitoModule from '../../aws/cognito';
import { cognitoEndpointFor } from '../../aws/endpoints';
import type { CognitoSignInSettings } from '../../config/groups';
import type { Checked } from '../../config/setting';
import { cognitoFailure, type ErrorContext } from '../../errors/explain';
import { settingsFailure } from '../../errors/failure';
import type { IdTokens } from '../../idp/clients';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import { bindingOf, type Session } from '../session';
import type { Admit, Flow, FlowRun } from './flow';
import { idpContext, sessionFrom, type OidcSteps } from './oidc';

/** Attempts per Cognito call when it throttles, fails or does not answer. */
const ATTEMPTS = 3;

export interface CognitoPoolOptions {
  readonly settings: () => Checked<CognitoSignInSettings>;
  /** Whether the settings choose this flow (federation is cognitoIdentityPool). */
  readonly chosen: () => boolean;
  readonly oidc: OidcSteps;
  readonly cognito: () => typeof CognitoModule;
  readonly log: Log;
  readonly clock: Clock;
}

/**
 * The pool's name for the identity provider: the setting, else the token's issuer without its
 * scheme (what a pool calls an OpenID Connect provider, and a Cognito user pool as its `iss` writes it).
 */
export function loginKeyFor(settings: Pick<CognitoSignInSettings, 'loginKey' | 'issuer'>, tokenIssuer: unknown): string {
  if (settings.loginKey) return settings.loginKey;
  const issuer = typeof tokenIssuer === 'string' && tokenIssuer ? tokenIssuer : settings.issuer;
  return issuer.replace(/^https?:\/\//, '');
}

export function errorContext(settings: CognitoSignInSettings, loginKey?: string): ErrorContext {
  return {
    ...idpContext(settings),
    identityPoolId: settings.identityPoolId,
    loginKey: loginKey ?? loginKeyFor(settings, undefined),
    endpoint: cognitoEndpointFor(settings.region, settings.cognitoEndpoint),
    stsDeadline: settings.requestTimeout * 2,
  };
}

export class CognitoPoolFlow implements Flow {
  readonly id = 'cognitoIdentityPool';

  constructor(private readonly options: CognitoPoolOptions) {}

  applies(): boolean {
    return this.options.chosen();
  }

  check(): Checked<CognitoSignInSettings> {
    return this.options.settings();
  }

  binding(): string | undefined {
    const checked = this.options.settings();
    return checked.ok ? bindingOf('cognito', checked.value.issuer, checked.value.clientId, checked.value.identityPoolId, checked.value.loginKey ?? '') : undefined;
  }

  signIn(run: FlowRun): Promise<Session> {
    const settings = this.valid();
    return this.options.oidc.signIn(settings, errorContext(settings), run, (tokens, previous) => this.mint(settings, tokens, previous), () => this.preload());
  }

  canRenew(session: Session): boolean {
    return Boolean(session.refreshToken);
  }

  renew(session: Session, keep: (session: Session) => Promise<void>, admit: Admit): Promise<Session> {
    const settings = this.valid('renew your session');
    return this.options.oidc.renew(settings, errorContext(settings), session, keep, admit, (tokens, previous) => this.mint(settings, tokens, previous));
  }

  async signOut(session: Session): Promise<void> {
    const checked = this.options.settings();
    if (checked.ok) await this.options.oidc.signOut(checked.value, errorContext(checked.value), session);
  }

  forget(): void {
    this.options.oidc.forget();
  }

  private preload(): void {
    try {
      this.options.cognito();
    } catch (error) {
      this.options.log.debug(`The Cognito client did not load ahead of the sign-in: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private valid(cannot = 'sign in'): CognitoSignInSettings {
    const checked = this.options.settings();
    if (!checked.ok) throw settingsFailure(checked.problems, cannot);
    return checked.value;
  }

  /** ID token in, session out: the pool's keys for it. */
  private async mint(settings: CognitoSignInSettings, tokens: IdTokens, previous: Session | undefined): Promise<Session> {
    const { log, clock } = this.options;
    const loginKey = loginKeyFor(settings, tokens.claims.iss);
    const ctx = errorContext(settings, loginKey);
    log.info(`Requesting AWS credentials from the Cognito identity pool ${settings.identityPoolId} (login ${loginKey}) at ${ctx.endpoint}.`);
    let keys;
    try {
      keys = await this.options.cognito().credentialsFromPool({
        region: settings.region,
        endpoint: ctx.endpoint!,
        identityPoolId: settings.identityPoolId,
        loginKey,
        idToken: tokens.idToken,
        attempts: ATTEMPTS,
        timeoutMs: settings.requestTimeout * 1000,
        deadlineMs: ctx.stsDeadline! * 1000,
      });
    } catch (error) {
      const failure = cognitoFailure(error, ctx);
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      log.error(`Cognito Identity failed after ${attempts} attempt(s) (${failure.kind})`, error);
      throw failure;
    }
    log.info(`AWS credentials for the Cognito identity ${keys.identityId} valid until ${keys.credentials.expiration}.`);
    const binding = bindingOf('cognito', settings.issuer, settings.clientId, settings.identityPoolId, settings.loginKey ?? '');
    return sessionFrom(this.id, binding, settings, tokens, keys.credentials, '', previous, clock.now());
  }
}
