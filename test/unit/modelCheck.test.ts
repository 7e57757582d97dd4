import * as assert from 'node:assert/strict';
import type { BedrockControl, ModelAvailability, ProfileInfo } from '../../src/aws/bedrock';
import { checkModels, classifyError, foundationModelId, isBareModelId, suggestProfile } from '../../src/models/check';
import { stepItems } from '../../src/models/chooseModels';
import { orderProfiles, settingValue } from '../../src/models/profiles';
import { renderModelReport } from '../../src/ui/modelReportHtml';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS = 'anthropic.claude-opus-4-6-v1';
const FABLE = 'anthropic.claude-fable-5-2';

function profile(id: string, type: ProfileInfo['type'] = 'SYSTEM_DEFINED', status = 'ACTIVE'): ProfileInfo {
  const model = foundationModelId(id);
  return { id, arn: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${id}`, name: id, status, type, modelArns: [`arn:aws:bedrock:us-east-1::foundation-model/${model}`] };
}

const CATALOG = [profile(`us.${SONNET}`), profile(`us.${HAIKU}`), profile(`global.${SONNET}`)];
const OK: ModelAvailability = { agreement: 'AVAILABLE', agreementMessage: undefined, authorization: 'AUTHORIZED', entitlement: 'AVAILABLE', region: 'AVAILABLE' };

function awsError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

function control(over: Partial<Pick<BedrockControl, 'listProfiles' | 'getProfile' | 'availability'>> = {}) {
  return {
    listProfiles: async (type: string) => (type === 'SYSTEM_DEFINED' ? CATALOG : []),
    getProfile: async (id: string) => {
      const found = CATALOG.find((p) => p.id === id || p.arn === id);
      if (!found) throw awsError('ResourceNotFoundException');
      return found;
    },
    availability: async () => OK,
    ...over,
  };
}

describe('the model check', () => {
  it('finds configured profiles available', async () => {
    const report = await checkModels({ region: 'us-east-1', models: { model: `us.${SONNET}`, smallFastModel: `us.${HAIKU}` }, control: control(), now: () => 42 });
    assert.deepEqual(report.checks.map((c) => c.status), ['available', 'available']);
    assert.equal(report.checkedAt, 42);
    assert.equal(report.profiles.length, 3);
  });

  it('turns a bare model ID into the region geography profile', async () => {
    const report = await checkModels({ region: 'us-east-1', models: { model: SONNET, smallFastModel: `us.${HAIKU}` }, control: control() });
    assert.equal(report.checks[0].status, 'bareModelId');
    assert.deepEqual(report.checks[0].fix, { kind: 'use', label: `Use us.${SONNET}`, value: `us.${SONNET}` });
  });

  it('maps availability answers to their reasons', async () => {
    const cases: [Partial<ModelAvailability>, string][] = [
      [{ entitlement: 'NOT_AVAILABLE' }, 'notEntitled'],
      [{ agreement: 'PENDING' }, 'agreementMissing'],
      [{ authorization: 'NOT_AUTHORIZED' }, 'notAuthorized'],
      [{ region: 'NOT_AVAILABLE' }, 'regionUnavailable'],
    ];
    for (const [answer, status] of cases) {
      const report = await checkModels({ region: 'us-east-1', models: { model: `us.${SONNET}`, smallFastModel: `us.${SONNET}` }, control: control({ availability: async () => ({ ...OK, ...answer }) }) });
      assert.equal(report.checks[0].status, status);
      assert.equal(report.checks[0].usable, false);
    }
  });

  it('calls a profile it cannot verify entitlement for "unverified", and still usable', async () => {
    const report = await checkModels({ region: 'us-east-1', models: { model: `us.${SONNET}`, smallFastModel: `us.${HAIKU}` }, control: control({ availability: async () => Promise.reject(awsError('AccessDeniedException')) }) });
    assert.equal(report.checks[0].status, 'unverified');
    assert.equal(report.checks[0].usable, true);
  });

  it('asks the service about IDs the listings do not hold (application profile ARNs)', async () => {
    const app = profile('abc', 'APPLICATION');
    const report = await checkModels({
      region: 'us-east-1',
      models: { model: app.arn, smallFastModel: `us.${HAIKU}` },
      control: control({ getProfile: async (id) => (id === app.arn ? app : Promise.reject(awsError('ResourceNotFoundException'))) }),
    });
    assert.equal(report.checks[0].status, 'available');
    assert.equal(report.checks[0].profileArn, app.arn);
  });

  it('says access was denied, or throttled, for the whole check', async () => {
    for (const [name, status] of [
      ['AccessDeniedException', 'accessDenied'],
      ['ThrottlingException', 'throttled'],
    ] as const) {
      const report = await checkModels({ region: 'us-east-1', models: { model: `us.${SONNET}`, smallFastModel: `us.${HAIKU}` }, control: control({ listProfiles: async () => Promise.reject(awsError(name)) }) });
      assert.deepEqual(report.checks.map((c) => c.status), [status, status]);
    }
  });

  it('sorts errors by what they mean', () => {
    assert.equal(classifyError(awsError('ThrottlingException')).kind, 'throttled');
    assert.equal(classifyError(awsError('ResourceNotFoundException')).kind, 'notFound');
    assert.equal(classifyError(new TypeError('fetch failed')).kind, 'error');
    assert.deepEqual(classifyError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })), { kind: 'unreachable', code: 'ECONNREFUSED' });
    assert.deepEqual(classifyError(Object.assign(awsError('TimeoutError'), { code: 'ETIMEDOUT' })), { kind: 'unreachable', code: 'no answer in time' });
  });

  it('says Bedrock could not be reached, once, without waiting on every call', async () => {
    let calls = 0;
    const unreachable = async () => {
      calls++;
      return Promise.reject(awsError('TimeoutError'));
    };
    const report = await checkModels({
      region: 'us-east-1',
      models: { model: `us.${SONNET}`, smallFastModel: `us.${HAIKU}` },
      control: control({ listProfiles: unreachable, getProfile: unreachable, availability: unreachable }),
    });
    assert.deepEqual(report.checks.map((c) => c.status), ['error', 'error']);
    assert.match(report.checks[0].reason, /^Bedrock could not be reached \(no answer in time\)\. Check your network, proxy or VPN connection, then check again\.$/);
    assert.deepEqual(report.checks[0].fix, { kind: 'retry', label: 'Check Again' });
    assert.equal(calls, 2, 'only the two catalog listings');
  });

  it('knows bare IDs and underlying models', () => {
    assert.equal(isBareModelId(SONNET), true);
    assert.equal(isBareModelId(`eu.${SONNET}`), false);
    assert.equal(foundationModelId(`apac.${HAIKU}`), HAIKU);
    assert.equal(foundationModelId(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`), HAIKU);
    assert.equal(suggestProfile(`us.${SONNET}`, 'eu-west-1', [profile(`eu.${SONNET}`)]), `eu.${SONNET}`);
    assert.equal(suggestProfile(`us.${SONNET}`, 'sa-east-1', [profile(`global.${SONNET}`)]), `global.${SONNET}`);
  });
});

describe('choosing models', () => {
  it("offers the region's geography first, Haiku first for the fast model, and application profiles by ARN", () => {
    const app = profile('team', 'APPLICATION');
    const ordered = orderProfiles([app, profile(`global.${SONNET}`), profile(`us.${HAIKU}`), profile(`us.${SONNET}`)], 'us-west-2', 'smallFastModel');
    assert.deepEqual(ordered.map((p) => p.id), [`us.${HAIKU}`, `us.${SONNET}`, `global.${SONNET}`, 'team']);
    assert.equal(settingValue(app), app.arn);
  });

  it("puts the organisation's prefix first, and suggests it in a fix", () => {
    const ordered = orderProfiles([profile(`global.${SONNET}`), profile(`us.${SONNET}`)], 'us-west-2', 'model', 'global');
    assert.deepEqual(ordered.map((p) => p.id), [`global.${SONNET}`, `us.${SONNET}`]);
    assert.equal(suggestProfile(SONNET, 'us-west-2', [profile(`us.${SONNET}`), profile(`global.${SONNET}`)], 'global'), `global.${SONNET}`);
    assert.equal(foundationModelId(`us-gov.${SONNET}`), SONNET);
    assert.equal(suggestProfile(SONNET, 'us-gov-west-1', [profile(`us-gov.${SONNET}`)], 'global'), `us-gov.${SONNET}`, 'GovCloud keeps its own');
  });

  it('starts the Fable step with Same as Opus, ticked while fable has no pin of its own, and puts a pin of its own first otherwise', () => {
    const profiles = [profile(`us.${OPUS}`), profile(`us.${FABLE}`)];
    const current = { model: `us.${SONNET}`, opusModel: `us.${OPUS}`, sonnetModel: `us.${SONNET}`, fableModel: `us.${OPUS}`, smallFastModel: `us.${HAIKU}`, fableFollowsOpus: true };
    const following = stepItems(profiles, 'us-east-1', 'fableModel', current, `us.${OPUS}`);
    assert.deepEqual(following.map((i) => [i.label, i.value]), [['$(check) Same as Opus', ''], [`us.${FABLE}`, `us.${FABLE}`], [`us.${OPUS}`, `us.${OPUS}`]], "the Opus profile is not ticked: choosing it would pin fable apart");
    const own = stepItems(profiles, 'us-east-1', 'fableModel', { ...current, fableModel: `us.${OPUS}`, fableFollowsOpus: false }, `us.${OPUS}`);
    assert.deepEqual(own.map((i) => i.label), [`$(check) us.${OPUS}`, 'Same as Opus', `us.${FABLE}`]);
  });
});

describe('the model report page', () => {
  it('shows each model, runs no script, and fixes through allowed command links', async () => {
    const report = await checkModels({ region: 'us-east-1', models: { model: SONNET, smallFastModel: `us.${HAIKU}` }, control: control() });
    const html = renderModelReport(report, { cspSource: 'vscode-resource:', nonce: 'abc', placeholder: '' });
    assert.match(html, /default-src 'none'; style-src vscode-resource: 'nonce-abc'/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /data-role="model" data-status="bareModelId"/);
    const link = /href="(command:claudeBedrock\.applyModelFix\?[^"]+)"/.exec(html)?.[1] ?? '';
    assert.deepEqual(JSON.parse(decodeURIComponent(link.replace(/&amp;/g, '&').split('?')[1])), ['model', `us.${SONNET}`]);
  });
});
