// The emulator's STS: AssumeRoleWithWebIdentity and GetCallerIdentity over the real query/XML
// protocol (POST / with Action=...&Version=2011-06-15, XML answers, XML errors).
//
// AssumeRoleWithWebIdentity checks what IAM checks: the token's issuer is a registered OIDC
// provider, its signature verifies against that provider's JWKS (fetched through discovery),
// its audience is registered, it has not expired, and the role's trust names the provider.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, decodeJwt, type JWTPayload } from 'jose';
import { AwsError, type KeyRecord } from './sigv4';

export const ACCOUNT_ID = '123456789012';
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface OidcProviderRegistration {
  /** The issuer, exactly as in the token's `iss`. */
  readonly issuer: string;
  readonly audiences: readonly string[];
}

export interface RoleDefinition {
  readonly arn: string;
  /** Issuers whose tokens this role's trust policy accepts. */
  readonly trustedIssuers: readonly string[];
  readonly maxSessionDuration: number;
}

export interface IssuedKey extends KeyRecord {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly arn: string;
  readonly assumedRoleId: string;
  readonly subject: string;
  readonly issuedAt: Date;
}

export interface StsFaults {
  /** The next answers carry keys that expire this many seconds after issue (then back to normal). */
  shortLived?: { seconds: number; times: number };
}

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function queryErrorXml(error: AwsError, requestId: string): string {
  return `<ErrorResponse xmlns="${NS}">
  <Error>
    <Type>${error.type}</Type>
    <Code>${xmlEscape(error.code)}</Code>
    <Message>${xmlEscape(error.message)}</Message>
  </Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>
`;
}

function randomKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  return `ASIA${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')}`;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export class StsService {
  readonly keys = new Map<string, IssuedKey>();
  readonly providers: OidcProviderRegistration[] = [];
  readonly roles: RoleDefinition[] = [];
  faults: StsFaults = {};
  /** How far this emulated AWS's clock is ahead of the machine's (negative: behind), in ms. */
  clockSkewMs = 0;
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  now(): Date {
    return new Date(Date.now() + this.clockSkewMs);
  }

  lookup = (accessKeyId: string): KeyRecord | undefined => this.keys.get(accessKeyId);

  private async keySet(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let set = this.jwks.get(issuer);
    if (!set) {
      const base = issuer.endsWith('/') ? issuer : `${issuer}/`;
      let jwksUri: string;
      try {
        const res = await fetch(new URL('.well-known/openid-configuration', base), { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        jwksUri = String(((await res.json()) as { jwks_uri?: string }).jwks_uri);
      } catch {
        throw new AwsError(400, 'IDPCommunicationError', "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements");
      }
      set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000 });
      this.jwks.set(issuer, set);
    }
    return set;
  }

  /** Verifies an ID token as the quota API does: signature (JWKS), registered issuer and audience, expiry. */
  async verifyIdToken(token: string): Promise<JWTPayload> {
    const unverified = decodeJwt(token);
    const provider = this.providers.find((p) => p.issuer === unverified.iss);
    if (!provider) throw new Error('unknown issuer');
    const { payload } = await jwtVerify(token, await this.keySet(provider.issuer), { issuer: provider.issuer, audience: [...provider.audiences], currentDate: this.now() });
    return payload;
  }

  /**
   * Verifies an ID token as a Cognito identity pool does: signature against the issuer's JWKS,
   * the issuer, one of the audiences, expiry (on this emulated AWS's clock). Throws jose's errors.
   */
  async verifyFor(token: string, issuer: string, audiences: readonly string[]): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, await this.keySet(issuer), { issuer, audience: [...audiences], currentDate: this.now(), clockTolerance: 0 });
    return payload;
  }

  /** Keys for `roleArn`, as a service other than STS hands them out (a Cognito identity pool). */
  issueKey(roleArn: string, sessionName: string, subject: string, lifetimeSeconds: number): IssuedKey {
    const roleName = roleArn.split('/').pop()!;
    const key: IssuedKey = {
      accessKeyId: randomKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(300).toString('base64')}`,
      expiration: new Date(Math.floor(this.now().getTime() / 1000) * 1000 + lifetimeSeconds * 1000),
      roleArn,
      sessionName,
      arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}:${sessionName}`,
      subject,
      issuedAt: new Date(),
    };
    this.keys.set(key.accessKeyId, key);
    return key;
  }

  /** Keys for the test harness itself (seeding metrics), as if from an admin role. */
  mintKey(roleArn: string, sessionName: string): IssuedKey {
    const key: IssuedKey = {
      accessKeyId: randomKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(300).toString('base64')}`,
      expiration: new Date(Date.now() + 3600_000),
      roleArn,
      sessionName,
      arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleArn.split('/').pop()}/${sessionName}`,
      assumedRoleId: `AROAHARNESS:${sessionName}`,
      subject: sessionName,
      issuedAt: new Date(),
    };
    this.keys.set(key.accessKeyId, key);
    return key;
  }

  async assumeRoleWithWebIdentity(params: URLSearchParams, requestId: string): Promise<string> {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const token = params.get('WebIdentityToken') ?? '';
    const duration = Number(params.get('DurationSeconds') ?? '3600');
    if (!SESSION_NAME.test(sessionName)) {
      throw new AwsError(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (token.length < 4 || token.length > 20000) {
      throw new AwsError(400, 'ValidationError', "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000");
    }
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw new AwsError(400, 'ValidationError', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AwsError(400, 'InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
    }
    const provider = this.providers.find((p) => p.issuer === unverified.iss);
    if (!provider) throw new AwsError(400, 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${unverified.iss}`);

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, await this.keySet(provider.issuer), {
        issuer: provider.issuer,
        clockTolerance: 0,
        currentDate: this.now(),
      }));
    } catch (error) {
      if (error instanceof AwsError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new AwsError(400, 'ExpiredTokenException', `Token expired: current date/time ${Math.floor(this.now().getTime() / 1000)} must be before the expiration date/time${unverified.exp}`);
      }
      if (error instanceof joseErrors.JOSEError && /fetch|timeout|JWKS/i.test(error.code)) {
        throw new AwsError(400, 'IDPCommunicationError', "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements");
      }
      throw new AwsError(400, 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ''];
    if (!audiences.some((a) => provider.audiences.includes(a))) throw new AwsError(400, 'InvalidIdentityToken', 'Incorrect token audience');

    const role = this.roles.find((r) => r.arn === roleArn);
    if (!role || !role.trustedIssuers.includes(provider.issuer)) {
      throw new AwsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    if (duration > role.maxSessionDuration) {
      throw new AwsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    let lifetime = duration;
    if (this.faults.shortLived && this.faults.shortLived.times > 0) {
      lifetime = this.faults.shortLived.seconds;
      this.faults.shortLived.times--;
    }
    const key = this.issueKey(roleArn, sessionName, String(claims.sub), lifetime);
    return `<AssumeRoleWithWebIdentityResponse xmlns="${NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xmlEscape(key.subject)}</SubjectFromWebIdentityToken>
    <Audience>${xmlEscape(audiences[0])}</Audience>
    <AssumedRoleUser>
      <Arn>${xmlEscape(key.arn)}</Arn>
      <AssumedRoleId>${xmlEscape(key.assumedRoleId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${key.sessionToken}</SessionToken>
      <SecretAccessKey>${key.secretAccessKey}</SecretAccessKey>
      <Expiration>${key.expiration.toISOString().replace('.000Z', 'Z')}</Expiration>
      <AccessKeyId>${key.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>${xmlEscape(provider.issuer.replace(/^https?:\/\//, ''))}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`;
  }

  getCallerIdentity(key: IssuedKey, requestId: string): string {
    return `<GetCallerIdentityResponse xmlns="${NS}">
  <GetCallerIdentityResult>
    <Arn>${xmlEscape(key.arn)}</Arn>
    <UserId>${xmlEscape(key.assumedRoleId)}</UserId>
    <Account>${ACCOUNT_ID}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
  }
}

export function newRequestId(): string {
  return randomUUID();
}
