// Reading an error's own fields: the network code along its cause chain, whether the service
// answered at all, the AWS error code. Never its message. Pure.

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** A string property somewhere along an error's cause chain (openid-client nests them). */
export function causeProperty(error: unknown, key: string): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const value = (current as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An HTTP status somewhere along an error's cause chain (openid-client keeps the response as the cause). */
export function causeStatus(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const status = (current as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 100 && status < 600) return status;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The network error code (ECONNREFUSED, ...) somewhere in an error's cause chain, if any. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a service could not be reached: no answer in time, or a network error (its code). */
export type Unreachable = { readonly kind: 'noAnswer' } | { readonly kind: 'network'; readonly code: string };

/**
 * Whether an error means the service could not be reached, and why; undefined for any other
 * error. A timeout is told apart by its name first: the AWS SDK's carries ETIMEDOUT as well.
 */
export function unreachable(error: unknown): Unreachable | undefined {
  const e = (error ?? {}) as { name?: unknown; code?: unknown };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'OAUTH_TIMEOUT' || e.code === 'QUOTA_TIMEOUT') return { kind: 'noAnswer' };
  const code = networkCode(error);
  return code ? { kind: 'network', code } : undefined;
}

/** The AWS error code without the SDK's "Exception" suffix: InvalidIdentityToken, AccessDenied, ... */
export function awsErrorCode(error: unknown): string | undefined {
  const e = (error ?? {}) as { name?: string; Code?: string };
  const raw = e.Code ?? e.name;
  if (!raw || raw === 'Error') return undefined;
  return raw === 'ExpiredTokenException' ? 'ExpiredToken' : raw.replace(/Exception$/, '');
}

