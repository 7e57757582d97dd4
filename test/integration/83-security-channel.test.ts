// The windows' channel in a real VS Code, tried as a process of this user's that has read the
// hub's key (hub/key in the extension's storage) and joins as a window: through a sign-in, a
// second window, a renewal and a sign-out it hears the session's keys (which Claude Code's helper
// may have too) but none of the tokens the identity provider issued. And what it says without the
// key's proof, it is not answered at all.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { helloProof, newNonce, readMessages, send, type Message } from '../../src/windows/wire';
import { harness, idp, signInAs, ui, useExtension, waitFor } from './helpers';

interface Eavesdropper {
  readonly heard: Message[];
  close(): void;
}

async function hub(storage: string): Promise<{ address: string; key: string }> {
  const folder = path.join(storage, 'hub');
  return { address: await fs.readFile(path.join(folder, 'address'), 'utf8'), key: await fs.readFile(path.join(folder, 'key'), 'utf8') };
}

async function eavesdrop(storage: string): Promise<Eavesdropper> {
  const { address, key } = await hub(storage);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(address, () => resolve(s));
    s.once('error', reject);
  });
  const heard: Message[] = [];
  readMessages(socket, (message) => {
    heard.push(message);
    if (message.t === 'welcome') send(socket, { t: 'join', held: [], retained: {} });
  });
  const nonce = newNonce();
  send(socket, { t: 'hello', nonce, proof: helloProof(key, address, nonce), role: 'window' });
  await waitFor('the hub to welcome the eavesdropper', () => heard.some((m) => m.t === 'welcome'));
  return { heard, close: () => socket.destroy() };
}

describe("Security: the windows' channel", () => {
  const testApi = useExtension();

  afterEach(async () => {
    if (harness.hasBrowserBridge()) await ui.closeWindows();
  });

  it('gives a process that read the hub key and joins as a window no ID token and no refresh token', async function () {
    this.timeout(180_000);
    const storage = testApi.globalStorageUri.fsPath;
    const early = await eavesdrop(storage);
    await signInAs('alice');
    if (harness.hasBrowserBridge()) {
      const other = (await ui.openWindow()).index;
      await waitFor('the other window to show the account', async () => /alice/i.test((await ui.windowStatusBar(other)).text), 60_000);
    }
    const late = await eavesdrop(storage);
    const before = testApi.state();
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    await waitFor('the renewal', () => {
      const s = testApi.state();
      return s.kind === 'signedIn' && before.kind === 'signedIn' && s.session.credentials.accessKeyId !== before.session.credentials.accessKeyId;
    });
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await waitFor('the sign-out to reach the eavesdroppers', () => early.heard.some((m) => m.t === 'msg' && m.topic === 'session' && (m.value as { session?: unknown }).session === null));
    early.close();
    late.close();

    const text = JSON.stringify([...early.heard, ...late.heard]);
    const issued = await idp.issued();
    assert.ok(issued.idTokens.length > 0 && issued.refreshTokens.length > 0);
    assert.ok(/"session":\{/.test(text), 'the eavesdroppers heard the session as windows do');
    for (const token of [...issued.idTokens, ...issued.refreshTokens, ...issued.accessTokens]) {
      for (const part of [token, token.slice(0, 24), token.slice(-24)]) assert.ok(!text.includes(part), 'a token the identity provider issued went over the channel');
    }
  });

  it('answers nothing to a hello that carries the key itself instead of a proof', async () => {
    const { address, key } = await hub(testApi.globalStorageUri.fsPath);
    const heard = await new Promise<string>((resolve) => {
      let got = '';
      const socket = net.connect(address, () => socket.write(`${JSON.stringify({ t: 'hello', key, role: 'window' })}\n`));
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(got));
    });
    assert.equal(heard, '');
  });
});
