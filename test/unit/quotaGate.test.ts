// The quota gate, as fast unit tests: asked before every mint (sign-in, renewal) and every few
// minutes, what a blocked user gets (no keys, one notification, the sentence), how keys flow again
// when the service allows, the fail modes, windows sharing one check, and the words. The
// extension's own classes throughout; fakes only of VS Code's API, the IdP, STS, the quota
// service and the clock.
import * as assert from 'node:assert/strict';
import { gateFor, type Admission } from '../../src/auth/flows/flow';
import { parseQuotaAnswer } from '../../src/quota/answer';
import { failedVerdict, resetText, verdictOf } from '../../src/quota/verdict';
import { useMachine, type Machine } from './sessionWorld';
import { until } from './windowsHelpers';

const MINUTE = 60_000;
const URL = 'https://quota.example.com/check';

describe('the quota gate', () => {
  const world = useMachine({ quotaApiUrl: URL });
  let m: Machine;
  beforeEach(() => (m = world.m));

  it('asks before the sign-in mints keys, and a blocked user gets none: no STS call, nothing stored, the sentence (sign in again once allowed, with Sign In)', async () => {
    const w = await world.window();
    m.quota.blocked.set('alice', { reason: 'monthly_exceeded', message: 'Ask finance for more.' });
    assert.equal(await w.signIn.signIn(), undefined);
    assert.equal(m.sts.calls, 0, 'no keys minted');
    assert.equal(w.secrets.values.size, 0);
    assert.equal(w.core.state.kind, 'signedOut');
    assert.equal(w.notify.shown.length, 1, 'one notification: the sign-in says it, the gate does not repeat it');
    // No session is kept: nothing comes back "without a new sign-in", and there is no usage to show.
    assert.match(
      w.notify.shown[0].message,
      /^Claude Code is blocked: your monthly token quota is used up\. The quota service says: "Ask finance for more\." It resets (on 1 \w+ \(UTC\)|at midnight UTC, in (\d+ h )?\d+ min): sign in again then, or as soon as your platform team lifts the block\. No sign-in is kept while you are blocked\.$/,
    );
    assert.deepEqual(w.notify.shown[0].buttons, ['signIn']);
    assert.match(await w.browser.pages[0], /^Sign-in failed: Claude Code is blocked/);
    assert.ok(w.ui.messages.includes('Checking your quota…'));
  });

  it('blocks mid-session at the recheck: no keys handed out, one notification however many checks, the session kept', async () => {
    const w = await world.window();
    const session = (await w.signIn.signIn())!;
    assert.equal(m.quota.calls.length, 1);
    assert.ok(await w.keys.credentials());
    m.quota.blocked.set('alice', { reason: 'daily_exceeded' });
    await m.clock.advance(30 * MINUTE);
    await until('the block', () => w.quota.verdict?.kind === 'blocked');
    assert.equal(m.quota.calls.length, 2);
    assert.equal(await w.keys.credentials(), undefined);
    assert.match(w.keys.refusal() ?? '', /^Claude Code is blocked: today's token quota is used up\. It resets at midnight UTC, in \d+ h \d+ min; Claude Code works again then, without a new sign-in\.$/);
    // The renewal before expiry asks too, and mints nothing.
    const stsCalls = m.sts.calls;
    await m.clock.advance(30 * MINUTE);
    await until('the renewal to ask', () => m.quota.calls.length === 3);
    assert.equal(m.sts.calls, stsCalls);
    await m.clock.advance(10 * MINUTE);
    assert.equal(w.notify.shown.filter((n) => n.message.startsWith('Claude Code is blocked')).length, 1);
    // The keys have expired: still signed in (blocked, not signed out), and the refresh token kept.
    assert.ok(m.clock.now() > Date.parse(session.credentials.expiration));
    assert.equal(w.core.state.kind, 'signedIn');
    assert.ok(w.store.session?.refreshToken);
    assert.equal(w.store.session?.renewalFailed, undefined);
  });

  it('lets keys flow again at the next check once the service allows, with no browser, and says so once', async () => {
    const w = await world.window();
    await w.signIn.signIn();
    m.quota.blocked.set('alice', { reason: 'monthly_exceeded' });
    await m.clock.advance(65 * MINUTE);
    await until('the block', () => w.quota.verdict?.kind === 'blocked');
    assert.equal(await w.keys.credentials(), undefined);
    m.quota.blocked.delete('alice');
    await m.clock.advance(30 * MINUTE);
    await until('new keys', async () => (await w.keys.credentials()) !== undefined);
    assert.equal(m.idp.authorizations, 1, 'no new browser sign-in');
    assert.equal(w.notify.shown.filter((n) => n.message.startsWith('Your quota allows Claude Code again')).length, 1);
  });

  it('keeps checking when a timer fires a moment early and finds the last answer still fresh', async () => {
    // Twelve-hour keys and ID tokens: only the recheck timer asks in these 90 minutes.
    m.settings.set('claudeBedrock.sessionDuration', 43200);
    m.idp.idTokenSeconds = 43200;
    const w = await world.window();
    await w.signIn.signIn();
    m.clock.early = 1;
    await m.clock.advance(30 * MINUTE);
    await m.clock.advance(30 * MINUTE);
    await m.clock.advance(30 * MINUTE);
    assert.equal(m.quota.calls.length, 4, 'the sign-in, and a check every 30 minutes');
  });

  it('fails open by default: keys flow, and the verdict says the quota could not be checked', async () => {
    const w = await world.window();
    m.quota.faults.push(Object.assign(new Error('Internal error'), { name: 'QuotaError', code: 'QUOTA_HTTP', status: 502 }));
    assert.ok(await w.signIn.signIn());
    assert.equal(w.quota.verdict?.kind, 'unchecked');
    assert.ok(await w.keys.credentials());
  });

  it('fails closed when the organisation says so: no keys, with the reason', async () => {
    m.settings.set('claudeBedrock.quotaFailMode', 'closed');
    const w = await world.window();
    m.quota.faults.push(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    assert.equal(await w.signIn.signIn(), undefined);
    assert.equal(m.sts.calls, 0);
    assert.equal(
      w.notify.shown[0].message,
      'Claude Code is blocked: your quota could not be checked. The quota service at https://quota.example.com/check could not be reached (ECONNREFUSED). Your organisation hands out no credentials without that check: sign in again once the quota service answers.',
    );
  });

  it('blocks a user whose ID token has no email: the gate needs only the token', async () => {
    const w = await world.window();
    m.idp.next = 'bob';
    assert.ok(await w.signIn.signIn());
    m.quota.blocked.set('bob', { reason: 'monthly_exceeded' });
    await m.clock.advance(30 * MINUTE);
    await until('the block', () => w.keys.refusal() !== undefined);
    assert.equal(await w.keys.credentials(), undefined);
  });

  it('asks once per check for all windows, and every window refuses', async () => {
    const a = await world.window();
    const b = await world.window();
    await a.signIn.signIn();
    await until('b to follow the sign-in', () => b.core.state.kind === 'signedIn');
    const before = m.quota.calls.length;
    m.quota.blocked.set('alice', { reason: 'monthly_exceeded' });
    await m.clock.advance(30 * MINUTE);
    await until('both windows to know', () => a.keys.refusal() !== undefined && b.keys.refusal() !== undefined);
    assert.equal(m.quota.calls.length - before, 1);
  });

  it('does not keep keys a flow minted without passing the gate', async () => {
    const admission: Admission = { enabled: true, admit: async () => undefined };
    assert.throws(() => gateFor(admission, true).check(), /without asking the quota gate/);
    const passed = gateFor(admission, false);
    await passed.admit({ subject: 's', idToken: 't' });
    passed.check();
    assert.doesNotThrow(() => gateFor({ enabled: false, admit: async () => undefined }, true).check());
  });
});

describe('what the quota verdict says', () => {
  const NOW = Date.UTC(2026, 10, 23, 20, 40);

  it('names the reason, the reset, and the service\'s own words', () => {
    const monthly = verdictOf(parseQuotaAnswer({ allowed: false, reason: 'monthly_exceeded', message: '  Limit\nreached ', usage: null, policy: null }), NOW);
    assert.equal(monthly.kind, 'blocked');
    assert.equal(
      monthly.kind === 'blocked' && monthly.sentence,
      'Claude Code is blocked: your monthly token quota is used up. The quota service says: "Limit reached." It resets on 1 December (UTC); Claude Code works again then, without a new sign-in.',
    );
    assert.equal(monthly.kind === 'blocked' && monthly.why, 'monthly token quota used up');
    assert.equal(monthly.kind === 'blocked' && monthly.resetsAt, Date.UTC(2026, 11, 1));
    const cost = verdictOf({ allowed: false, reason: 'daily_cost_exceeded', usage: null, policy: null }, NOW);
    assert.match(cost.kind === 'blocked' ? cost.sentence : '', /^Claude Code is blocked: today's cost limit is reached\. It resets at midnight UTC, in 3 h 20 min;/);
    const who = verdictOf({ allowed: false, reason: 'missing_identity', usage: null, policy: null }, NOW);
    assert.match(who.kind === 'blocked' ? who.sentence : '', /could not tell who you are\. Ask your platform team/);
    assert.equal(verdictOf({ allowed: true, reason: 'unblocked', usage: null, policy: null }, NOW).kind, 'allowed');
  });

  it('follows the fail mode when the service could not be asked', () => {
    assert.deepEqual(failedVerdict('The quota service answered HTTP 502.', 'open', 30, NOW), { kind: 'unchecked', problem: 'The quota service answered HTTP 502.', at: NOW });
    const closed = failedVerdict('The quota service answered HTTP 502.', 'closed', 30, NOW);
    assert.equal(closed.kind === 'blocked' && closed.why, 'quota service not answering');
    assert.match(closed.kind === 'blocked' ? closed.sentence : '', /could not be checked\. The quota service answered HTTP 502\. Your organisation hands out no credentials without that check; it is checked again within 30 min/);
  });

  it('says when a reset is, in UTC', () => {
    assert.equal(resetText(NOW + 45 * MINUTE, NOW), 'at midnight UTC, in 45 min');
    assert.equal(resetText(Date.UTC(2027, 0, 1), NOW), 'on 1 January (UTC)');
  });
});
