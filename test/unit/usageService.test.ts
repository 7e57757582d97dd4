// Usage polling: one read per refresh interval for all windows, none while nobody looks,
// backing off when CloudWatch throttles, the last figures kept when a read fails.
import * as assert from 'node:assert/strict';
import type { UsageData, UsageQuery } from '../../src/aws/cloudwatch';
import { UsageService } from '../../src/usage/usageService';
import { awsError } from './fakes/clients';
import { FakeWindowFocus } from './fakes/editor';
import { useMachine, type Machine, type Window } from './sessionWorld';
import { until } from './windowsHelpers';

const MINUTE = 60_000;

/** CloudWatch's answers: a month of 10k tokens a day, or the errors queued. */
class FakeCloudWatch {
  readonly queries: UsageQuery[] = [];
  readonly faults: Error[] = [];
  readonly fetchUsage = async (query: UsageQuery): Promise<UsageData> => {
    this.queries.push(query);
    const fault = this.faults.shift();
    if (fault) throw fault;
    return { days: Array.from({ length: 23 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, tokens: 10_000, cost: 0.1 })), hasCost: true };
  };
}

describe('usage polling', () => {
  const world = useMachine({ monthlyTokenLimit: 1_000_000 });
  let m: Machine;

  async function windowWithUsage(options: { focus?: FakeWindowFocus; cloudWatch?: FakeCloudWatch } = {}) {
    const window = await world.window();
    const focus = options.focus ?? new FakeWindowFocus();
    const cloudWatch = options.cloudWatch ?? new FakeCloudWatch();
    const usage = new UsageService({
      sessions: window.core,
      quota: window.quota,
      config: window.config,
      channel: window.channel,
      fetchUsage: cloudWatch.fetchUsage,
      focus,
      log: window.log,
      clock: m.clock,
      random: () => 1,
    });
    world.cleanup(() => usage.dispose());
    return { window, usage, focus, cloudWatch };
  }

  async function signedIn(w: { window: Window; usage: UsageService }, user = 'alice'): Promise<void> {
    m.idp.next = user;
    await w.window.signIn.signIn();
    w.usage.trackUser();
  }

  beforeEach(() => (m = world.m));

  it('reads once at sign-in, then once per refresh interval while a window has focus', async () => {
    const w = await windowWithUsage();
    await signedIn(w);
    await m.clock.advance(0);
    await until('the first read', () => w.usage.state.figures !== undefined);
    assert.equal(w.cloudWatch.queries.length, 1);
    assert.equal(w.cloudWatch.queries[0].email, 'alice@example.com');
    assert.equal(w.usage.state.figures?.monthTokens, 230_000);
    assert.equal(Math.round(w.usage.state.figures?.monthPercent ?? 0), 23);
    await m.clock.advance(4 * MINUTE);
    assert.equal(w.cloudWatch.queries.length, 1, 'not before the interval');
    await m.clock.advance(1 * MINUTE + 2_000);
    await until('the second read', () => w.cloudWatch.queries.length === 2);
  });

  it('reads nothing while no window has focus, and reads again when one has it', async () => {
    const w = await windowWithUsage();
    await signedIn(w);
    await m.clock.advance(0);
    await until('the first read', () => w.cloudWatch.queries.length === 1);
    w.focus.focus(false);
    await m.clock.advance(30 * MINUTE);
    await until('the pause', () => w.usage.state.paused);
    assert.equal(w.cloudWatch.queries.length, 1);
    w.focus.focus(true);
    await m.clock.advance(0);
    await until('a read on focus', () => w.cloudWatch.queries.length === 2);
    assert.equal(w.usage.state.paused, false);
  });

  it('backs off while CloudWatch throttles, says when it tries again, and recovers by itself', async () => {
    const w = await windowWithUsage();
    await signedIn(w);
    w.cloudWatch.faults.push(awsError('Throttling', 400), awsError('Throttling', 400));
    await m.clock.advance(0);
    await until('the throttled read', () => w.usage.state.stale !== undefined);
    assert.equal(w.usage.state.stale, 'CloudWatch is throttling requests; trying again in 5 min.');
    await m.clock.advance(5 * MINUTE + 2_000);
    await until('the second throttled read', () => w.cloudWatch.queries.length === 2);
    await until('the longer wait', () => w.usage.state.stale === 'CloudWatch is throttling requests; trying again in 10 min.');
    await m.clock.advance(5 * MINUTE + 2_000);
    assert.equal(w.cloudWatch.queries.length, 2, 'still backing off');
    await m.clock.advance(5 * MINUTE + 2_000);
    await until('the figures', () => w.usage.state.figures !== undefined && w.usage.state.stale === undefined);
  });

  it('keeps the last figures, marked stale with the reason, when a read fails', async () => {
    const w = await windowWithUsage();
    await signedIn(w);
    await m.clock.advance(0);
    await until('the first read', () => w.usage.state.figures !== undefined);
    w.cloudWatch.faults.push(awsError('AccessDeniedException', 400));
    await w.usage.refresh();
    assert.equal(w.usage.state.stale, 'Your role may not read CloudWatch metrics (cloudwatch:GetMetricData). Ask your platform team to allow it.');
    assert.equal(w.usage.state.figures?.monthTokens, 230_000, 'the last figures stay');
  });

  it('reads once for all windows, and every window shows the figures', async () => {
    const cloudWatch = new FakeCloudWatch();
    const [a, b, c] = [await windowWithUsage({ cloudWatch }), await windowWithUsage({ cloudWatch }), await windowWithUsage({ cloudWatch })];
    await a.window.signIn.signIn();
    await until('every window to be signed in', () => [b, c].every((w) => w.window.core.state.kind === 'signedIn'));
    for (const w of [a, b, c]) w.usage.trackUser();
    await m.clock.advance(0);
    await until('every window to have the figures', () => [a, b, c].every((w) => w.usage.state.figures !== undefined));
    assert.equal(cloudWatch.queries.length, 1);
    for (let interval = 2; interval <= 4; interval++) {
      await m.clock.advance(5 * MINUTE + 2_000);
      await until(`read ${interval}`, () => cloudWatch.queries.length >= interval);
    }
    await m.clock.advance(MINUTE);
    assert.equal(cloudWatch.queries.length, 4, 'one read per interval, however many windows');
  });

  it('says why there is no usage for a sign-in without an email, and reads nothing', async () => {
    const w = await windowWithUsage();
    await signedIn(w, 'bob');
    await m.clock.advance(0);
    assert.match(w.usage.state.stale ?? '', /^Your sign-in carries no email/);
    assert.equal(w.cloudWatch.queries.length, 0);
  });

  it("takes the limits and a block from the quota gate's answer: one answer for the sign-in's check and the first figures", async () => {
    m.settings.set('claudeBedrock.quotaApiUrl', 'https://quota.example.com/check');
    const w = await windowWithUsage();
    await signedIn(w);
    await m.clock.advance(0);
    await until('the figures', () => w.usage.state.figures !== undefined);
    assert.deepEqual(m.quota.calls.map((c) => c.subject), ['alice'], 'asked once, before the keys were minted');
    assert.equal(w.usage.state.figures?.limits.source, 'quota API');
    assert.equal(w.usage.state.figures?.limits.monthlyTokens, 5_000_000);
    // Blocked at the next refresh: the figures say so, and the quota service is asked once for it.
    m.quota.blocked.set('alice', { reason: 'monthly_exceeded' });
    await m.clock.advance(5 * MINUTE + 2_000);
    await until('the block', () => w.usage.state.figures?.level === 'blocked');
    assert.equal(m.quota.calls.length, 2);
    assert.equal(w.usage.state.verdict?.kind, 'blocked');
  });

  it('notes that the quota service failed, and takes the limits from the settings meanwhile', async () => {
    m.settings.set('claudeBedrock.quotaApiUrl', 'https://quota.example.com/check');
    const w = await windowWithUsage();
    m.quota.faults.push(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    await signedIn(w);
    await m.clock.advance(0);
    await until('the figures', () => w.usage.state.figures !== undefined);
    assert.equal(w.usage.state.note, 'Your quota could not be checked: The quota service at https://quota.example.com/check could not be reached (ECONNREFUSED). Limits come from your settings until it answers.');
    assert.equal(w.usage.state.figures?.limits.source, 'settings');
  });
});
