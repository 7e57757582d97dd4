// Every model family pinned, and the organisation's cost levers, as the real CLI in a terminal
// sends them to the emulator's Bedrock: `opus` runs the pinned Opus profile, not the newest Opus;
// the 1-hour prompt cache and the service tier reach the request.
import * as assert from 'node:assert/strict';
import { aws, changeSetting, claudeCodeIntegration, harness, restoreAfterTest, runInTerminal, signInAs, useBedrockReply, useClaudeSettingsFile, useExtension, useTerminals } from './helpers';

/** The emulated account's application inference profile (a team's). */
const TEAM_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claudeteam01';

const INVOKE = /^InvokeModel/;

describe('Model families and cost levers, as Claude Code sends them', () => {
  const testApi = useExtension();
  const terminals = useTerminals();
  const settingsFile = useClaudeSettingsFile(testApi);
  useBedrockReply('Pinned.');

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  /** `claude -p` with `args` in a new terminal; the Bedrock inference calls it made. */
  async function claudeCalls(args: string) {
    await testApi.terminalsUpdated();
    const shell = terminals.open('families');
    const from = await aws.mark();
    const run = await runInTerminal(shell, `claude -p "Say hi" --output-format json ${args}`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    return (await aws.since(from, 'bedrock')).filter((c) => INVOKE.test(c.action));
  }

  it('runs the pinned Opus profile for `opus`, never the newest Opus', async function () {
    this.timeout(180_000);
    await signInAs('alice');
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-6-v1');
    const calls = await claudeCalls('--model opus');
    const models = calls.map((c) => c.subject);
    assert.ok(models.includes('us.anthropic.claude-opus-4-6-v1'), `the pinned Opus answered: ${models.join(', ')}`);
    assert.ok(!models.some((m) => /opus-5/.test(m ?? '')), `no request for Opus 5: ${models.join(', ')}`);
  });

  it('runs the Opus pin for `fable`, a tier above it, unless the organisation pins fable apart', async function () {
    this.timeout(180_000);
    restoreAfterTest('fableModel');
    await signInAs('alice');
    const unpinned = (await claudeCalls('--model fable')).map((c) => c.subject);
    assert.ok(unpinned.includes('us.anthropic.claude-opus-4-6-v1') && !unpinned.some((m) => /fable/.test(m ?? '')), `fable ran the Opus pin: ${unpinned.join(', ')}`);
    await changeSetting('fableModel', 'us.anthropic.claude-fable-5-2');
    const pinned = (await claudeCalls('--model fable')).map((c) => c.subject);
    assert.ok(pinned.includes('us.anthropic.claude-fable-5-2'), `the organisation's fable pin answered: ${pinned.join(', ')}`);
  });

  it("sends every default model through the organisation's profile prefix", async function () {
    this.timeout(180_000);
    restoreAfterTest('regionPrefix');
    await signInAs('alice');
    await changeSetting('regionPrefix', 'global');
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().ANTHROPIC_BEDROCK_REGION_PREFIX, 'global');
    const calls = await claudeCalls('');
    const models = calls.map((c) => c.subject);
    assert.ok(models.length > 0 && models.every((m) => m?.startsWith('global.anthropic.')), `every request through a global profile: ${models.join(', ')}`);
    const opus = (await claudeCalls('--model opus')).map((c) => c.subject);
    assert.ok(opus.includes('global.anthropic.claude-opus-4-6-v1'), `opus through the global profile: ${opus.join(', ')}`);
  });

  it('asks Bedrock for the 1-hour prompt cache and the flex tier when the organisation sets them', async function () {
    this.timeout(180_000);
    restoreAfterTest('promptCaching', 'serviceTier');
    await signInAs('alice');
    await changeSetting('promptCaching', '1h');
    await changeSetting('serviceTier', 'flex');
    await testApi.terminalsUpdated();
    const vars = testApi.terminalEnvironment();
    assert.equal(vars.ENABLE_PROMPT_CACHING_1H, '1');
    assert.equal(vars.ANTHROPIC_BEDROCK_SERVICE_TIER, 'flex');
    const calls = await claudeCalls('');
    const main = calls.filter((c) => (c.levers?.cacheTtls.length ?? 0) > 0);
    assert.ok(main.length > 0, 'the conversation marks the prompt for caching');
    assert.ok(main.every((c) => c.levers!.cacheTtls.every((ttl) => ttl === '1h')), `every cache mark asks for an hour: ${JSON.stringify(main.map((c) => c.levers))}`);
    assert.ok(calls.some((c) => c.levers?.serviceTier === 'flex'), `the flex tier reached Bedrock: ${JSON.stringify(calls.map((c) => c.levers))}`);
  });

  it("routes a version to the team's application profile through Connect, and offers only the organisation's /model list", async function () {
    this.timeout(180_000);
    restoreAfterTest('modelOverrides', 'availableModels');
    await signInAs('alice');
    await changeSetting('modelOverrides', { 'claude-opus-4-6': TEAM_PROFILE });
    await changeSetting('availableModels', ['opus', 'haiku']);
    await claudeCodeIntegration(testApi, 'always');
    const written = JSON.parse((await settingsFile.read()) ?? '{}') as { modelOverrides?: unknown; availableModels?: unknown };
    assert.deepEqual(written.modelOverrides, { 'claude-opus-4-6': TEAM_PROFILE });
    assert.deepEqual(written.availableModels, ['opus', 'haiku']);
    const calls = await claudeCalls('--model claude-opus-4-6');
    assert.ok(calls.some((c) => c.subject === TEAM_PROFILE), `the request went to the team's profile: ${calls.map((c) => c.subject).join(', ')}`);
  });

  it('asks for no prompt cache when the organisation turns it off, and for the 1M-token context when it turns that on', async function () {
    this.timeout(180_000);
    restoreAfterTest('promptCaching', 'longContext');
    await signInAs('alice');
    await changeSetting('promptCaching', 'off');
    await changeSetting('longContext', 'on');
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().DISABLE_PROMPT_CACHING, '1');
    assert.match(testApi.terminalEnvironment().ANTHROPIC_MODEL, /\[1m\]$/);
    const calls = await claudeCalls('');
    assert.ok(calls.length > 0 && calls.every((c) => c.levers?.cacheTtls.length === 0), `no cache marks: ${JSON.stringify(calls.map((c) => c.levers))}`);
    const primary = calls.filter((c) => /sonnet/.test(c.subject ?? ''));
    assert.ok(primary.some((c) => c.levers?.betas.some((b) => /context-1m/.test(b))), `the 1M context asked for: ${JSON.stringify(primary.map((c) => [c.subject, c.levers?.betas]))}`);
  });
});
