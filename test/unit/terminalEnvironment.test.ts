// The integrated terminals' environment, kept in step with the session, the settings and
// workspace trust; and the loopback endpoint that serves the session's keys to them.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'vscode';
import { TerminalEnvironment } from '../../src/terminal/environment';
import { FakeEnvironmentVariableCollection, FakeTrust } from './fakes/editor';
import { useMachine, type Machine, type Window } from './sessionWorld';

async function credentialsFrom(uri: string, token: string): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(uri, { headers: { Authorization: token } });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('the terminal environment', () => {
  const world = useMachine();
  let m: Machine;
  let w: Window;
  let collection: FakeEnvironmentVariableCollection;
  let trust: FakeTrust;
  let terminals: TerminalEnvironment;
  let claudeCode: { connected: boolean; changed: EventEmitter<boolean> };

  beforeEach(async () => {
    m = world.m;
    w = await world.window();
    collection = new FakeEnvironmentVariableCollection();
    trust = new FakeTrust(true);
    claudeCode = { connected: false, changed: new EventEmitter<boolean>() };
    terminals = new TerminalEnvironment({
      collection,
      sessions: w.core,
      credentials: () => w.keys.credentials(),
      refusal: () => w.keys.refusal(),
      onDidChangeRefusal: w.quota.onDidChange,
      config: w.config,
      trust,
      log: w.log,
      notify: w.notify,
      storageDir: path.join(m.storageDir, 'terminals'),
      launcher: async () => ({ command: (sub) => `'/x/claude-code-helper' ${sub}` }),
      claudeCode: {
        get connected() {
          return claudeCode.connected;
        },
        onDidChange: claudeCode.changed.event,
      },
    });
    world.cleanup(() => terminals.dispose());
  });

  it('gives terminals Bedrock and the credentials endpoint while signed in, never persisted, and nothing signed out', async () => {
    assert.equal(collection.persistent, false);
    await terminals.update();
    assert.deepEqual(collection.values(), {});
    await w.signIn.signIn();
    await terminals.update();
    const vars = collection.values();
    assert.equal(vars.CLAUDE_CODE_USE_BEDROCK, '1');
    assert.equal(vars.AWS_REGION, 'us-east-1');
    assert.equal(vars.ANTHROPIC_MODEL, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, await terminals.endpointUri());
    assert.equal(vars.AWS_PROFILE, 'claude-bedrock');
    await w.signIn.signOut();
    await terminals.update();
    assert.deepEqual(collection.values(), {});
  });

  it("serves the session's current keys to the token terminals hold, and a new sign-in a new token", async () => {
    await w.signIn.signIn();
    await terminals.update();
    const { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: token } = collection.values();
    const served = await credentialsFrom(uri, token);
    assert.equal(served.status, 200);
    assert.equal(served.body.AccessKeyId, w.core.session?.credentials.accessKeyId);
    assert.equal((await credentialsFrom(uri, `${token}x`)).status, 403);
    await w.signIn.signOut();
    await terminals.update();
    await w.signIn.signIn();
    await terminals.update();
    const next = collection.values().AWS_CONTAINER_AUTHORIZATION_TOKEN;
    assert.notEqual(next, token);
    assert.equal((await credentialsFrom(uri, token)).status, 403, 'the old token is cut off');
    assert.equal((await credentialsFrom(uri, next)).status, 200);
  });

  it('gives an untrusted workspace nothing, and sets it up once it is trusted', async () => {
    trust.isTrusted = false;
    await w.signIn.signIn();
    await terminals.update();
    assert.deepEqual(collection.values(), {});
    trust.grant();
    await terminals.update();
    assert.equal(collection.values().CLAUDE_CODE_USE_BEDROCK, '1');
  });

  it('names an invalid terminal setting once, and gives terminals nothing until it is fixed', async () => {
    await w.signIn.signIn();
    m.settings.set('claudeBedrock.maxOutputTokens', -5);
    await terminals.update();
    await terminals.update();
    assert.deepEqual(collection.values(), {});
    const said = w.notify.shown.filter((n) => /cannot set up your terminals/.test(n.message));
    assert.equal(said.length, 1);
    assert.match(said[0].message, /claudeBedrock\.maxOutputTokens must be a whole number from 1 to 1000000/);
    m.settings.set('claudeBedrock.maxOutputTokens', 0);
    await terminals.update();
    assert.equal(collection.values().CLAUDE_CODE_USE_BEDROCK, '1');
  });

  it('puts the keys themselves in the environment in environment mode, and the renewed ones after a renewal', async () => {
    m.settings.set('claudeBedrock.terminalCredentials', 'environment');
    await w.signIn.signIn();
    await terminals.update();
    const first = collection.values().AWS_ACCESS_KEY_ID;
    assert.equal(first, w.core.session?.credentials.accessKeyId);
    assert.equal(collection.values().AWS_CONTAINER_CREDENTIALS_FULL_URI, '');
    await w.renewal.renewNow(true);
    await terminals.update();
    assert.notEqual(collection.values().AWS_ACCESS_KEY_ID, first);
    assert.equal(collection.values().AWS_ACCESS_KEY_ID, w.core.session?.credentials.accessKeyId);
    const profile = await fs.readFile(collection.values().AWS_CONFIG_FILE, 'utf8');
    assert.match(profile, /^credential_process = '\/x\/claude-code-helper' environment-keys$/m);
    assert.doesNotMatch(profile, new RegExp(first));
  });

  it("writes the terminals' AWS profile with the region, follows a change of region, and an empty credentials file", async () => {
    await w.signIn.signIn();
    await terminals.update();
    const vars = collection.values();
    assert.equal((await fs.readFile(vars.AWS_CONFIG_FILE, 'utf8')).replace(/^#.*\n/gm, ''), '[profile claude-bedrock]\nregion = us-east-1\n');
    assert.equal((await fs.readFile(vars.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).replace(/^#.*\n/gm, ''), '');
    m.settings.set('claudeBedrock.region', 'eu-west-1');
    await terminals.update();
    assert.match(await fs.readFile(vars.AWS_CONFIG_FILE, 'utf8'), /^region = eu-west-1$/m);
  });

  it("leaves the terminals' AWS configuration and keys alone once Claude Code's own settings carry the session", async () => {
    await w.signIn.signIn();
    await terminals.update();
    assert.equal(collection.values().AWS_PROFILE, 'claude-bedrock');
    claudeCode.connected = true;
    claudeCode.changed.fire(true);
    await terminals.update();
    const vars = collection.values();
    assert.equal(vars.CLAUDE_CODE_USE_BEDROCK, '1');
    assert.equal(vars.ANTHROPIC_MODEL, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    for (const name of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_REGION']) {
      assert.equal(name in vars, false, `${name} is the shell's own`);
    }
    const description = typeof collection.description === 'string' ? collection.description : collection.description?.value ?? '';
    assert.match(description, /your profiles, `AWS_PROFILE` and keys work/);
  });
});
