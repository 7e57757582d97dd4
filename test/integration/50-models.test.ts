// Model availability: the configured models checked against the emulator's Bedrock control plane
// with the session's keys, problems explained with their fix, and models chosen from the region.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelReport, ModelStatus } from '../../src/models/check';
import type { TestApi } from './extensionUnderTest';
import { aws, changeSetting, harness, restoreAfterTest, runInTerminal, signInAs, ui, useExtension, waitFor } from './helpers';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS = 'anthropic.claude-opus-4-6-v1';

/** Waits for a report in which the models have these statuses. */
async function reportWith(testApi: TestApi, model: ModelStatus, smallFastModel: ModelStatus, timeoutMs = 15_000): Promise<ModelReport> {
  return waitFor(
    `a model report saying ${model} / ${smallFastModel}`,
    () => {
      const report = testApi.modelReport();
      const status = (role: string) => report?.checks.find((c) => c.role === role)?.status;
      return report && status('model') === model && status('smallFastModel') === smallFastModel ? report : undefined;
    },
    timeoutMs,
  );
}

describe('Model availability', () => {
  const testApi = useExtension();

  it('checks every model a developer can select after sign-in and finds them available', async () => {
    await signInAs('alice');
    const report = await reportWith(testApi, 'available', 'available');
    assert.equal(report.region, 'us-east-1');
    const [primary, opus, sonnet, fable, fast] = report.checks;
    assert.equal(primary.modelId, `us.${SONNET}`);
    assert.equal(primary.profileArn, `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}`);
    assert.deepEqual([opus.role, opus.modelId, opus.status], ['opusModel', `us.${OPUS}`, 'available']);
    assert.deepEqual([sonnet.role, sonnet.modelId], ['sonnetModel', `us.${SONNET}`]);
    assert.deepEqual([fable.role, fable.modelId], ['fableModel', `us.${OPUS}`], 'fable follows the Opus pin');
    assert.equal(fast.modelId, `us.${HAIKU}`);
    assert.equal(testApi.statusBar()?.warning, false);
    // Checked with the session's keys.
    const key = testApi.state().kind === 'signedIn' ? (testApi.state() as { session: { credentials: { accessKeyId: string } } }).session.credentials.accessKeyId : '';
    const checks = (await aws.calls()).filter((c) => ['ListInferenceProfiles', 'GetFoundationModelAvailability'].includes(c.action));
    assert.ok(checks.length >= 3);
    assert.deepEqual([...new Set(checks.map((c) => c.accessKeyId))], [key]);
    // The report view shows the same.
    await vscode.commands.executeCommand('claudeBedrock.showModelReport');
    const html = testApi.modelReportHtml() ?? '';
    assert.match(html, /data-role="model" data-status="available"/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /<script/);
    if (harness.hasBrowserBridge()) {
      assert.equal(await ui.webviewText('section[data-role="model"] .status'), 'Available');
      assert.equal(await ui.webviewText('section[data-role="smallFastModel"] .status'), 'Available');
      await ui.screenshot('model-report-available');
      // The ID and the ARN read on one line each; Copy puts the whole of one on the clipboard.
      assert.equal(await ui.webviewLines('section[data-role="model"] [data-copies="model ID"] code'), 1);
      assert.equal(await ui.webviewLines('section[data-role="model"] [data-copies="profile ARN"] code'), 1);
      await vscode.env.clipboard.writeText('');
      await ui.webviewClick('section[data-role="model"] [data-copies="profile ARN"] a.action');
      await waitFor('the ARN on the clipboard', async () => (await vscode.env.clipboard.readText()) === primary.profileArn);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('detects a bare model ID and fixes it through the offered action', async () => {
    await signInAs('alice');
    await reportWith(testApi, 'available', 'available');
    const from = testApi.notifications.length;
    await changeSetting('model', SONNET);
    const report = await reportWith(testApi, 'bareModelId', 'available');
    assert.match(report.checks[0].reason, /is a model ID, not an inference profile/);
    assert.equal(testApi.statusBar()?.warning, true);
    assert.equal(testApi.statusBar()?.command, 'claudeBedrock.showModelReport');
    const offered = await waitFor('the offered fix', () => testApi.notifications.slice(from).find((n) => n.buttons.includes(`Use us.${SONNET}`)));
    assert.match(offered.message, /will not work on Bedrock in us-east-1/);

    if (harness.hasBrowserBridge()) await ui.clickNotificationButton(`Use us.${SONNET}`);
    else await vscode.commands.executeCommand('claudeBedrock.applyModelFix', 'model', `us.${SONNET}`);
    await waitFor('the setting to be fixed', () => vscode.workspace.getConfiguration('claudeBedrock').get('model') === `us.${SONNET}`);
    await reportWith(testApi, 'available', 'available');
    assert.equal(testApi.statusBar()?.warning, false);
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().ANTHROPIC_MODEL, `us.${SONNET}`);
  });

  it("says a profile is not offered in the region, and offers the region's own", async () => {
    await changeSetting('region', 'eu-central-1');
    await changeSetting('model', `us.${SONNET}`);
    await signInAs('alice');
    const report = await reportWith(testApi, 'notFound', 'available');
    assert.equal(report.region, 'eu-central-1');
    assert.match(report.checks[0].reason, new RegExp(`There is no inference profile "us\\.${SONNET.replace(/[.:]/g, '\\$&')}" in eu-central-1`));
    assert.deepEqual(report.checks[0].fix, { kind: 'use', label: `Use eu.${SONNET}`, value: `eu.${SONNET}` });
    assert.equal(report.checks.find((c) => c.role === 'smallFastModel')?.modelId, `eu.${HAIKU}`, 'the fast model defaults to the region geography');
  });

  it('says when the account has no access to a model', async () => {
    await aws.bedrockSwitches({ notEntitled: [HAIKU] });
    await signInAs('alice');
    const report = await reportWith(testApi, 'available', 'notEntitled');
    assert.match(report.checks.find((c) => c.role === 'smallFastModel')!.reason, /Your AWS account has no access to anthropic\.claude-haiku-4-5-20251001-v1:0 yet/);
    assert.equal(testApi.statusBar()?.warning, true);
  });

  it("says when the model's agreement has not been accepted", async () => {
    await aws.bedrockSwitches({ noAgreement: [SONNET] });
    await signInAs('alice');
    const report = await reportWith(testApi, 'agreementMissing', 'available');
    assert.match(report.checks[0].reason, /agreement has not been accepted/);
  });

  it('says when the role may not read inference profiles', async () => {
    await aws.bedrockSwitches({ denied: ['ListInferenceProfiles', 'GetInferenceProfile'] });
    await signInAs('alice');
    const report = await reportWith(testApi, 'accessDenied', 'accessDenied');
    assert.match(report.checks[0].reason, /bedrock:ListInferenceProfiles, which Claude Code also calls when it starts/);
    // A failed check never stands in the way: the session and the terminals are there.
    assert.equal(testApi.state().kind, 'signedIn');
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().CLAUDE_CODE_USE_BEDROCK, '1');
  });

  it('reports throttling, then recovers on its own', async () => {
    // Throttled until the test says otherwise, however many windows check: a window an earlier
    // test closed keeps its extension host (and its own model checks) for the server's grace time.
    await aws.faults([{ service: 'bedrock', action: 'ListInferenceProfiles', kind: 'throttle', times: 10_000 }]);
    await signInAs('alice');
    const throttled = await reportWith(testApi, 'throttled', 'throttled');
    assert.deepEqual(throttled.checks[0].fix, { kind: 'retry', label: 'Check Again' });
    await aws.clearFaults();
    await reportWith(testApi, 'available', 'available', 30_000);
  });

  it('chooses models from the region, and a new terminal runs claude with them', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(180_000);
    await signInAs('alice');
    await reportWith(testApi, 'available', 'available');
    restoreAfterTest('model', 'opusModel', 'sonnetModel', 'fableModel', 'smallFastModel');
    const choosing = vscode.commands.executeCommand('claudeBedrock.chooseModels');
    await ui.quickPick('claude-code-team-sonnet');
    await ui.quickPick(`us.${OPUS}`);
    await ui.quickPick(`global.${SONNET}`);
    await ui.quickPick('Same as Opus');
    await ui.quickPick(`us.${HAIKU}`);
    const chosen = (await choosing) as Record<string, string>;
    const appProfile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/claudeteam01';
    assert.deepEqual(chosen, { model: appProfile, opusModel: `us.${OPUS}`, sonnetModel: `global.${SONNET}`, fableModel: '', smallFastModel: `us.${HAIKU}` });
    await reportWith(testApi, 'available', 'available');
    await testApi.terminalsUpdated();
    const vars = testApi.terminalEnvironment();
    assert.equal(vars.ANTHROPIC_MODEL, appProfile);
    assert.equal(vars.ANTHROPIC_DEFAULT_HAIKU_MODEL, `us.${HAIKU}`);
    assert.equal(vars.ANTHROPIC_DEFAULT_OPUS_MODEL, `us.${OPUS}`);
    assert.equal(vars.ANTHROPIC_DEFAULT_SONNET_MODEL, `global.${SONNET}`);
    assert.equal(vars.ANTHROPIC_DEFAULT_FABLE_MODEL, `us.${OPUS}`, 'fable follows the chosen Opus');

    const terminal = vscode.window.createTerminal({ name: 'chosen models' });
    try {
      const from = await aws.mark();
      const run = await runInTerminal(terminal, 'claude -p "Say hello" --output-format json', 120_000);
      assert.equal(run.code, 0, run.stderr);
      const streamed = (await aws.since(from)).filter((c) => c.action === 'InvokeModelWithResponseStream' && c.status === 200);
      assert.ok(streamed.some((c) => c.subject === appProfile), JSON.stringify(streamed));
    } finally {
      terminal.dispose();
    }
  });
});
