// Federation through a Cognito identity pool, the pure parts: which name the pool knows the
// identity provider by, the settings it needs, and what each of Cognito's errors tells the user.
import * as assert from 'node:assert/strict';
import { loginKeyFor } from '../../src/auth/flows/cognitoPool';
import { checkCognitoSettings, federationOf } from '../../src/config/groups';
import { cognitoFailure, type ErrorContext } from '../../src/errors/explain';

const ctx: ErrorContext = {
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC',
  clientId: 'client-1',
  region: 'us-east-1',
  identityPoolId: 'us-east-1:4d1e8c52-7f0b-4b4c-9a3e-2f6a1c0b9d7e',
  loginKey: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC',
  endpoint: 'https://cognito-identity.us-east-1.amazonaws.com',
  requestTimeout: 15,
  stsDeadline: 30,
};

function awsError(name: string, status: number) {
  return Object.assign(new Error(name), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

describe('a Cognito identity pool', () => {
  it("knows the identity provider by the issuer without its scheme, as the ID token's iss writes it, unless a setting names it", () => {
    const settings = { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', loginKey: undefined };
    assert.equal(loginKeyFor(settings, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC'), 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC');
    assert.equal(loginKeyFor(settings, undefined), 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc');
    assert.equal(loginKeyFor({ ...settings, loginKey: 'accounts.example.com' }, 'https://x'), 'accounts.example.com');
  });

  it('needs a pool ID when chosen, and no role ARN', () => {
    const base = { issuer: 'https://idp.example.com/', clientId: 'c', federation: 'cognitoIdentityPool' };
    assert.equal(federationOf(base), 'cognitoIdentityPool');
    assert.equal(federationOf({}), 'direct');
    const missing = checkCognitoSettings(base);
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.problems[0].setting : '', /claudeBedrock\.identityPoolId/);
    const bad = checkCognitoSettings({ ...base, identityPoolId: 'my-pool' });
    assert.equal(bad.ok, false);
    const good = checkCognitoSettings({ ...base, identityPoolId: ctx.identityPoolId });
    assert.ok(good.ok && good.value.identityPoolId === ctx.identityPoolId && good.value.loginKey === undefined);
  });

  it("turns each of Cognito's errors into the sentence that names the fix", () => {
    const refused = cognitoFailure(awsError('NotAuthorizedException', 400), ctx);
    assert.equal(refused.kind, 'poolRefused');
    assert.equal(
      refused.message,
      'The Cognito identity pool us-east-1:4d1e8c52-7f0b-4b4c-9a3e-2f6a1c0b9d7e did not accept your sign-in (NotAuthorizedException). Your platform team must add your identity provider https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC to the pool as an OpenID Connect provider named cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC, with the client ID client-1 (or set claudeBedrock.cognitoLoginKey to the name the pool uses); then sign in again.',
    );
    const missing = cognitoFailure(awsError('ResourceNotFoundException', 400), ctx);
    assert.equal(missing.kind, 'poolNotFound');
    assert.match(missing.message, /^There is no Cognito identity pool us-east-1:4d1e8c52-\S+ in us-east-1\. Check claudeBedrock\.identityPoolId/);
    assert.equal(cognitoFailure(awsError('InvalidParameterException', 400), ctx).kind, 'poolNotFound');
    const throttled = cognitoFailure(awsError('TooManyRequestsException', 400), ctx);
    assert.equal(throttled.kind, 'throttled');
    assert.ok(throttled.transient);
    const failed = cognitoFailure(awsError('InternalErrorException', 500), ctx);
    assert.equal(failed.kind, 'poolError');
    assert.ok(failed.transient);
    const unreachable = cognitoFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), ctx);
    assert.match(unreachable.message, /^Could not reach Cognito Identity at https:\/\/cognito-identity\.us-east-1\.amazonaws\.com \(ECONNREFUSED\)\./);
  });
});
