// Cognito Identity, as the emulator speaks it: AWS JSON 1.1 (X-Amz-Target
// AWSCognitoIdentityService.<Operation>), unsigned, the two calls of the "enhanced" flow an
// identity pool in front of an OpenID Connect provider uses:
//
//   GetId({ IdentityPoolId, Logins: { <provider key>: <ID token> } })  -> { IdentityId }
//   GetCredentialsForIdentity({ IdentityId, Logins })                    -> { IdentityId, Credentials }
//
// Each pool trusts providers by key (the issuer without https://) with their client IDs, and
// maps every authenticated identity to its authenticated role. The ID token is verified against
// the issuer's JWKS, as the real service does; keys come from the emulator's own STS, so its
// Bedrock and CloudWatch accept them.
import { createHash } from 'node:crypto';
import { errors as joseErrors, decodeJwt } from 'jose';
import { AwsError } from './sigv4';
import type { StsService } from './sts';

export interface IdentityPool {
  readonly id: string;
  /** Provider key -> the issuer it stands for and the client IDs (audiences) the pool accepts. */
  readonly providers: Readonly<Record<string, { readonly issuer: string; readonly clientIds: readonly string[] }>>;
  readonly authenticatedRoleArn: string;
}

type Logins = Record<string, string>;

/** Cognito's keys live one hour. */
const LIFETIME_SECONDS = 3600;

export class CognitoIdentityService {
  readonly pools: IdentityPool[] = [];
  /** IdentityId -> pool and subject. */
  private readonly identities = new Map<string, { pool: string; subject: string }>();

  constructor(private readonly sts: StsService) {}

  async handle(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (action) {
      case 'GetId':
        return this.getId(body);
      case 'GetCredentialsForIdentity':
        return this.getCredentials(body);
      default:
        throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${action}`);
    }
  }

  private pool(id: unknown): IdentityPool {
    if (typeof id !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(id)) {
      throw new AwsError(400, 'InvalidParameterException', `1 validation error detected: Value '${String(id)}' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`);
    }
    const pool = this.pools.find((p) => p.id === id);
    if (!pool) throw new AwsError(400, 'ResourceNotFoundException', `IdentityPool '${id}' not found.`);
    return pool;
  }

  /** The one login of the request, verified: its subject. */
  private async login(pool: IdentityPool, logins: unknown): Promise<string> {
    const entries = Object.entries((logins ?? {}) as Logins);
    if (entries.length !== 1) throw new AwsError(400, 'NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    const [[key, token]] = entries;
    const provider = pool.providers[key];
    if (!provider) throw new AwsError(400, 'NotAuthorizedException', 'Token is not from a supported provider of this identity pool.');
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new AwsError(400, 'NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.');
    }
    if (iss !== provider.issuer) throw new AwsError(400, 'NotAuthorizedException', 'Invalid login token. Issuer doesn\'t match providerName');
    try {
      const claims = await this.sts.verifyFor(token, provider.issuer, provider.clientIds);
      return String(claims.sub);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new AwsError(400, 'NotAuthorizedException', 'Invalid login token. Token expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new AwsError(400, 'NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
      }
      throw new AwsError(400, 'NotAuthorizedException', 'Invalid login token. Couldn\'t verify signed token.');
    }
  }

  private async getId(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const pool = this.pool(body.IdentityPoolId);
    const subject = await this.login(pool, body.Logins);
    const region = pool.id.split(':')[0];
    const hex = createHash('sha256').update(`${pool.id}\n${subject}`).digest('hex');
    const identityId = `${region}:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    this.identities.set(identityId, { pool: pool.id, subject });
    return { IdentityId: identityId };
  }

  private async getCredentials(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const identityId = String(body.IdentityId ?? '');
    const identity = this.identities.get(identityId);
    if (!identity) throw new AwsError(400, 'ResourceNotFoundException', `Identity '${identityId}' not found.`);
    const pool = this.pool(identity.pool);
    const subject = await this.login(pool, body.Logins);
    if (subject !== identity.subject) throw new AwsError(400, 'NotAuthorizedException', 'Logins don\'t match. Please include at least one valid login for this identity or identity pool.');
    const key = this.sts.issueKey(pool.authenticatedRoleArn, 'CognitoIdentityCredentials', subject, LIFETIME_SECONDS);
    return {
      IdentityId: identityId,
      Credentials: { AccessKeyId: key.accessKeyId, SecretKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: Math.floor(key.expiration.getTime() / 1000) },
    };
  }

  reset(): void {
    this.identities.clear();
  }
}
