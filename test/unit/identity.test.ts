import * as assert from 'node:assert/strict';
import { displayName, identityFromClaims } from '../../src/auth/identity';

describe('identity from ID token claims', () => {
  it('reads email, name, department and groups', () => {
    const identity = identityFromClaims({ sub: 's1', email: 'a@example.com', name: 'A', department: 'Eng', groups: ['g1', 2, 'g2'] });
    assert.deepEqual(identity, { subject: 's1', email: 'a@example.com', name: 'A', department: 'Eng', groups: ['g1', 'g2'], team: undefined, costCenter: undefined });
    assert.equal(identityFromClaims({ sub: 's', team: 'platform', cost_center: 'CC-42' }).costCenter, 'CC-42');
    assert.equal(displayName(identity), 'a@example.com');
  });

  it('falls back to the name, then the subject', () => {
    assert.equal(displayName(identityFromClaims({ sub: 's1', name: 'Bob', email: '' })), 'Bob');
    assert.equal(displayName(identityFromClaims({ sub: 's1', preferred_username: 'bob1' })), 'bob1');
    assert.equal(displayName(identityFromClaims({ sub: 's1' })), 's1');
  });

  it('accepts a single group given as a string (Entra sends arrays, some IdPs do not)', () => {
    assert.deepEqual(identityFromClaims({ sub: 's', groups: 'admins' }).groups, ['admins']);
  });
});
