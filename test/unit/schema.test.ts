import * as assert from 'node:assert/strict';
import { checkModelSettings, checkSignInSettings, checkUsageSettings, DEFAULTS } from '../../src/config/groups';

const valid = {
  issuer: 'https://example.okta.com/oauth2/default',
  clientId: '0oa1abc',
  roleArn: 'arn:aws:iam::123456789012:role/ClaudeCodeBedrock',
};

function problems(raw: Record<string, unknown>): string[] {
  const checked = checkSignInSettings(raw);
  return checked.ok ? [] : checked.problems.map((p) => `${p.setting} ${p.problem}`);
}

describe('sign-in settings', () => {
  it('fills the defaults a platform team usually leaves alone', () => {
    const checked = checkSignInSettings(valid);
    assert.ok(checked.ok);
    assert.equal(checked.value.scopes, DEFAULTS.scopes);
    assert.equal(checked.value.region, 'us-east-1');
    assert.equal(checked.value.redirectPort, 8400);
    assert.equal(checked.value.sessionDuration, 3600);
    assert.equal(checked.value.signInTimeout, 300);
    assert.equal(checked.value.requestTimeout, 15);
    assert.equal(checked.value.stsEndpoint, undefined);
  });

  it('keeps issuer URLs exactly as written, trailing slash and all', () => {
    for (const issuer of ['https://x.auth0.com/', 'https://login.microsoftonline.com/tenant/v2.0', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc']) {
      const checked = checkSignInSettings({ ...valid, issuer });
      assert.ok(checked.ok);
      assert.equal(checked.value.issuer, issuer);
    }
  });

  it('names each missing setting', () => {
    assert.deepEqual(
      problems({}).map((p) => p.split(' ')[0]),
      ['claudeBedrock.issuer', 'claudeBedrock.clientId', 'claudeBedrock.roleArn'],
    );
  });

  it('accepts plain http only for an IdP on this machine', () => {
    assert.deepEqual(problems({ ...valid, issuer: 'http://127.0.0.1:4000/tenant/' }), []);
    assert.deepEqual(problems({ ...valid, issuer: 'http://localhost:4000/' }), []);
    assert.match(problems({ ...valid, issuer: 'http://idp.example.com/' })[0], /must be an https:\/\/ URL/);
    assert.match(problems({ ...valid, stsEndpoint: 'http://sts.example.com' })[0], /claudeBedrock\.stsEndpoint must be an https/);
    assert.match(problems({ ...valid, issuer: 'not a url' })[0], /is not a valid URL/);
  });

  it('checks the role ARN, region and scopes', () => {
    assert.match(problems({ ...valid, roleArn: 'ClaudeCodeBedrock' })[0], /is not an IAM role ARN/);
    assert.deepEqual(problems({ ...valid, roleArn: 'arn:aws-us-gov:iam::123456789012:role/path/Name' }), []);
    assert.match(problems({ ...valid, region: 'Virginia' })[0], /is not an AWS region/);
    assert.match(problems({ ...valid, scopes: 'email profile' })[0], /must include "openid"/);
  });

  it('keeps numbers within their ranges', () => {
    assert.match(problems({ ...valid, sessionDuration: 899 })[0], /sessionDuration must be a whole number from 900 to 43200/);
    assert.match(problems({ ...valid, sessionDuration: 43201 })[0], /from 900 to 43200/);
    assert.match(problems({ ...valid, redirectPort: 80 })[0], /redirectPort must be a whole number from 1024 to 65535/);
    assert.match(problems({ ...valid, redirectPort: 8400.5 })[0], /whole number/);
    const checked = checkSignInSettings({ ...valid, sessionDuration: 43200, redirectPort: '8500' });
    assert.ok(checked.ok);
    assert.equal(checked.value.redirectPort, 8500);
  });

  it('gives sign-in, the model check and usage one request timeout, checked alike', () => {
    assert.match(problems({ ...valid, requestTimeout: 0 })[0], /claudeBedrock\.requestTimeout must be a whole number from 1 to 120/);
    assert.match(problems({ ...valid, requestTimeout: 121 })[0], /from 1 to 120/);
    const models = checkModelSettings({ requestTimeout: 2 });
    const usage = checkUsageSettings({ requestTimeout: 2 });
    assert.ok(models.ok && usage.ok);
    assert.equal(models.value.requestTimeout, 2);
    assert.equal(usage.value.requestTimeout, 2);
    const bad = checkUsageSettings({ requestTimeout: 'soon' });
    assert.ok(!bad.ok);
    assert.equal(bad.problems[0].setting, 'claudeBedrock.requestTimeout');
  });
});
