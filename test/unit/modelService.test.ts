// When the models are checked: after sign-in (debounced), when their settings change, again
// with backoff while Bedrock throttles; and each problem announced once, with its fix.
import * as assert from 'node:assert/strict';
import type { BedrockControl, BedrockTarget, ModelAvailability, ProfileInfo } from '../../src/aws/bedrock';
import { ModelService } from '../../src/models/modelService';
import { awsError } from './fakes/clients';
import { useMachine, type Machine, type Window } from './sessionWorld';
import { until } from './windowsHelpers';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS = 'anthropic.claude-opus-4-6-v1';

/** Bedrock's control plane: the region's Claude profiles, with the faults a test queues. */
class FakeBedrock {
  readonly targets: BedrockTarget[] = [];
  listings = 0;
  readonly faults: Error[] = [];
  readonly control = (target: BedrockTarget): BedrockControl => {
    this.targets.push(target);
    const profile = (id: string): ProfileInfo => ({ id, arn: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${id}`, name: id, status: 'ACTIVE', type: 'SYSTEM_DEFINED', modelArns: [] });
    return {
      listProfiles: async (type) => {
        this.listings++;
        const fault = this.faults.shift();
        if (fault) throw fault;
        return type === 'SYSTEM_DEFINED' ? [profile(`us.${SONNET}`), profile(`us.${HAIKU}`), profile(`us.${OPUS}`)] : [];
      },
      getProfile: async (id) => Promise.reject(awsError('ResourceNotFoundException', 404)).then(() => profile(id)),
      availability: async (): Promise<ModelAvailability> => ({ agreement: 'AVAILABLE', agreementMessage: undefined, authorization: 'AUTHORIZED', entitlement: 'AVAILABLE', region: 'AVAILABLE' }),
      dispose: () => undefined,
    };
  };
}

describe('the model check service', () => {
  const world = useMachine();
  let m: Machine;
  let w: Window;
  let bedrock: FakeBedrock;
  let models: ModelService;

  beforeEach(async () => {
    m = world.m;
    w = await world.window();
    bedrock = new FakeBedrock();
    models = new ModelService({ sessions: w.core, config: w.config, bedrock: bedrock.control, log: w.log, notify: w.notify, clock: m.clock, random: () => 1 });
    world.cleanup(() => models.dispose());
  });

  it('checks after sign-in, a moment later, with the session\'s keys, and keeps the report', async () => {
    await w.signIn.signIn();
    assert.equal(bedrock.targets.length, 0, 'not at once: settings may still be changing');
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    assert.deepEqual(
      models.report?.checks.map((c) => [c.role, c.status]),
      [
        ['model', 'available'],
        ['opusModel', 'available'],
        ['sonnetModel', 'available'],
        ['fableModel', 'available'],
        ['smallFastModel', 'available'],
      ],
      'every model a developer can select',
    );
    assert.equal(bedrock.targets[0].credentials.accessKeyId, w.core.session?.credentials.accessKeyId);
    const listings = bedrock.listings;
    await models.check(false);
    assert.equal(bedrock.listings, listings, 'the report is reused');
  });

  it('checks again, backing off, while Bedrock throttles, and stops once it answers', async () => {
    bedrock.faults.push(awsError('ThrottlingException', 429), awsError('ThrottlingException', 429), awsError('ThrottlingException', 429), awsError('ThrottlingException', 429));
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the throttled report', () => models.report?.checks[0].status === 'throttled');
    assert.deepEqual(m.clock.timers.filter((t) => t > 1000).slice(0, 1), [5_000], 'again after 5 s');
    await m.clock.advance(5_000);
    await until('the second throttled report', () => bedrock.listings === 4);
    assert.ok(m.clock.timers.includes(10_000), 'then after 10 s');
    await m.clock.advance(10_000);
    await until('the models to be available', () => models.report?.checks[0].status === 'available');
    assert.ok(!m.clock.timers.some((t) => t === 20_000), 'no further retry');
    assert.equal(w.notify.shown.length, 0, 'throttling is not announced');
  });

  it('checks again when the model settings change, and not for other settings', async () => {
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    const targets = bedrock.targets.length;
    m.settings.set('claudeBedrock.usageRefreshMinutes', 1);
    await m.clock.advance(400);
    assert.equal(bedrock.targets.length, targets);
    m.settings.set('claudeBedrock.smallFastModel', `us.${SONNET}`);
    await m.clock.advance(400);
    await until('the new report', () => models.report?.checks.find((c) => c.role === 'smallFastModel')?.modelId === `us.${SONNET}`);
  });

  it('announces a model that will not work once, with its fix', async () => {
    m.settings.set('claudeBedrock.model', SONNET);
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    await models.check(true);
    const announced = w.notify.shown.filter((n) => /will not work/.test(n.message));
    assert.equal(announced.length, 1);
    assert.match(announced[0].message, /^Primary model "anthropic\.claude-sonnet-4-5-20250929-v1:0" will not work on Bedrock in us-east-1: .* is a model ID, not an inference profile/);
    assert.deepEqual(announced[0].buttons, ['run', 'run']);
  });

  it('checks each override\'s profile, and catches an Opus pin the account cannot use at sign-in', async () => {
    m.settings.set('claudeBedrock.opusModel', 'us.anthropic.claude-opus-5');
    m.settings.set('claudeBedrock.modelOverrides', { 'claude-sonnet-4-5': `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}` });
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    const opus = models.report!.checks.find((c) => c.role === 'opusModel')!;
    assert.equal(opus.status, 'notFound');
    const override = models.report!.checks.find((c) => c.role === 'override')!;
    assert.deepEqual([override.version, override.status], ['claude-sonnet-4-5', 'available']);
    const announced = w.notify.shown.filter((n) => /will not work/.test(n.message));
    assert.equal(announced.length, 1);
    assert.match(announced[0].message, /^Opus \(\/model opus\) and Fable \(\/model fable\) "us\.anthropic\.claude-opus-5" will not work on Bedrock in us-east-1: There is no inference profile/, 'fable follows the Opus pin: one sentence');
    assert.equal(models.report!.checks.find((c) => c.role === 'fableModel')?.follows, 'opusModel');
  });

  it('sends the fix of a pin fable follows to the Opus setting, and keeps pins that merely agree apart', async () => {
    m.settings.set('claudeBedrock.opusModel', OPUS);
    m.settings.set('claudeBedrock.model', SONNET);
    m.settings.set('claudeBedrock.sonnetModel', SONNET);
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    const announced = w.notify.shown.filter((n) => /will not work/.test(n.message)).map((n) => n.message.split(' "')[0]);
    assert.deepEqual(announced.sort(), ['Opus (/model opus) and Fable (/model fable)', 'Primary model', 'Sonnet (/model sonnet)'], 'the primary and Sonnet each have a setting of their own');
    const opus = w.notify.shown.find((n) => n.message.startsWith('Opus'))!;
    const use = opus.actions.find((a) => a.kind === 'run' && a.command === 'claudeBedrock.applyModelFix');
    assert.deepEqual(use && 'args' in use ? use.args : undefined, ['opusModel', `us.${OPUS}`], 'the fix changes the pin both run');

    m.settings.set('claudeBedrock.fableModel', OPUS);
    await models.check(true);
    const fable = models.report!.checks.find((c) => c.role === 'fableModel')!;
    assert.equal(fable.follows, undefined, 'a fable pin of its own, even the same model, is fixed on its own');
    assert.ok(w.notify.shown.some((n) => n.message.startsWith('Fable (/model fable) "')));
  });

  it('forgets the report at sign-out', async () => {
    await w.signIn.signIn();
    await m.clock.advance(400);
    await until('the report', () => models.report !== undefined);
    await w.signIn.signOut();
    assert.equal(models.report, undefined);
    assert.deepEqual(models.problems, []);
  });
});
