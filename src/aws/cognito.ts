// Cognito Identity with @aws-sdk/client-cognito-identity: an identity pool in front of the
// identity provider turns the ID token into its authenticated role's keys (GetId, then
// GetCredentialsForIdentity, both with Logins and no AWS credentials).
//
// Its own bundle (dist/cognito.js), loaded on first use and only by organisations that use a
// pool: no vscode imports.
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { clientConfig, type AwsCredentials } from './credentials';

export interface PoolInput {
  readonly region: string;
  readonly endpoint: string;
  readonly identityPoolId: string;
  /** The pool's name for the identity provider, and the ID token. */
  readonly loginKey: string;
  readonly idToken: string;
  /** Attempts per call, for errors worth retrying (throttling, 5xx, no answer). */
  readonly attempts: number;
  /** No answer for this long ends an attempt. */
  readonly timeoutMs: number;
  /** Both calls, all attempts, end after this long (an AbortError). */
  readonly deadlineMs: number;
}

export interface PoolKeys {
  readonly credentials: AwsCredentials;
  readonly identityId: string;
  readonly attempts: number;
}

export async function credentialsFromPool(input: PoolInput): Promise<PoolKeys> {
  // No AWS credentials: both calls are unsigned (the SDK models them as noAuth); the ID token
  // in Logins is the proof.
  const { credentials: _none, ...config } = clientConfig(input.region, input.endpoint, undefined, input.attempts, input.timeoutMs);
  const client = new CognitoIdentityClient(config);
  const abortSignal = AbortSignal.timeout(input.deadlineMs);
  const logins = { [input.loginKey]: input.idToken };
  try {
    const id = await client.send(new GetIdCommand({ IdentityPoolId: input.identityPoolId, Logins: logins }), { abortSignal });
    if (!id.IdentityId) throw Object.assign(new Error('The Cognito answer holds no identity.'), { name: 'MalformedResponse', $metadata: id.$metadata });
    const out = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: id.IdentityId, Logins: logins }), { abortSignal });
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !c.Expiration) {
      throw Object.assign(new Error('The Cognito answer holds no credentials.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    }
    return {
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration.toISOString() },
      identityId: id.IdentityId,
      attempts: Math.max(id.$metadata.attempts ?? 1, out.$metadata.attempts ?? 1),
    };
  } finally {
    client.destroy();
  }
}
