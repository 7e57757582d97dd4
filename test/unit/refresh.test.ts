import * as assert from 'node:assert/strict';
import { REFRESH_LEAD_MS, renewalDue, retryDelay } from '../../src/auth/refresh';
import type { StoredSession } from '../../src/auth/sessionModel';

function sessionExpiringAt(ms: number): StoredSession {
  return { credentials: { expiration: new Date(ms).toISOString() } } as StoredSession;
}

describe('renewal timing', () => {
  it('renews five minutes before the credentials expire', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(renewalDue(sessionExpiringAt(now + 60 * 60_000), now), now + 60 * 60_000 - REFRESH_LEAD_MS);
  });

  it('renews at once when that moment has passed', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(renewalDue(sessionExpiringAt(now + 60_000), now), now);
    assert.equal(renewalDue(sessionExpiringAt(now - 60_000), now), now);
  });

  it('backs off exponentially, with jitter, up to five minutes', () => {
    assert.equal(retryDelay(1, () => 1), 15_000);
    assert.equal(retryDelay(2, () => 1), 30_000);
    assert.equal(retryDelay(1, () => 0), 11_250);
    assert.equal(retryDelay(10, () => 1), 300_000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(3);
      assert.ok(d >= 45_000 && d <= 60_000, String(d));
    }
  });
});
