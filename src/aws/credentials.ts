// AWS credential shapes and the pure rules around them (session names, endpoints).

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601 instant. */
  readonly expiration: string;
}

const SESSION_NAME_MAX = 64;
const SESSION_NAME_MIN = 2;

/**
 * The RoleSessionName for a user: their email (or, without one, the subject), cleaned to the
 * characters STS accepts ([\w+=,.@-]) and cut to its 64-character limit. The name appears in
 * CloudTrail and in the assumed-role ARN, so it is what the platform team sees.
 */
export function roleSessionName(email: string | undefined, subject: string): string {
  const source = email?.trim() || subject.trim();
  let name = source.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX);
  if (name.length < SESSION_NAME_MIN) name = `user-${name}`.slice(0, SESSION_NAME_MAX);
  return name;
}

/** Connecting takes at most this long (or the whole request timeout, when that is shorter). */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * What every SDK client here is built with: region, endpoint, the session's keys, bounded
 * connection and request timeouts (`timeoutMs`: no answer for this long ends the attempt), and
 * how many attempts a call gets.
 */
export function clientConfig(region: string, endpoint: string, credentials: AwsCredentials | undefined, maxAttempts: number, timeoutMs: number) {
  return {
    region,
    endpoint,
    maxAttempts,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, timeoutMs), requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    credentials: credentials && {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: new Date(credentials.expiration),
    },
  };
}
