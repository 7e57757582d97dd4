// Diagnose's runner and report: checks run at once, each with its own deadline, a throw or a
// silence turned into a failed row; the report as a helpdesk reads it, with nothing secret left.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fail, overall, pass, runChecks, warning, type Check } from '../../src/diagnose/check';
import { claudeCodeChecks, compareVersions } from '../../src/diagnose/claudeCodeChecks';
import type { DiagnoseContext } from '../../src/diagnose/context';
import { redact, reportMarkdown } from '../../src/diagnose/report';
import { FakeClock } from './fakes/clock';

function check(id: string, run: Check['run']): Check {
  return { id, area: 'AWS', title: `Check ${id}`, why: 'Because.', run };
}

describe('Diagnose', () => {
  it('runs every check at once: a slow one ends at its deadline without holding up the others', async () => {
    const clock = new FakeClock();
    const heard: string[] = [];
    let stopped = false;
    const rows = runChecks(
      [
        check('fast', async () => pass('fine')),
        check('slow', (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((stopped = true), resolve(pass('too late')))))),
        check('broken', async () => {
          throw new Error('no such file');
        }),
      ],
      { timeoutMs: 10_000, clock, onRow: (r) => heard.push(r.id) },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(heard.sort(), ['broken', 'fast'], 'the others ended while the slow one waited');
    await clock.advance(10_000);
    const done = await rows;
    assert.deepEqual(done.map((r) => [r.id, r.status]), [['fast', 'pass'], ['slow', 'fail'], ['broken', 'fail']]);
    assert.equal(done[1].found, 'No answer within 10 s.');
    assert.ok(stopped, 'the slow check was told to stop');
    assert.equal(done[2].found, 'The check could not finish: no such file');
    assert.equal(overall(done), 'fail');
    assert.equal(overall([done[0], { ...done[0], ...warning('w', 'f') }]), 'warning');
  });

  it('writes a report a helpdesk reads: versions, every row, the log; the email kept, every secret gone', () => {
    // Made at run time, shaped as the real ones are: a secret key, a JWT, an endpoint token, a key ID.
    const secret = randomBytes(30).toString('base64');
    const part = () => randomBytes(12).toString('base64url');
    const jwt = `eyJ${part()}.eyJ${part()}.${part()}`;
    const endpointToken = randomBytes(16).toString('hex');
    const keyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const rows = [
      { id: 'aws.sts', area: 'AWS' as const, title: 'STS and the current keys', why: 'w', ms: 5, ...pass(`keys ${keyId} belong to alice@example.com`) },
      { id: 'idp.clock', area: 'Identity provider' as const, title: 'Clock | skew', why: 'w', ms: 5, ...fail('400 s ahead', 'Set the clock.') },
    ];
    const text = reportMarkdown({
      rows,
      versions: { vscode: '1.106.0', extension: '0.1.0', claude: '2.1.330', os: 'Linux 6.1 (x64)', remote: undefined },
      at: Date.parse('2026-11-24T10:00:00Z'),
      user: 'alice@example.com',
      logLines: [`token=${jwt}`, `secret ${secret}`, `Authorization: ${endpointToken}`, 'Signed in as alice@example.com.'],
      secrets: [endpointToken],
    });
    assert.match(text, /^# Claude Code on Amazon Bedrock: Diagnose report/);
    assert.match(text, /Result: \*\*FAIL\*\* \(1 passed, 0 warnings, 1 failed, 0 skipped\)/);
    assert.match(text, /VS Code 1\.106\.0, extension 0\.1\.0, Claude Code CLI 2\.1\.330, Linux 6\.1 \(x64\)/);
    assert.match(text, /\| Clock \\\| skew \| FAIL \| 400 s ahead \| Set the clock\. \|/);
    assert.match(text, /Signed in as alice@example\.com\./);
    assert.match(text, /User: alice@example\.com/);
    for (const s of [secret, jwt, endpointToken, keyId]) assert.ok(!text.includes(s), `${s} left out`);
    assert.equal(redact('aoa-0123456789abcdefghij and aor-0123456789abcdefghij', []), '[redacted] and [redacted]');
  });

  it('compares CLI versions part by part', () => {
    assert.ok(compareVersions('2.1.330', '2.0.0') > 0);
    assert.ok(compareVersions('1.0.128', '2.0.0') < 0);
    assert.equal(compareVersions('2.0.0', '2.0.0'), 0);
    assert.ok(compareVersions('2.10.0', '2.9.9') > 0);
  });

  it("says what keeps Claude Code's panel off this sign-in: not connected, a login prompt still on, variables of its own", async () => {
    const panel = { installed: true, connected: false, settings: {} as Record<string, unknown> };
    const ctx = {
      claudeCode: {
        panelInstalled: () => panel.installed,
        connected: () => panel.connected,
        settingsFile: '/home/dev/.claude/settings.json',
        panelSetting: (key: string) => panel.settings[key],
      },
    } as unknown as DiagnoseContext;
    const row = () => claudeCodeChecks(ctx).find((c) => c.id === 'claude.panel')!.run(new AbortController().signal);
    assert.match((await row()).found, /installed but not connected/);
    panel.connected = true;
    let found = await row();
    assert.equal(found.status, 'warning');
    assert.match(found.found, /claudeCode\.disableLoginPrompt is not on: the panel asks for an Anthropic login/);
    panel.settings['claudeCode.disableLoginPrompt'] = true;
    assert.equal((await row()).status, 'pass');
    panel.settings['claudeCode.environmentVariables'] = [{ name: 'CLAUDE_CODE_USE_BEDROCK', value: '0' }, { name: 'ANTHROPIC_API_KEY', value: 'x' }, { name: 'EDITOR', value: 'vim' }];
    found = await row();
    assert.equal(found.status, 'warning');
    assert.match(found.found, /sets CLAUDE_CODE_USE_BEDROCK \(not 1\), ANTHROPIC_API_KEY: the panel uses them instead/);
    panel.installed = false;
    panel.connected = false;
    panel.settings = {};
    assert.match((await row()).found, /not installed/);
  });
});
