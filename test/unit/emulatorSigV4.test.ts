// The AWS emulator's SigV4 check is what makes "signed by the session's keys" assertions mean
// something: requests signed by the AWS SDK's own signer pass, anything else fails like AWS.
import * as assert from 'node:assert/strict';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4, type KeyRecord } from '../support/aws/sigv4';

const key: KeyRecord = {
  accessKeyId: 'ASIA-TEST-KEY-NOT-REAL',
  secretAccessKey: 'test-secret-key-made-up-for-this-test-0000',
  sessionToken: 'test-session-token',
  expiration: new Date(Date.now() + 3600_000),
};
const lookup = (id: string) => (id === key.accessKeyId ? key : undefined);

async function signed(path: string, body: string, secret = key.secretAccessKey) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: secret, sessionToken: key.sessionToken },
    region: 'us-east-1',
    service: 'bedrock',
    sha256: Hash.bind(null, 'sha256'),
  });
  const [rawPath, query] = path.split('?');
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4000,
      path: rawPath,
      query: Object.fromEntries(new URLSearchParams(query ?? '')),
      headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' },
      body,
    }),
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url: path, headers, body: Buffer.from(body) };
}

describe('the emulator SigV4 check', () => {
  it('accepts what the SDK signer signs, encoded paths and queries included', async () => {
    const request = await signed('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke?a=1&b=x%20y', '{"x":1}');
    const caller = await verifySigV4(request, 'bedrock', 'json', lookup);
    assert.equal(caller.accessKeyId, key.accessKeyId);
    assert.equal(caller.region, 'us-east-1');
  });

  it('refuses a wrong secret, a changed body, and unknown or expired keys, as AWS does', async () => {
    await assert.rejects(verifySigV4(await signed('/x', '{}', 'wrong-secret'), 'bedrock', 'json', lookup), { code: 'SignatureDoesNotMatch' });
    const tampered = { ...(await signed('/x', '{"a":1}')), body: Buffer.from('{"a":2}') };
    await assert.rejects(verifySigV4(tampered, 'bedrock', 'json', lookup), { code: 'XAmzContentSHA256Mismatch' });
    const { ['x-amz-content-sha256']: _, ...withoutHash } = tampered.headers;
    await assert.rejects(verifySigV4({ ...tampered, headers: withoutHash }, 'bedrock', 'json', lookup), /./);
    await assert.rejects(verifySigV4(await signed('/x', '{}'), 'bedrock', 'json', () => undefined), { code: 'UnrecognizedClientException' });
    await assert.rejects(verifySigV4(await signed('/x', '{}'), 'bedrock', 'query', () => undefined), { code: 'InvalidClientTokenId' });
    const expired = { ...key, expiration: new Date(Date.now() - 1000) };
    await assert.rejects(verifySigV4(await signed('/x', '{}'), 'bedrock', 'json', () => expired), { code: 'ExpiredTokenException' });
    await assert.rejects(verifySigV4(await signed('/x', '{}'), 'sts', 'json', lookup), { code: 'SignatureDoesNotMatch' });
  });

  it('refuses a request signed too long ago', async () => {
    const request = await signed('/x', '{}');
    await assert.rejects(verifySigV4(request, 'bedrock', 'json', lookup, new Date(Date.now() + 20 * 60_000)), { code: 'InvalidSignatureException' });
  });

  it('asks for a signature when there is none', async () => {
    await assert.rejects(verifySigV4({ method: 'GET', url: '/', headers: {}, body: Buffer.alloc(0) }, 'bedrock', 'json', lookup), { code: 'MissingAuthenticationToken' });
  });
});
