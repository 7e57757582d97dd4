// ID token in, session out: the identity from the token's claims and role credentials from STS
// AssumeRoleWithWebIdentity. Shared by the interactive sign-in and the silent refresh.
import type { SignInSettings } from '../config/schema';
import { roleSessionName, stsEndpointFor } from '../aws/credentials';
import { stsFailure, type FailureContext } from '../failures';
import { loadSts } from '../lazy';
import type { Log } from '../log';
import type { IdTokens } from './oidc';
import { identityFromClaims } from './identity';
import type { StoredSession } from './sessionModel';

/** Attempts at STS in all when it throttles, fails or cannot reach the IdP (IDPCommunicationError). */
const STS_ATTEMPTS = 4;
/** All of STS's attempts together get two request timeouts: a hung STS fails in bounded time. */
function stsDeadlineSeconds(settings: SignInSettings): number {
  return settings.requestTimeout * 2;
}

export function failureContext(settings: SignInSettings): FailureContext {
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

export interface MintOptions {
  readonly settings: SignInSettings;
  readonly tokens: IdTokens;
  /** The session being refreshed, if any: it keeps its sign-in time and refresh token. */
  readonly previous: StoredSession | undefined;
  readonly log: Log;
}

export async function mintSession({ settings, tokens, previous, log }: MintOptions): Promise<StoredSession> {
  log.redact(tokens.idToken, tokens.refreshToken);
  const identity = identityFromClaims(tokens.claims);
  const sessionName = roleSessionName(identity.email, identity.subject);
  const endpoint = stsEndpointFor(settings.region, settings.stsEndpoint);
  log.info(`Requesting AWS credentials for role ${settings.roleArn} as session "${sessionName}" from ${endpoint}.`);
  let assumed;
  try {
    assumed = await loadSts().assumeRoleWithWebIdentity({
      idToken: tokens.idToken,
      roleArn: settings.roleArn,
      sessionName,
      durationSeconds: settings.sessionDuration,
      region: settings.region,
      endpoint,
      attempts: STS_ATTEMPTS,
      timeoutMs: settings.requestTimeout * 1000,
      deadlineMs: stsDeadlineSeconds(settings) * 1000,
    });
  } catch (error) {
    const failure = stsFailure(error, failureContext(settings));
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    log.error(`STS AssumeRoleWithWebIdentity failed after ${attempts} attempt(s) (${failure.kind})`, error);
    throw failure;
  }
  const c = assumed.credentials;
  log.redact(c.accessKeyId, c.secretAccessKey, c.sessionToken);
  const tries = assumed.attempts > 1 ? ` (after ${assumed.attempts} attempts)` : '';
  log.info(`AWS credentials for ${assumed.assumedRoleArn} valid until ${c.expiration}${tries}.`);
  const now = Date.now();
  return {
    version: 1,
    issuer: settings.issuer,
    clientId: settings.clientId,
    roleArn: settings.roleArn,
    region: settings.region,
    identity,
    idToken: tokens.idToken,
    idTokenExpiresAt: tokens.idTokenExpiresAt,
    // Some IdPs rotate refresh tokens, some return none on refresh: keep the last one we have.
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    credentials: c,
    assumedRoleArn: assumed.assumedRoleArn,
    signedInAt: previous?.signedInAt ?? now,
    refreshedAt: now,
  };
}
