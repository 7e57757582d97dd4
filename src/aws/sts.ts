// AWS STS with @aws-sdk/client-sts: the ID token becomes short-lived role credentials
// (AssumeRoleWithWebIdentity), and GetCallerIdentity proves that stored credentials work.
//
// Part of the AWS bundle (dist/aws.js, see index.ts), loaded on first use: no vscode imports.
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, type AwsCredentials } from './credentials';

export interface StsTarget {
  readonly region: string;
  /** The STS endpoint: the regional public one, a VPC endpoint, or a test endpoint (stsEndpointFor). */
  readonly endpoint: string;
  /** No answer for this long ends an attempt. */
  readonly timeoutMs: number;
}

export interface AssumeRoleInput extends StsTarget {
  readonly idToken: string;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** Attempts in all, for errors worth retrying (throttling, 5xx, IDPCommunicationError, no answer). */
  readonly attempts: number;
  /** All attempts together end after this long (an AbortError). */
  readonly deadlineMs: number;
}

export interface AssumedRole {
  readonly credentials: AwsCredentials;
  readonly assumedRoleArn: string;
  /** How many attempts it took. */
  readonly attempts: number;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

function stsClient(target: StsTarget, credentials?: AwsCredentials, maxAttempts = 3): STSClient {
  return new STSClient(clientConfig(target.region, target.endpoint, credentials, maxAttempts, target.timeoutMs));
}

export async function assumeRoleWithWebIdentity(input: AssumeRoleInput): Promise<AssumedRole> {
  // The SDK's standard retry strategy (exponential backoff with jitter) retries throttling, 5xx
  // and IDPCommunicationError, which STS models as retryable.
  const sts = stsClient(input, undefined, input.attempts);
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        WebIdentityToken: input.idToken,
        DurationSeconds: input.durationSeconds,
      }),
      { abortSignal: AbortSignal.timeout(input.deadlineMs) },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw Object.assign(new Error('The STS answer holds no credentials.'), { name: 'MalformedResponse', $metadata: out.$metadata });
    }
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration.toISOString(),
      },
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? '',
      attempts: out.$metadata.attempts ?? 1,
    };
  } finally {
    sts.destroy();
  }
}

export async function getCallerIdentity(target: StsTarget, credentials: AwsCredentials): Promise<CallerIdentity> {
  const sts = stsClient(target, credentials);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
  } finally {
    sts.destroy();
  }
}
