// One place knows each setting (src/config/settings.ts, from its three parts): package.json and the organisation
// defaults' schema are generated from it, and the Config object tells each part of the
// extension about the changes it must react to.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Config } from '../../src/config/config';
import { contributedProperties, orgDefaultsSchema } from '../../src/config/contribution';
import { SETTINGS } from '../../src/config/settings';
import type { Area, SettingProblem } from '../../src/config/rules';
import { FakeSettings } from './fakes/editor';

const ROOT = path.resolve(__dirname, '../../..');

describe('the settings table', () => {
  it("is what package.json contributes, to the letter (npm run settings writes it)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require(path.join(ROOT, 'package.json')) as { contributes: { configuration: { properties: unknown } } };
    assert.deepEqual(manifest.contributes.configuration.properties, contributedProperties());
  });

  it('is what the organisation defaults are checked against (npm run settings writes it)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require(path.join(ROOT, 'src', 'config', 'orgDefaults.schema.json')) as unknown;
    assert.deepEqual(schema, orgDefaultsSchema());
  });

  it('keeps every setting out of a workspace\'s reach, and lets each say who reacts to it', () => {
    for (const [id, property] of Object.entries(contributedProperties())) assert.equal(property.scope, 'machine', id);
    for (const setting of SETTINGS) assert.ok(setting.affects.length > 0, `${setting.key} reaches someone`);
  });

  it('holds each setting once, each at a place of its own in the Settings editor', () => {
    assert.equal(new Set(SETTINGS.map((s) => s.key)).size, SETTINGS.length);
    const orders = SETTINGS.map((s) => s.order);
    assert.equal(new Set(orders).size, orders.length, 'two settings share an order');
  });

  it('gives every default a value its own rule accepts', () => {
    for (const setting of SETTINGS) {
      const problems: SettingProblem[] = [];
      setting.read(setting.schema.default, problems);
      if (setting.schema.required) continue;
      assert.deepEqual(problems, [], setting.key);
    }
  });
});

describe('the settings as the extension reads them', () => {
  it('tells the parts of the extension that must react, and only when their settings change', () => {
    const settings = new FakeSettings({ 'claudeBedrock.issuer': 'https://idp.example.com/' });
    const config = new Config(settings);
    const heard: Area[][] = [];
    config.onDidChange((areas) => heard.push([...areas].sort()));
    settings.set('claudeBedrock.model', 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
    settings.set('claudeBedrock.region', 'eu-west-1');
    settings.set('claudeBedrock.usageRefreshMinutes', 1);
    settings.set('editor.fontSize', 14);
    assert.deepEqual(heard, [['models', 'terminals'], ['models', 'signIn', 'terminals', 'usage'], ['usage']]);
  });

  it('reads each group once per change, and again after one', () => {
    const settings = new FakeSettings({ 'claudeBedrock.region': 'eu-west-1' });
    const config = new Config(settings);
    const first = config.models();
    assert.equal(config.models(), first, 'the same object: not read again');
    assert.ok(first.ok && first.value.model === 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    settings.set('claudeBedrock.region', 'ap-northeast-1');
    const second = config.models();
    assert.ok(second.ok && second.value.model === 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it("writes where a user would: the user's own settings", async () => {
    const settings = new FakeSettings();
    const config = new Config(settings);
    await config.write('model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    const checked = config.models();
    assert.ok(checked.ok && checked.value.model === 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });
});
