// Direct federation: OpenID Connect in the browser (federated.ts), then STS
// AssumeRoleWithWebIdentity with the ID token. Renewal uses the refresh token, then STS again;
// sign-out revokes the refresh token where the IdP can.
import type * as StsModule from '../../aws/sts';
import { roleSessionName } from '../../aws/credentials';
import { stsEndpointFor } from '../../aws/endpoints';
import type { SignInSettings } from '../../config/groups';
import { stsFailure, type ErrorContext } from '../../errors/explain';
import type { IdTokens } from '../../idp/clients';
import { identityFromClaims } from '../identity';
import { bindingOf, type Session } from '../session';
import { FederatedFlow, idpContext, sessionFrom, type FederatedFlowOptions } from './federated';

/** Attempts at STS in all when it throttles, fails or cannot reach the IdP (IDPCommunicationError). */
const STS_ATTEMPTS = 4;

export interface WebIdentityOptions extends FederatedFlowOptions<SignInSettings> {
  readonly sts: () => typeof StsModule;
}

/** All of STS's attempts together get two request timeouts: a hung STS fails in bounded time. */
function stsDeadlineSeconds(settings: SignInSettings): number {
  return settings.requestTimeout * 2;
}

export function errorContext(settings: SignInSettings): ErrorContext {
  return {
    ...idpContext(settings),
    roleArn: settings.roleArn,
    sessionDuration: settings.sessionDuration,
    stsEndpoint: stsEndpointFor(settings.region, settings.stsEndpoint),
    stsDeadline: stsDeadlineSeconds(settings),
  };
}

export class WebIdentityFlow extends FederatedFlow<SignInSettings> {
  readonly id = 'webIdentity';

  constructor(private readonly options: WebIdentityOptions) {
    super(options);
  }

  protected bind(settings: SignInSettings): string {
    return bindingOf(settings.issuer, settings.clientId, settings.roleArn);
  }

  protected context(settings: SignInSettings): ErrorContext {
    return errorContext(settings);
  }

  protected preload(): void {
    this.options.sts();
  }

  /** ID token in, session out: the identity from its claims, role credentials from STS. */
  protected async mint(settings: SignInSettings, tokens: IdTokens, previous: Session | undefined): Promise<Session> {
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
    return sessionFrom(this.id, this.bind(settings), settings, tokens, c, assumed.assumedRoleArn, previous, clock.now());
  }
}
