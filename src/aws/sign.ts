// SigV4 for a plain HTTPS request made outside an SDK client: the quota API's GET, which the
// guidance signs for `execute-api` with the user's keys when there is no ID token (IAM Identity
// Center). Part of the AWS bundle (dist/aws.js): the SDK's own signer, no vscode imports.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from './credentials';

/** The headers that sign `GET url` for `service` in `region` with `credentials`. */
export async function signedGetHeaders(url: string, credentials: AwsCredentials, region: string, service: string): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { host: target.host, accept: 'application/json' },
    }),
  );
  return signed.headers as Record<string, string>;
}

/** The region an API Gateway URL is in (`<id>.execute-api.<region>.amazonaws.com`), else `fallback`. */
export function apiRegion(url: string, fallback: string): string {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(url).hostname)?.[1] ?? fallback;
}
