// The guidance's quota API: GET with the ID token as Bearer, a JSON answer whose shape is
// checked before anything of it is used. Uses fetch; no vscode here. Its failures carry codes
// (QUOTA_*) that the error table (errors/explain.ts) turns into sentences; a network failure
// or a timeout is thrown as fetch threw it.
import type { AwsCredentials } from '../aws/credentials';

/** The quota API's answer (aws-guidance-contracts.md). */
export interface QuotaAnswer {
  readonly allowed: boolean;
  readonly reason: string;
  /** The service's own words, when it gives them. */
  readonly message?: string;
  readonly usage: {
    readonly monthly_tokens: number;
    readonly monthly_limit: number;
    readonly monthly_percent: number;
    readonly daily_tokens: number;
    readonly daily_limit: number;
    readonly daily_percent: number;
  } | null;
  readonly policy: { readonly type: string; readonly identifier?: string } | null;
}

export type QuotaErrorCode = 'QUOTA_REJECTED' | 'QUOTA_HTTP' | 'QUOTA_NOT_JSON' | 'QUOTA_SHAPE' | 'QUOTA_NOT_NUMBERS' | 'QUOTA_NO_TOKEN';

export class QuotaError extends Error {
  constructor(
    readonly code: QuotaErrorCode,
    message: string,
    readonly status: number | undefined = undefined,
  ) {
    super(message);
    this.name = 'QuotaError';
  }
}

function num(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new QuotaError('QUOTA_NOT_NUMBERS', 'The quota answer holds figures that are not numbers.');
  return value;
}

/** `text` as one line of at most `max` characters: control characters and runs of space made one space. */
export function oneLine(text: string, max: number): string {
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, max);
}

export function parseQuotaAnswer(json: unknown): QuotaAnswer {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.allowed !== 'boolean' || typeof o.reason !== 'string') {
    throw new QuotaError('QUOTA_SHAPE', 'The quota answer is not of the shape this extension knows.');
  }
  const u = o.usage as Record<string, unknown> | null | undefined;
  const p = o.policy as Record<string, unknown> | null | undefined;
  // The service's own words reach the user: one line of text (no control characters, which a
  // terminal would obey), of a sensible length.
  const message = typeof o.message === 'string' ? oneLine(o.message, 300) : undefined;
  return {
    allowed: o.allowed,
    reason: o.reason,
    ...(message ? { message } : {}),
    usage: u
      ? {
          monthly_tokens: num(u.monthly_tokens),
          monthly_limit: num(u.monthly_limit),
          monthly_percent: num(u.monthly_percent),
          daily_tokens: num(u.daily_tokens),
          daily_limit: num(u.daily_limit),
          daily_percent: num(u.daily_percent),
        }
      : null,
    policy: p && typeof p.type === 'string' ? { type: p.type } : null,
  };
}

/** The quota API asked with the user's ID token as Bearer. */
export function fetchQuota(url: string, idToken: string, timeoutMs: number): Promise<QuotaAnswer> {
  return fetchQuotaWith(url, { Authorization: `Bearer ${idToken}`, Accept: 'application/json' }, timeoutMs);
}

/** What signing the quota API's GET takes (the AWS bundle, loaded on first use). */
export interface QuotaSigner {
  signedGetHeaders(url: string, credentials: AwsCredentials, region: string, service: string): Promise<Record<string, string>>;
  apiRegion(url: string, fallback: string): string;
}

/**
 * The quota API asked with the user's keys (SigV4, execute-api), as the guidance does for
 * sign-ins without ID tokens; the API's region from its URL, else `region()`.
 */
export function signedQuotaFetch(signer: () => QuotaSigner, region: () => string): (url: string, credentials: AwsCredentials, timeoutMs: number) => Promise<QuotaAnswer> {
  return async (url, credentials, timeoutMs) => {
    const aws = signer();
    return fetchQuotaWith(url, await aws.signedGetHeaders(url, credentials, aws.apiRegion(url, region()), 'execute-api'), timeoutMs);
  };
}

/** The quota API asked with these headers (a Bearer token, or a SigV4 signature). */
export async function fetchQuotaWith(url: string, headers: Record<string, string>, timeoutMs: number): Promise<QuotaAnswer> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (response.status === 401 || response.status === 403) throw new QuotaError('QUOTA_REJECTED', `The quota service answered HTTP ${response.status}.`, response.status);
  if (!response.ok) throw new QuotaError('QUOTA_HTTP', `The quota service answered HTTP ${response.status}.`, response.status);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new QuotaError('QUOTA_NOT_JSON', 'The quota answer is not JSON.', response.status);
  }
  return parseQuotaAnswer(json);
}
