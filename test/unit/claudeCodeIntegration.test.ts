// When Claude Code gets connected to the sign-in (claudeBedrock.claudeCodeIntegration): "ask"
// offers it once after the first sign-in and explains hidden profiles once in a terminal;
// "always" connects without asking, signed in or not; "never" takes the extension's entries out.
// Windows of the real session classes, the real connection, Claude Code's settings in a
// temporary folder.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ClaudeCodeConnection, type PanelSettings } from '../../src/claudeCode/connection';
import { ClaudeCodeIntegration, type ConsentUi } from '../../src/claudeCode/integration';
import { valueAt } from '../../src/claudeCode/jsonEdit';
import { EventEmitter } from './fakes/vscode';
import { settle } from './fakes/clock';
import { useMachine, type Window } from './sessionWorld';
import { until } from './windowsHelpers';

const USERS_OWN = '{\n  // mine\n  "model": "opus"\n}\n';

class Memento {
  private readonly values = new Map<string, unknown>();
  keys = () => [...this.values.keys()];
  get = <T>(key: string, fallback?: T) => (this.values.has(key) ? (this.values.get(key) as T) : fallback);
  update = async (key: string, value: unknown) => void this.values.set(key, value);
}

class Consent implements ConsentUi {
  asked = 0;
  answer = { connect: true, fixes: [] as string[] };
  async ask() {
    this.asked++;
    return this.answer;
  }
}

const panel: PanelSettings = { installed: () => false, get: () => undefined, set: async () => undefined };

describe('connecting Claude Code: ask, always, never', () => {
  const world = useMachine({ region: 'us-east-1' });

  async function setUp(w?: Window) {
    const win = w ?? (await world.window());
    const files = { settings: path.join(world.m.storageDir, 'home', '.claude', 'settings.json'), awsConfig: path.join(world.m.storageDir, 'home', '.aws', 'config') };
    const connection = new ClaudeCodeConnection({
      secrets: win.secrets,
      files,
      launcher: async () => ({ script: '/x/claude-code-helper', command: (sub) => `'/x/claude-code-helper' ${sub}` }),
      config: win.config,
      panel,
      channel: win.channel,
      log: win.log,
    });
    const consent = new Consent();
    const memento = new Memento();
    const terminals = new EventEmitter<unknown>();
    const integration = new ClaudeCodeIntegration({
      connection,
      sessions: win.core,
      config: win.config,
      consent,
      memento: memento as unknown as vscode.Memento,
      onDidOpenTerminal: terminals.event,
      notify: win.notify,
      log: win.log,
    });
    world.cleanup(() => {
      integration.dispose();
      connection.dispose();
    });
    const file = () => (existsSync(files.settings) ? readFileSync(files.settings, 'utf8') : undefined);
    const offers = () => win.notify.shown.filter((n) => n.buttons.includes('run')).map((n) => n.message);
    return { win, connection, integration, consent, memento, terminals, file, files, offers };
  }

  const setMode = (mode: string) => world.m.settings.set('claudeBedrock.claudeCodeIntegration', mode);

  it('asks: offers Connect once after the first sign-in, and writes nothing until the user consents', async () => {
    const { win, integration, consent, file, offers } = await setUp();
    await win.signIn.signIn();
    await integration.reconcile();
    assert.equal(offers().length, 1, 'offered once');
    assert.match(offers()[0], /Use this sign-in for Claude Code everywhere on this machine/);
    assert.equal(file(), undefined, 'nothing written by the offer');
    await win.signIn.signOut();
    await win.signIn.signIn();
    await integration.reconcile();
    assert.equal(offers().length, 1, 'not offered again');

    consent.answer = { connect: false, fixes: [] };
    assert.equal(await integration.connectWithConsent(), undefined);
    assert.equal(file(), undefined, 'Cancel writes nothing');
    consent.answer = { connect: true, fixes: [] };
    assert.equal((await integration.connectWithConsent())?.ok, true);
    assert.match(file()!, /"awsCredentialExport": "'\/x\/claude-code-helper' export"/);
    assert.equal(consent.asked, 2);
  });

  it('asks: explains once, when a terminal opens unconnected, why the AWS CLI there acts as the role', async () => {
    const { win, integration, terminals, offers } = await setUp();
    terminals.fire(undefined);
    await settle();
    assert.equal(offers().length, 0, 'not signed in: nothing to explain');
    await win.signIn.signIn();
    await integration.reconcile();
    terminals.fire(undefined);
    terminals.fire(undefined);
    await settle();
    const hints = offers().filter((m) => /VS Code terminals hide your own AWS profiles/.test(m));
    assert.equal(hints.length, 1, 'once');
    assert.match(hints[0], /could not be found/);
  });

  it('always: connects without asking, signed in or not, and Disconnect says who decides', async () => {
    const { win, connection, integration, consent, file, files } = await setUp();
    mkdirSync(path.dirname(files.settings), { recursive: true });
    writeFileSync(files.settings, USERS_OWN);
    setMode('always');
    await integration.reconcile();
    assert.equal(connection.connected, true, 'connected while signed out');
    assert.equal(win.core.state.kind, 'signedOut');
    assert.equal(consent.asked, 0);
    assert.equal(await integration.disconnect(), undefined);
    assert.match(win.notify.shown.at(-1)!.message, /Your platform team connects Claude Code to this sign-in .* Set it to "ask" to disconnect\./);
    assert.notEqual(file(), USERS_OWN, 'still connected');

    setMode('never');
    await integration.reconcile();
    assert.equal(connection.connected, false);
    assert.equal(file(), USERS_OWN, 'the entries taken out, byte for byte');
    assert.match(win.notify.shown.at(-1)!.message, /^Connecting Claude Code to this sign-in is turned off .* what Connect wrote into .* is taken out and the values it replaced are back/);
  });

  it('never: Connect says it is turned off and writes nothing', async () => {
    const { win, integration, consent, file } = await setUp();
    setMode('never');
    await win.signIn.signIn();
    assert.equal(await integration.connectWithConsent(), undefined);
    assert.equal(consent.asked, 0);
    assert.equal(file(), undefined);
    assert.match(win.notify.shown.at(-1)!.message, /Connecting Claude Code is turned off/);
  });

  it('Sign Out does not disconnect; another window, with a SecretStorage of its own, learns of it and can Disconnect', async () => {
    const a = await setUp();
    const b = await setUp(await world.window());
    mkdirSync(path.dirname(a.files.settings), { recursive: true });
    writeFileSync(a.files.settings, USERS_OWN);
    await a.win.signIn.signIn();
    assert.equal((await a.integration.connectWithConsent())?.ok, true);
    await a.win.signIn.signOut();
    await a.integration.reconcile();
    assert.equal(a.connection.connected, true, 'still connected after Sign Out');
    await until('the other window to know', () => b.connection.connected);
    // As in the browser, where each window has its own SecretStorage: b disconnects what a connected.
    assert.equal((await b.integration.disconnect())?.ok, true);
    assert.equal(a.file(), USERS_OWN, 'byte for byte what it was');
    await until('the first window to know', () => !a.connection.connected);
  });

  it("writes the status line ticked in the consent view, with the launcher's command; \"always\" writes none (nobody chose it)", async () => {
    const { win, connection, integration, consent, file, files } = await setUp();
    mkdirSync(path.dirname(files.settings), { recursive: true });
    writeFileSync(files.settings, USERS_OWN);
    await win.signIn.signIn();
    consent.answer = { connect: true, fixes: ['statusLine'] };
    assert.equal((await integration.connectWithConsent())?.ok, true);
    assert.deepEqual(JSON.parse(JSON.stringify(valueAt(file()!, ['statusLine']))), { type: 'command', command: "'/x/claude-code-helper' statusline", padding: 0 });
    assert.equal((await integration.disconnect())?.ok, true);
    assert.equal(file(), USERS_OWN);

    setMode('always');
    await integration.reconcile();
    assert.equal(connection.connected, true);
    assert.equal(valueAt(file()!, ['statusLine']), undefined);
  });
});
