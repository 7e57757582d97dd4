// This machine's usage from Claude Code's own records, across windows: one window reads, every
// window shows the same figures, a new record reaches them all, another window takes over the
// reading when the reader closes, and a spend alert is said once for all windows.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalUsageSettings } from '../../src/config/groups';
import type { Action, Severity } from '../../src/errors/failure';
import type { Log } from '../../src/log';
import { atRate, LocalUsage } from '../../src/usage/localUsage';
import { spendAlerts } from '../../src/usage/spendAlert';
import { systemClock } from '../../src/util/clock';
import type { WindowBus } from '../../src/windows/bus';
import { until, windowsWorld } from './windowsHelpers';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Log;

/** One answer as Claude Code records it: `blocks` records with the same message and usage. */
export function answerLines(o: { session: string; id: string; at: number; model?: string; input: number; output: number; cacheRead?: number; cacheWrite?: number; blocks?: number; cwd?: string }): string {
  const usage = { input_tokens: o.input, output_tokens: o.output, cache_read_input_tokens: o.cacheRead ?? 0, cache_creation_input_tokens: o.cacheWrite ?? 0, cache_creation: { ephemeral_5m_input_tokens: o.cacheWrite ?? 0, ephemeral_1h_input_tokens: 0 } };
  const lines = [];
  for (let i = 0; i < (o.blocks ?? 1); i++) {
    lines.push(
      JSON.stringify({
        type: 'assistant',
        sessionId: o.session,
        timestamp: new Date(o.at).toISOString(),
        cwd: o.cwd ?? '/home/dev/shop',
        gitBranch: 'main',
        version: '2.1.330',
        isSidechain: false,
        requestId: `req_${o.id}`,
        message: { id: `msg_${o.id}`, model: o.model ?? 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', role: 'assistant', content: [{ type: 'text', text: 'x' }], usage },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe("this machine's usage, from Claude Code's records, across windows", () => {
  const world = windowsWorld();
  const opened: LocalUsage[] = [];
  afterEach(() => opened.splice(0).forEach((u) => u.dispose()));

  function projectsFolder(): string {
    const folder = path.join(world.dir, 'claude', 'projects');
    mkdirSync(path.join(folder, '-home-dev-shop'), { recursive: true });
    return folder;
  }

  function usageIn(bus: WindowBus, folder: string, settings: Partial<LocalUsageSettings> = {}) {
    const shown: { severity: Severity; message: string; actions: readonly Action[] }[] = [];
    const usage = new LocalUsage({
      channel: bus,
      settings: () => ({ ok: true, value: { read: true, dailyBudget: undefined, sessionHourlyAlert: undefined, priceFactor: 1, ...settings } }),
      onDidChangeSettings: () => ({ dispose() {} }),
      folders: [folder],
      resolve: (m) => m,
      notify: { show: (severity, message, actions = []) => shown.push({ severity, message, actions }), failure() {} },
      log: quiet,
      clock: systemClock,
    });
    opened.push(usage);
    return Object.assign(usage, { shown });
  }

  it('is read by one window and shown by all; a new record reaches every window', async () => {
    const folder = projectsFolder();
    const file = path.join(folder, '-home-dev-shop', 's1.jsonl');
    const now = Date.now();
    writeFileSync(file, answerLines({ session: 's1', id: 'a', at: now - 60_000, input: 1000, output: 200, blocks: 3 }));
    const buses = await world.windows(3);
    const usages = buses.map((b) => usageIn(b, folder));
    await until('every window to have the figures', () => usages.every((u) => u.state.figures?.today.requests === 1));
    assert.equal(usages.filter((u) => u.state.reader).length, 1, 'one window reads');
    assert.equal(usages[0].state.figures?.today.tokens.input, 1000, 'an answer written as three records counts once');
    appendFileSync(file, answerLines({ session: 's1', id: 'b', at: Date.now(), input: 50, output: 5 }));
    await until('the new record in every window', () => usages.every((u) => u.state.figures?.today.requests === 2), 5_000);
  });

  it('is read by another window when the reading window closes', async () => {
    const folder = projectsFolder();
    writeFileSync(path.join(folder, '-home-dev-shop', 's1.jsonl'), answerLines({ session: 's1', id: 'a', at: Date.now(), input: 10, output: 1 }));
    const buses = await world.windows(2);
    const usages = buses.map((b) => usageIn(b, folder));
    await until('a reader', () => usages.some((u) => u.state.reader) && usages.every((u) => u.state.figures !== undefined));
    const reader = usages.findIndex((u) => u.state.reader);
    const other = usages[1 - reader];
    usages[reader].dispose();
    await until('the other window to read', () => other.state.reader, 8_000);
    appendFileSync(path.join(folder, '-home-dev-shop', 's1.jsonl'), answerLines({ session: 's1', id: 'b', at: Date.now(), input: 10, output: 1 }));
    await until('the new reader to count the new record', () => other.state.figures?.today.requests === 2, 5_000);
  });

  it('says a session spending past the hourly alert once, in one window, naming the project', async () => {
    const folder = projectsFolder();
    // 2M output tokens of Sonnet 4.5 in the last hour: $30 at list price.
    writeFileSync(path.join(folder, '-home-dev-shop', 's9.jsonl'), answerLines({ session: 's9abcdef0', id: 'a', at: Date.now() - 5 * 60_000, input: 0, output: 2_000_000, cwd: '/home/dev/night-shift' }));
    const buses = await world.windows(3);
    const usages = buses.map((b) => usageIn(b, folder, { sessionHourlyAlert: 10 }));
    await until('the figures everywhere', () => usages.every((u) => u.state.figures !== undefined));
    await until('the alert', () => usages.some((u) => u.shown.length > 0));
    const shown = usages.flatMap((u) => u.shown);
    assert.equal(shown.length, 1, 'said once, for all windows');
    assert.match(shown[0].message, /session in night-shift on branch main .* has spent \$3\d\.\d\d in the last hour, more than the \$10\.00 set in claudeBedrock\.sessionHourlyAlert/);
    assert.deepEqual(shown[0].actions, [{ kind: 'run', command: 'claudeBedrock.showUsage', label: 'Show Usage' }]);
  });
});

describe('spend alerts', () => {
  const now = new Date(2026, 11, 5, 14, 0).getTime();
  const zero = { tokens: { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }, requests: 0, cost: 0, unpriced: 0 };
  const session = { id: 'abcdef123456', project: '/work/big-repo', branch: 'feature/x', models: ['m'], start: now - 8 * 3_600_000, last: now, totals: zero, linesAdded: 1, linesRemoved: 0, claudeCost: undefined, lastHourCost: 12 };
  const figures = { newest: now, today: { ...zero, cost: 55, requests: 9 }, lastHour: zero, days: [], models: [], projects: [], sessions: [session], cache: { hitRate: undefined, saved: 0 }, unpricedModels: [] };

  it('says the day past the budget and the session past the hourly amount, each once', () => {
    const alerts = spendAlerts(figures, { dailyBudget: 50, sessionHourlyAlert: 10 }, new Set(), now);
    assert.deepEqual(alerts.map((a) => a.key), ['day:2026-12-05', 'session:abcdef123456:2026-12-05']);
    assert.match(alerts[0].sentence, /cost \$55\.00 today, past your daily budget of \$50\.00/);
    assert.match(alerts[1].sentence, /session in big-repo on branch feature\/x \(started 06:00, session abcdef12\) has spent \$12\.00 in the last hour/);
    assert.deepEqual(spendAlerts(figures, { dailyBudget: 50, sessionHourlyAlert: 10 }, new Set(alerts.map((a) => a.key)), now), []);
  });

  it('says nothing without amounts set, or below them', () => {
    assert.deepEqual(spendAlerts(figures, { dailyBudget: undefined, sessionHourlyAlert: undefined }, new Set(), now), []);
    assert.deepEqual(spendAlerts(figures, { dailyBudget: 60, sessionHourlyAlert: 12 }, new Set(), now), []);
  });

  it('prices at a negotiated rate, leaving Claude Code\'s own figure as it is', () => {
    const scaled = atRate({ ...figures, sessions: [{ ...session, claudeCost: 4 }] }, 0.5);
    assert.equal(scaled.today.cost, 27.5);
    assert.equal(scaled.sessions[0].lastHourCost, 6);
    assert.equal(scaled.sessions[0].claudeCost, 4);
  });
});
