// Claude Code in an integrated terminal: the real CLI, run in a real terminal of the window,
// against the emulator's Bedrock, with the developer's own AWS profiles and a .bashrc that
// exports AWS_PROFILE=work in the way (see runIntegration.ts).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, changeSetting, harness, runInTerminal as runIn, sessionKey, signInAs, useBedrockReply, useExtension, useTerminals, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, signed by your session.';

/** The pid of a process named `name` below `pid` (Linux /proc), if one is running. */
async function descendantRunning(pid: number, name: string): Promise<number | undefined> {
  const children = (await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
  for (const child of children) {
    const comm = (await fs.readFile(`/proc/${child}/comm`, 'utf8').catch(() => '')).trim();
    const cmdline = (await fs.readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).split('\0')[0];
    if (comm === name || path.basename(cmdline) === name) return child;
    const deeper = await descendantRunning(child, name);
    if (deeper) return deeper;
  }
  return undefined;
}

describe('Claude Code in the terminal', () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const terminals = useTerminals();

  it("runs claude with the session's keys, keeps working across a renewal in the same terminal, and stops at sign-out", async function () {
    this.timeout(300_000);
    await signInAs('alice');
    await testApi.terminalsUpdated();
    const shell = terminals.open('claude run');

    // 1. Signed in: the CLI's Bedrock calls are all signed by the session's keys.
    const firstKey = sessionKey(testApi);
    let from = await aws.mark();
    const first = await runIn(shell, 'claude -p "Say hello" --output-format json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { result: string }).result, REPLY);
    let calls = await aws.since(from, 'bedrock');
    assert.ok(calls.some((c) => c.action === 'InvokeModelWithResponseStream' && c.status === 200), JSON.stringify(calls));
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [firstKey], 'every Bedrock call signed by the session');

    // 2. Renewed keys reach the same terminal without a relaunch.
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const secondKey = sessionKey(testApi);
    assert.notEqual(secondKey, firstKey);
    from = await aws.mark();
    const second = await runIn(shell, 'claude -p "Say hello again" --output-format json');
    assert.equal(second.code, 0, second.stderr);
    calls = await aws.since(from, 'bedrock');
    assert.ok(calls.length > 0);
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [secondKey], 'every call after the renewal signed by the new keys');

    // 3. Signed out: the endpoint refuses the terminal, and the CLI fails for want of credentials.
    const uri = await testApi.endpointUri();
    const oldToken = testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN;
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await testApi.terminalsUpdated();
    assert.deepEqual(testApi.terminalEnvironment(), {}, 'new terminals get nothing');
    const refused = await fetch(uri!, { headers: { authorization: oldToken } });
    assert.ok([403, 404].includes(refused.status), `the endpoint answered ${refused.status}`);
    from = await aws.mark();
    const third = await runIn(shell, 'timeout 90 claude -p "Say hello once more" --output-format json');
    assert.notEqual(third.code, 0, 'the CLI fails');
    assert.match(`${third.stdout}\n${third.stderr}`, /credential/i);
    calls = await aws.since(from, 'bedrock');
    assert.ok(calls.every((c) => c.status !== 200), 'no Bedrock call succeeded after sign-out');
  });
  describe('Terminal environment', () => {
    it('gives terminals the Bedrock variables and the credentials endpoint, and nothing when signed out', async () => {
      await testApi.terminalsUpdated();
      assert.deepEqual(testApi.terminalEnvironment(), {});
      await signInAs('alice');
      await testApi.terminalsUpdated();
      const vars = testApi.terminalEnvironment();
      const uri = await testApi.endpointUri();
      assert.deepEqual(Object.keys(vars).sort(), [
        'ANTHROPIC_BEDROCK_BASE_URL',
        'ANTHROPIC_DEFAULT_FABLE_MODEL',
        'ANTHROPIC_DEFAULT_HAIKU_MODEL',
        'ANTHROPIC_DEFAULT_OPUS_MODEL',
        'ANTHROPIC_DEFAULT_SONNET_MODEL',
        'ANTHROPIC_MODEL',
        'ANTHROPIC_SMALL_FAST_MODEL',
        'AWS_ACCESS_KEY_ID',
        'AWS_CONFIG_FILE',
        'AWS_CONTAINER_AUTHORIZATION_TOKEN',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
        'AWS_PROFILE',
        'AWS_REGION',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_SHARED_CREDENTIALS_FILE',
        'CLAUDE_CODE_USE_BEDROCK',
      ]);
      assert.equal(vars.CLAUDE_CODE_USE_BEDROCK, '1');
      assert.equal(vars.AWS_REGION, 'us-east-1');
      assert.equal(vars.ANTHROPIC_MODEL, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(vars.ANTHROPIC_DEFAULT_HAIKU_MODEL, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
      assert.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, uri);
      assert.match(uri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
      assert.ok(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN.length >= 40);
      assert.equal(vars.AWS_ACCESS_KEY_ID, '');
      assert.equal(vars.AWS_PROFILE, 'claude-bedrock');
      const uncommented = (file: string) => fs.readFile(file, 'utf8').then((t) => t.replace(/^#.*\n/gm, ''));
      assert.equal(await uncommented(vars.AWS_CONFIG_FILE), '[profile claude-bedrock]\nregion = us-east-1\n', 'the AWS config terminals see holds their profile alone');
      assert.equal(await uncommented(vars.AWS_SHARED_CREDENTIALS_FILE), '', 'the AWS credentials file terminals see is empty');
      await vscode.commands.executeCommand('claudeBedrock.signOut');
      await testApi.terminalsUpdated();
      assert.deepEqual(testApi.terminalEnvironment(), {});
    });

    it('gives every session a new endpoint token', async () => {
      await signInAs('alice');
      await testApi.terminalsUpdated();
      const first = testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN;
      await vscode.commands.executeCommand('claudeBedrock.signOut');
      await signInAs('alice');
      await testApi.terminalsUpdated();
      const second = testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN;
      assert.notEqual(second, first);
      const stale = await fetch((await testApi.endpointUri())!, { headers: { authorization: first } });
      assert.equal(stale.status, 403);
    });

    it('follows setting changes: models, limits, the fast model region, telemetry attribution', async () => {
      await signInAs('alice');
      await changeSetting('model', 'us.anthropic.claude-opus-4-1-20250805-v1:0');
      await changeSetting('maxOutputTokens', 16000);
      await changeSetting('maxThinkingTokens', 8000);
      await changeSetting('smallFastModelRegion', 'us-west-2');
      await changeSetting('telemetryEndpoint', 'https://otel.example.com:4318');
      await testApi.terminalsUpdated();
      const vars = testApi.terminalEnvironment();
      assert.equal(vars.ANTHROPIC_MODEL, 'us.anthropic.claude-opus-4-1-20250805-v1:0');
      assert.equal(vars.CLAUDE_CODE_MAX_OUTPUT_TOKENS, '16000');
      assert.equal(vars.MAX_THINKING_TOKENS, '8000');
      assert.equal(vars.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, 'us-west-2');
      assert.equal(vars.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
      assert.equal(vars.OTEL_METRICS_EXPORTER, 'otlp');
      assert.equal(vars.OTEL_EXPORTER_OTLP_ENDPOINT, 'https://otel.example.com:4318');
      assert.equal(vars.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
      assert.equal(
        vars.OTEL_RESOURCE_ATTRIBUTES,
        'user.email=alice%40example.com,user.id=alice,user.name=Alice%20Example,department=Platform%20Engineering,team.id=claude-platform,cost_center=CC-1042',
      );
    });

    it('names an invalid terminal setting and gives terminals nothing until it is fixed', async () => {
      await signInAs('alice');
      const from = testApi.notifications.length;
      await changeSetting('bedrockEndpoint', 'http://bedrock.example.com');
      await testApi.terminalsUpdated();
      assert.deepEqual(testApi.terminalEnvironment(), {});
      const shown = testApi.notifications.slice(from).find((n) => /^Claude Bedrock cannot set up your terminals: the setting claudeBedrock\.bedrockEndpoint must be an https/.test(n.message));
      assert.deepEqual(shown?.buttons, ['Open Settings']);
    });

    it('puts the keys in the environment in environment mode, and replaces them when they renew', async function () {
      this.timeout(180_000);
      await changeSetting('terminalCredentials', 'environment');
      await signInAs('alice');
      await testApi.terminalsUpdated();
      let vars = testApi.terminalEnvironment();
      const key = sessionKey(testApi);
      assert.equal(vars.AWS_ACCESS_KEY_ID, key);
      assert.ok(vars.AWS_SECRET_ACCESS_KEY && vars.AWS_SESSION_TOKEN);
      assert.equal(vars.AWS_PROFILE, 'claude-bedrock');
      assert.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, '');
      // A shell without the developer's .bashrc: the keys in the environment are used.
      const plain = terminals.open({ name: 'env mode', shellPath: '/bin/bash', shellArgs: ['--norc'] });
      let from = await aws.mark();
      const run = await runIn(plain, 'claude -p "Say hello" --output-format json');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([...new Set((await aws.since(from, 'bedrock')).map((c) => c.accessKeyId))], [key]);

      // The developer's .bashrc exports AWS_PROFILE=${AWS_PROFILE:-work}, keeping the terminal's:
      // the AWS SDK for JavaScript then skips environment keys and reads the terminals' own
      // profile, whose credential_process hands it the same keys. The [work] profile is never used.
      const withRc = terminals.open('env mode, with the .bashrc');
      from = await aws.mark();
      const answered = await runIn(withRc, 'claude -p "Say hello" --output-format json');
      assert.equal(answered.code, 0, answered.stderr);
      assert.deepEqual([...new Set((await aws.since(from, 'bedrock')).map((c) => c.accessKeyId))], [key]);

      await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      await testApi.terminalsUpdated();
      vars = testApi.terminalEnvironment();
      assert.equal(vars.AWS_ACCESS_KEY_ID, sessionKey(testApi));
      assert.notEqual(vars.AWS_ACCESS_KEY_ID, key);
    });

    it("runs the AWS CLI and the AWS SDK as the session's role in a terminal that is not connected, in both credential modes", async function () {
      this.timeout(240_000);
      // Debian's AWS CLI (botocore), not a shim of another version on PATH. The terminal is the
      // developer's: a [default] profile in ~/.aws/credentials, AWS_PROFILE exported by .bashrc.
      const cli = '/usr/bin/aws';
      assert.ok(await fs.stat(cli).catch(() => undefined), `${cli} is missing: install the Debian package awscli (.ci/run does)`);
      await signInAs('alice');
      for (const mode of ['endpoint', 'environment'] as const) {
        await changeSetting('terminalCredentials', mode);
        await testApi.terminalsUpdated();
        const key = sessionKey(testApi);
        const shell = terminals.open(`aws cli, ${mode}`);
        const from = await aws.mark();
        const who = await runIn(shell, `${cli} sts get-caller-identity --endpoint-url ${harness.aws()} --query Arn --output text`);
        assert.equal(who.code, 0, `${mode}: ${who.stderr}`);
        assert.match(who.stdout.trim(), /^arn:aws:sts::\d{12}:assumed-role\/ClaudeCodeBedrock\//, mode);
        const sdk = await runIn(shell, `node ${harness.whoami()} ${harness.aws()}`);
        assert.equal(sdk.code, 0, `${mode}: ${sdk.stdout}`);
        assert.equal(sdk.stdout.trim(), who.stdout.trim(), `${mode}: the AWS SDK for JavaScript is the same role`);
        const signed = (await aws.since(from)).filter((c) => c.action === 'GetCallerIdentity');
        assert.deepEqual([...new Set(signed.map((c) => c.accessKeyId))], [key], `${mode}: both signed with the session's keys`);
      }
    });

    it('opens a Claude Code terminal that starts claude with the session', async function () {
      this.timeout(120_000);
      await signInAs('alice');
      await testApi.terminalsUpdated();
      const result = (await vscode.commands.executeCommand('claudeBedrock.openClaudeTerminal')) as { opened: boolean };
      assert.equal(result.opened, true);
      const opened = vscode.window.terminals.find((t) => t.name === 'Claude Code');
      assert.ok(opened);
      terminals.closeAfterTest(opened);
      // The terminal's shell started claude, and claude has the session's environment.
      const shellPid = await opened.processId;
      assert.ok(shellPid);
      const claudePid = await waitFor('claude to start in the terminal', () => descendantRunning(shellPid, 'claude'), 60_000);
      const environ = (await fs.readFile(`/proc/${claudePid}/environ`, 'utf8')).split('\0');
      assert.ok(environ.includes('CLAUDE_CODE_USE_BEDROCK=1'));
      assert.ok(environ.includes(`AWS_CONTAINER_CREDENTIALS_FULL_URI=${await testApi.endpointUri()}`));
    });

    it('says how to install Claude Code when the terminal cannot find it', async function () {
      this.timeout(60_000);
      await signInAs('alice');
      const from = testApi.notifications.length;
      // A terminal whose PATH has no claude: the developer's .bashrc (which adds it) is not read.
      const emptyHome = await fs.mkdtemp(path.join(os.tmpdir(), 'no-claude-home-'));
      const restore = vscode.workspace.getConfiguration('terminal.integrated').inspect('env.linux')?.globalValue;
      await vscode.workspace.getConfiguration('terminal.integrated').update('env.linux', { HOME: emptyHome, PATH: '/usr/bin:/bin' }, vscode.ConfigurationTarget.Global);
      try {
        await vscode.commands.executeCommand('claudeBedrock.openClaudeTerminal');
        const opened = vscode.window.terminals.find((t) => t.name === 'Claude Code');
        if (opened) terminals.closeAfterTest(opened);
        const shown = await waitFor('the install hint', () => testApi.notifications.slice(from).find((n) => /^Claude Code is not installed/.test(n.message)), 30_000);
        assert.match(shown.message, /npm install -g @anthropic-ai\/claude-code/);
        assert.deepEqual(shown.buttons, ['Copy Install Command']);
      } finally {
        await vscode.workspace.getConfiguration('terminal.integrated').update('env.linux', restore, vscode.ConfigurationTarget.Global);
        await fs.rm(emptyHome, { recursive: true, force: true });
      }
    });

    it('offers Sign In first when signed out', async () => {
      const from = testApi.notifications.length;
      const result = (await vscode.commands.executeCommand('claudeBedrock.openClaudeTerminal')) as { opened: boolean };
      assert.equal(result.opened, false);
      const shown = testApi.notifications.slice(from);
      assert.match(shown[0]?.message ?? '', /^Sign in first/);
      assert.deepEqual(shown[0]?.buttons, ['Sign In']);
      assert.equal(vscode.window.terminals.some((t) => t.name === 'Claude Code'), false);
    });
  });
});
