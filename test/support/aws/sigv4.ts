// SigV4 verification for the AWS emulator: recomputes the signature of an incoming request with
// the secret key the emulator's STS issued (using @smithy/signature-v4, the signer the SDK uses)
// and compares it in constant time. Answers the error AWS would give when it does not match.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface KeyRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface SignedCaller {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly key: KeyRecord;
}

/** An AWS error: HTTP status, error code and message, as the service would send them. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export interface IncomingSigned {
  readonly method: string;
  /** The raw request target, path and query, exactly as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Verifies the request's SigV4 signature. `lookup` finds a key the emulator issued.
 * Throws AwsError (MissingAuthenticationToken, InvalidClientTokenId, ExpiredToken,
 * SignatureDoesNotMatch) the way AWS answers.
 */
/** Query-protocol services (STS) and JSON/REST services name the same errors differently. */
export type Dialect = 'query' | 'json';

const CODES = {
  query: { unknownKey: 'InvalidClientTokenId', expired: 'ExpiredToken' },
  json: { unknownKey: 'UnrecognizedClientException', expired: 'ExpiredTokenException' },
} as const;

export async function verifySigV4(
  request: IncomingSigned,
  expectedService: string,
  dialect: Dialect,
  lookup: (accessKeyId: string) => KeyRecord | undefined,
  now: Date = new Date(),
): Promise<SignedCaller> {
  const codes = CODES[dialect];
  const authorization = header(request.headers, 'authorization');
  if (!authorization) throw new AwsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const m = AUTH.exec(authorization);
  if (!m) throw new AwsError(400, 'IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature.');
  const [, accessKeyId, , region, service, signedHeaderList, signature] = m;
  if (service !== expectedService) {
    throw new AwsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${expectedService}'.`);
  }
  const key = lookup(accessKeyId);
  if (!key || header(request.headers, 'x-amz-security-token') !== key.sessionToken) {
    throw new AwsError(403, codes.unknownKey, 'The security token included in the request is invalid.');
  }
  if (key.expiration.getTime() <= now.getTime()) {
    throw new AwsError(403, codes.expired, 'The security token included in the request is expired');
  }
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) throw new AwsError(400, 'IncompleteSignature', 'X-Amz-Date is missing or malformed.');
  if (Math.abs(signingDate.getTime() - now.getTime()) > MAX_SKEW_MS) {
    throw new AwsError(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than the allowed time window.`);
  }

  // A payload hash in a header stands for the body in the signature, so it must be the body's.
  const declared = header(request.headers, 'x-amz-content-sha256');
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== createHash('sha256').update(request.body).digest('hex')) {
    throw new AwsError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) throw new AwsError(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing.`);
    headers[name] = value;
  }
  const target = new URL(request.url, 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of target.searchParams) {
    const existing = query[name];
    query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const rawPath = request.url.split('?')[0];
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: 'placeholder', path: rawPath, query, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AwsError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { accessKeyId, region, service, key };
}
