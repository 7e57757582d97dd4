import * as assert from 'node:assert/strict';
import { roleSessionName } from '../../src/aws/credentials';
import { stsEndpointFor } from '../../src/aws/endpoints';

describe('role session names', () => {
  it('uses the email when there is one', () => {
    assert.equal(roleSessionName('alice@example.com', 'sub-1'), 'alice@example.com');
  });

  it('uses the subject without an email, with characters STS refuses replaced', () => {
    assert.equal(roleSessionName(undefined, 'auth0|bob:7f3a'), 'auth0-bob-7f3a');
    assert.equal(roleSessionName('', 'waad/ü user'), 'waad---user');
  });

  it('keeps to 64 characters', () => {
    const name = roleSessionName(`${'a'.repeat(70)}@example.com`, 's');
    assert.equal(name.length, 64);
    assert.match(name, /^[\w+=,.@-]{2,64}$/);
  });

  it('is never shorter than STS allows', () => {
    assert.equal(roleSessionName(undefined, 'x'), 'user-x');
  });
});

describe('STS endpoints', () => {
  it('uses the regional endpoint unless one is configured', () => {
    assert.equal(stsEndpointFor('eu-central-1', undefined), 'https://sts.eu-central-1.amazonaws.com');
    assert.equal(stsEndpointFor('cn-north-1', undefined), 'https://sts.cn-north-1.amazonaws.com.cn');
    assert.equal(stsEndpointFor('us-east-1', 'https://vpce-1.sts.us-east-1.vpce.amazonaws.com'), 'https://vpce-1.sts.us-east-1.vpce.amazonaws.com');
  });
});
