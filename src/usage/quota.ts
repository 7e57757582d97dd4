// The guidance's quota API: GET with the ID token as Bearer, a JSON answer whose shape is
// checked before anything of it is shown. Uses fetch; no vscode here.
import type { QuotaAnswer } from './figures';

export class QuotaError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'QuotaError';
  }
}

function num(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new QuotaError('The quota service answered with figures that are not numbers.', undefined);
  return value;
}

export function parseQuotaAnswer(json: unknown): QuotaAnswer {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.allowed !== 'boolean' || typeof o.reason !== 'string') {
    throw new QuotaError('The quota service answered in a shape this extension does not know.', undefined);
  }
  const u = o.usage as Record<string, unknown> | null | undefined;
  const p = o.policy as Record<string, unknown> | null | undefined;
  return {
    allowed: o.allowed,
    reason: o.reason,
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

export async function fetchQuota(url: string, idToken: string, timeoutMs: number): Promise<QuotaAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${idToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new QuotaError(`The quota service at ${url} could not be reached.`, undefined);
  }
  if (response.status === 401 || response.status === 403) throw new QuotaError('The quota service did not accept your sign-in.', response.status);
  if (!response.ok) throw new QuotaError(`The quota service answered HTTP ${response.status}.`, response.status);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new QuotaError('The quota service answered with something that is not JSON.', response.status);
  }
  return parseQuotaAnswer(json);
}
