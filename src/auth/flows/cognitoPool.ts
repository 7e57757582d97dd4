// Federation through a Cognito identity pool (the AWS guidance's other mode): OpenID Connect in
// the browser (federated.ts), then Cognito Identity's GetId and GetCredentialsForIdentity with the ID
// token as the pool's login. Renewal: a refreshed ID token, then both calls again. The pool
// decides the role (its authenticated role); its keys live one hour.
import type * as CognitoModule from '../../aws/cognito';
import { cognitoEndpointFor } from '../../aws/endpoints';
import type { CognitoSignInSettings } from '../../config/groups';
import { cognitoFailure, type ErrorContext } from '../../errors/explain';
import type { IdTokens } from '../../idp/clients';
import { bindingOf, type Session } from '../session';
import { FederatedFlow, idpContext, sessionFrom, type FederatedFlowOptions } from './federated';

/** Attempts per Cognito call when it throttles, fails or does not answer. */
const ATTEMPTS = 3;

export interface CognitoPoolOptions extends FederatedFlowOptions<CognitoSignInSettings> {
  readonly cognito: () => typeof CognitoModule;
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

export class CognitoPoolFlow extends FederatedFlow<CognitoSignInSettings> {
  readonly id = 'cognitoIdentityPool';

  constructor(private readonly options: CognitoPoolOptions) {
    super(options);
  }

  protected bind(settings: CognitoSignInSettings): string {
    return bindingOf('cognito', settings.issuer, settings.clientId, settings.identityPoolId, settings.loginKey ?? '');
  }

  protected context(settings: CognitoSignInSettings): ErrorContext {
    return errorContext(settings);
  }

  protected preload(): void {
    this.options.cognito();
  }

  /** ID token in, session out: the pool's keys for it. */
  protected async mint(settings: CognitoSignInSettings, tokens: IdTokens, previous: Session | undefined): Promise<Session> {
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
    return sessionFrom(this.id, this.bind(settings), settings, tokens, keys.credentials, '', previous, clock.now());
  }
}
