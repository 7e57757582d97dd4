// Direct federation: OpenID Connect in the browser (oidc.ts), then STS
// AssumeRoleWithWebIdentity with the ID token. Renewal uses the refresh token, then STS again;
// sign-out revokes the refresh token where the IdP can.
import type * as StsModule from '../../aws/sts';
import { roleSessionName } from '../../aws/credentials';
import { stsEndpointFor } from '../../aws/endpoints';
import type { SignInSettings } from '../../config/groups';
import type { Checked } from '../../config/setting';
import { stsFailure, type ErrorContext } from '../../errors/explain';
import { settingsFailure } from '../../errors/failure';
import type { IdTokens } from '../../idp/clients';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import { identityFromClaims } from '../identity';
import { bindingOf, type Session } from '../session';
import type { Admit, Flow, FlowRun } from './flow';
import { idpContext, sessionFrom, type OidcSteps } from './oidc';

/** Attempts at STS in all when it throttles, fails or cannot reach the IdP (IDPCommunicationError). */
const STS_ATTEMPTS = 4;

export interface WebIdentityOptions {
  readonly settings: () => Checked<SignInSettings>;
  /** Whether the settings choose this flow (federation is direct). */
  readonly chosen: () => boolean;
  readonly oidc: OidcSteps;
  readonly sts: () => typeof StsModule;
  readonly log: Log;
  readonly clock: Clock;
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

export class WebIdentityFlow implements Flow {
  readonly id = 'webIdentity';

  constructor(private readonly options: WebIdentityOptions) {}

  applies(): boolean {
    return this.options.chosen();
  }

  check(): Checked<SignInSettings> {
    return this.options.settings();
  }

  binding(): string | undefined {
    const checked = this.options.settings();
    return checked.ok ? bindingOf(checked.value.issuer, checked.value.clientId, checked.value.roleArn) : undefined;
  }

  signIn(run: FlowRun): Promise<Session> {
    const settings = this.valid();
    // The AWS SDK loads while the user is in the browser, so the way back is short.
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
      this.options.sts();
    } catch (error) {
      this.options.log.debug(`The AWS SDK did not load ahead of the sign-in: ${error instanceof Error ? error.message : String(error)}`);
    }
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
    return sessionFrom(this.id, bindingOf(settings.issuer, settings.clientId, settings.roleArn), settings, tokens, c, assumed.assumedRoleArn, previous, clock.now());
  }
}
