import * as assert from 'node:assert/strict';
import { RENEWAL_BACKOFF } from '../../src/auth/renewal';
import { MODEL_CHECK_BACKOFF } from '../../src/models/modelService';
import { Backoff } from '../../src/util/backoff';

describe('the backoff', () => {
  it('backs off exponentially, with jitter, up to five minutes (renewal)', () => {
    const backoff = new Backoff(RENEWAL_BACKOFF);
    assert.equal(backoff.delay(1, () => 1), 15_000);
    assert.equal(backoff.delay(2, () => 1), 30_000);
    assert.equal(backoff.delay(1, () => 0), 11_250);
    assert.equal(backoff.delay(10, () => 1), 300_000);
    for (let i = 0; i < 100; i++) {
      const d = backoff.delay(3);
      assert.ok(d >= 45_000 && d <= 60_000, String(d));
    }
  });

  it('counts failures in a row, and starts again from the base after a reset', () => {
    const backoff = new Backoff({ ...MODEL_CHECK_BACKOFF, random: () => 1 });
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [5_000, 10_000, 20_000]);
    assert.equal(backoff.failures, 3);
    backoff.reset();
    assert.equal(backoff.failures, 0);
    assert.equal(backoff.next(), 5_000);
  });

  it('never waits longer than its cap, however long the failures go on', () => {
    const backoff = new Backoff({ baseMs: 1_000, capMs: 60_000, jitter: [0.5, 1], random: () => 0.999 });
    for (let i = 0; i < 60; i++) assert.ok(backoff.next() <= 60_000);
  });
});
