// Usage from Claude Code's session records: parsing lines, the price table, the tally's figures.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tally } from '../../src/usage/localFigures';
import { costOf, priceOf, PRICES_AS_OF, PRICES_SOURCE } from '../../src/usage/prices';
import { parseLine, type ParsedLine, type UsageRecord } from '../../src/usage/records';
import { answerLines, costStateLine, userLine } from '../support/sessionRecords';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'claudeCodeSession.jsonl');
const NOW = Date.parse('2026-11-23T12:00:00Z');
const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const SONNET_GLOBAL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_US = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NONE = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };

function fixtureLines(): string[] {
  return readFileSync(FIXTURE, 'utf8').split('\n').filter((line) => line.length > 0);
}

function usageOf(parsed: ParsedLine): UsageRecord {
  assert.equal(parsed.kind, 'usage');
  return (parsed as { usage: UsageRecord }).usage;
}

function answer(id: string, at: number, usage: Partial<typeof NONE>, extra: { model?: string; answeredModel?: string; sessionId?: string; cwd?: string; blocks?: number } = {}): string[] {
  return answerLines({
    sessionId: extra.sessionId ?? 's1',
    at,
    model: extra.model ?? SONNET_GLOBAL,
    answeredModel: extra.answeredModel,
    messageId: `msg_${id}`,
    requestId: `req_${id}`,
    cwd: extra.cwd,
    usage: { ...NONE, ...usage },
    blocks: Array.from({ length: extra.blocks ?? 1 }, (_, i) => ({ type: 'text', text: `block ${i}` })),
  });
}

function tallyOf(lines: string[], tally = new Tally({ dayOf: utcDay })): Tally {
  for (const line of lines) tally.add(parseLine(line));
  return tally;
}

describe('session records', () => {
  describe('parsing a line', () => {
    it('reads the real CLI session: one answer of three content blocks counted once, with its cache split', () => {
      const parsed = fixtureLines().map(parseLine);
      const usages = parsed.filter((p) => p.kind === 'usage').map(usageOf);
      assert.equal(usages.length, 3, 'Claude Code wrote one assistant record per content block');
      assert.equal(new Set(usages.map((u) => u.key)).size, 1);
      assert.equal(usages[0].key, 'msg_bdrk_0001abc:req-1');
      assert.equal(usages[0].model, SONNET_US);
      assert.equal(usages[0].answeredModel, 'claude-sonnet-4-5-20250929');
      assert.equal(usages[0].project, '/home/dev/projects/myproject');
      assert.equal(usages[0].version, '2.1.330');
      assert.deepEqual(usages[0].tokens, { input: 1001, output: 77, cacheWrite5m: 1500, cacheWrite1h: 500, cacheRead: 3000 });
      assert.equal(parsed.filter((p) => p.kind === 'cost').length, 1);
      assert.equal(parsed.filter((p) => p.kind === 'unreadable').length, 0);
      const tally = tallyOf(fixtureLines());
      assert.equal(tally.counted, 1);
      assert.equal(tally.duplicates, 2);
    });

    it('ignores record types and fields it does not know, and synthetic answers', () => {
      assert.deepEqual(parseLine('{"type":"brand-new-type","sessionId":"s"}'), { kind: 'ignored' });
      const [line] = answer('a', NOW, { input: 5 });
      const withExtra = JSON.stringify({ ...JSON.parse(line), somethingNew: { deep: [1, 2] } });
      assert.equal(usageOf(parseLine(withExtra)).tokens.input, 5);
      const synthetic = JSON.parse(line);
      synthetic.message.model = '<synthetic>';
      delete synthetic.requestedModel;
      assert.deepEqual(parseLine(JSON.stringify(synthetic)), { kind: 'ignored' });
      const noUsage = JSON.parse(line);
      delete noUsage.message.usage;
      assert.deepEqual(parseLine(JSON.stringify(noUsage)), { kind: 'ignored' });
    });

    it('calls garbage and wrong shapes unreadable, never throwing', () => {
      for (const line of ['not json', '{"type":"assistant"', '[1,2]', 'null', '{"type":"assistant","message":"text"}', '{"type":"assistant","message":{"usage":5,"model":"m"}}']) {
        assert.deepEqual(parseLine(line), { kind: 'unreadable' }, line);
      }
    });

    it('takes missing usage fields as 0 and all cache writes as 5-minute ones without the split', () => {
      const record = JSON.parse(answer('a', NOW, {})[0]);
      record.message.usage = { output_tokens: 9, cache_creation_input_tokens: 700 };
      assert.deepEqual(usageOf(parseLine(JSON.stringify(record))).tokens, { input: 0, output: 9, cacheWrite5m: 700, cacheWrite1h: 0, cacheRead: 0 });
    });

    it('reads cost-state as the session running totals', () => {
      const parsed = parseLine(costStateLine({ sessionId: 's9', totalCostUSD: 1.25, linesAdded: 10, linesRemoved: 2 }));
      assert.deepEqual(parsed, { kind: 'cost', cost: { sessionId: 's9', at: undefined, totalCostUSD: 1.25, linesAdded: 10, linesRemoved: 2, unknownModelCost: false } });
    });
  });

  describe('prices', () => {
    it('says its date and source', () => {
      assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(PRICES_SOURCE, /Bedrock/);
    });

    it('prices model IDs, profile IDs and ARNs, with geographic profiles 10% over global from Sonnet 4.5 on', () => {
      assert.deepEqual(priceOf(SONNET_GLOBAL), { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 });
      const us = priceOf(SONNET_US)!;
      assert.ok(Math.abs(us.input - 3.3) < 1e-9 && Math.abs(us.output - 16.5) < 1e-9);
      assert.equal(priceOf('arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0')?.input, 3);
      assert.ok(Math.abs(priceOf('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0')!.input - 1.1) < 1e-9);
      assert.equal(priceOf('global.anthropic.claude-opus-4-6-v1')?.output, 25);
      assert.equal(priceOf('us.anthropic.claude-opus-4-1-20250805-v1:0')?.input, 15, 'Opus 4.1 costs the same everywhere');
      assert.equal(priceOf('eu.anthropic.claude-3-7-sonnet-20250219-v1:0')?.input, 3);
      assert.equal(priceOf('anthropic.claude-3-5-haiku-20241022-v1:0')?.input, 0.8);
      assert.equal(priceOf('global.anthropic.claude-opus-5')?.input, 5);
      assert.deepEqual(priceOf('global.anthropic.claude-fable-5-2'), { input: 8, output: 40, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.2 }, "Claude Code's own figures for Fable 5.2");
      assert.equal(priceOf('global.anthropic.claude-fable-5-1')?.cacheRead, 0.25);
      assert.equal(priceOf('us.anthropic.claude-haiku-5-5'), undefined, 'Haiku 5.5 steps up past 100K prompt tokens: unknown rather than a flat rate');
      assert.equal(priceOf('claude-sonnet-4-5-20250929')?.input, 3.3, 'the answered name alone is priced as in-Region');
    });

    it('knows no price for an unknown model or an application profile ARN (never 0)', () => {
      assert.equal(priceOf('us.anthropic.claude-opus-4-9-v1'), undefined);
      assert.equal(priceOf('meta.llama3-70b-instruct-v1:0'), undefined);
      assert.equal(priceOf('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claudeteam01'), undefined);
    });

    it('applies overrides by family, and prices 1-hour cache writes at 2x input', () => {
      assert.equal(priceOf(SONNET_GLOBAL, { 'claude-sonnet-4-5': { input: 2 } })?.cacheWrite1h, 4);
      assert.equal(priceOf(SONNET_GLOBAL, { 'claude-sonnet-4-5': { output: 10 } })?.input, 3);
      assert.equal(priceOf('acme.model-x', { 'model-x': { input: 1, output: 2 } })?.cacheRead, 0.1);
      const cost = costOf({ input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 1_000_000, cacheRead: 0 }, priceOf(SONNET_GLOBAL)!);
      assert.equal(cost, 6);
    });
  });

  describe('tally', () => {
    const HOUR = 3_600_000;
    const DAY = 86_400_000;

    it('puts our cost beside Claude Code totalCostUSD for the real CLI session', () => {
      const tally = tallyOf(fixtureLines());
      const [session] = tally.figures(Date.parse('2026-12-05T06:00:00Z')).sessions;
      assert.equal(session.claudeCost, 0.013683);
      // Claude Code prices the us. (geographic) profile at the base list price; Bedrock bills
      // geographic profiles of Sonnet 4.5 10% above global, which our table applies. The tokens
      // and the 5m/1h split are the same, so the difference is exactly that 10%.
      assert.ok(Math.abs(session.totals.cost - 0.013683 * 1.1) < 1e-9, String(session.totals.cost));
      assert.equal(session.project, '/home/dev/projects/myproject');
    });

    it('sums days, models, projects, sessions, the last hour and the cache', () => {
      const lines = [
        ...answer('1', NOW - 2 * DAY, { input: 1000, output: 100 }, { sessionId: 'old', cwd: '/p/a' }),
        ...answer('2', NOW - 3 * HOUR, { input: 1_000_000, cacheRead: 3_000_000, cacheWrite5m: 1_000_000 }, { sessionId: 'a', cwd: '/p/a' }),
        ...answer('3', NOW - 10 * 60_000, { output: 1_000_000 }, { sessionId: 'b', cwd: '/p/b', model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', blocks: 3 }),
        ...answer('4', NOW - 5 * 60_000, { input: 10 }, { sessionId: 'b', cwd: '/p/b', model: 'unknown.model-x' }),
        userLine('a', NOW, 'hello'),
        costStateLine({ sessionId: 'b', totalCostUSD: 1, linesAdded: 1 }),
        costStateLine({ sessionId: 'b', totalCostUSD: 5.5, linesAdded: 12, linesRemoved: 3 }),
      ];
      const tally = tallyOf(lines);
      assert.equal(tally.counted, 4);
      assert.equal(tally.duplicates, 2);
      const figures = tally.figures(NOW);
      assert.equal(figures.newest, NOW - 5 * 60_000);
      assert.deepEqual(figures.days.map((d) => d.day), ['2026-11-21', '2026-11-23']);
      assert.equal(figures.today.requests, 3);
      assert.equal(figures.today.unpriced, 1);
      // 1M input at $3 + 3M reads at $0.30 + 1M 5m writes at $3.75 + 1M Haiku output at $5
      assert.ok(Math.abs(figures.today.cost - (3 + 0.9 + 3.75 + 5)) < 1e-9, String(figures.today.cost));
      assert.equal(figures.lastHour.requests, 2);
      assert.ok(Math.abs(figures.lastHour.cost - 5) < 1e-9);
      assert.deepEqual(figures.models.map((m) => m.model), [SONNET_GLOBAL, 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 'unknown.model-x']);
      assert.deepEqual(figures.projects.map((p) => [p.project, p.sessions]), [['/p/a', 2], ['/p/b', 1]]);
      assert.deepEqual(figures.sessions.map((s) => s.id), ['b', 'a', 'old']);
      const b = figures.sessions[0];
      assert.equal(b.claudeCost, 5.5, 'the newest cost-state wins');
      assert.equal(b.linesAdded, 12);
      assert.equal(b.linesRemoved, 3);
      assert.ok(Math.abs(b.lastHourCost - 5) < 1e-9);
      assert.equal(figures.sessions[1].lastHourCost, 0);
      assert.deepEqual(figures.unpricedModels, ['unknown.model-x']);
      // reads 3M of (1M + 1000 + 10 input, 3M reads, 1M writes)
      assert.ok(Math.abs(figures.cache.hitRate! - 3_000_000 / 5_001_010) < 1e-12);
      // 3M reads save (3 - 0.3) each million, 1M 5m writes cost (3.75 - 3) more
      assert.ok(Math.abs(figures.cache.saved - (3 * 2.7 - 0.75)) < 1e-9, String(figures.cache.saved));
      assert.ok(JSON.stringify(figures).length < 64 * 1024);
    });

    it('re-prices on setOptions: overrides and application profiles resolved to their model', () => {
      const profile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claudeteam01';
      const lines = answer('1', NOW - HOUR / 2, { input: 1_000_000 }, { model: profile });
      const raw = JSON.parse(lines[0]);
      delete raw.message.model;
      const tally = tallyOf([JSON.stringify(raw)]);
      assert.equal(tally.figures(NOW).today.unpriced, 1);
      assert.deepEqual(tally.figures(NOW).unpricedModels, [profile]);
      tally.setOptions({ resolve: (model) => (model === profile ? SONNET_GLOBAL : model) });
      assert.equal(tally.figures(NOW).today.cost, 3);
      assert.deepEqual(tally.figures(NOW).models.map((m) => m.model), [SONNET_GLOBAL]);
      tally.setOptions({ resolve: (model) => (model === profile ? SONNET_GLOBAL : model), overrides: { 'claude-sonnet-4-5': { input: 2 } } });
      assert.equal(tally.figures(NOW).today.cost, 2);
    });

    it('prices an application profile by the model the answer names when it is not resolved', () => {
      const profile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claudeteam01';
      const lines = answer('1', NOW - HOUR / 2, { input: 1_000_000 }, { model: profile, answeredModel: 'claude-sonnet-4-5-20250929' });
      const figures = tallyOf(lines).figures(NOW);
      assert.equal(figures.today.unpriced, 0);
      assert.ok(Math.abs(figures.today.cost - 3.3) < 1e-9);
    });
  });
});
