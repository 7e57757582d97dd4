// Outside text is text, in the real VS Code: what an identity provider, a quota service, a
// setting or an ID token says reaches the notifications, the status bar and its hovers, and the
// Accounts menu as characters the user reads, never as a link (a command link, clicked, runs
// its command: here, typing into the terminal) or an icon. Read from the workbench itself, in
// the browser that shows it. The unit file security/notifications.test.ts covers the other sinks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HOSTILE, visible } from '../support/hostile';
import { aws, changeSetting, expectNotification, harness, idp, signInAs, ui, useExtension, waitFor, type Inspected } from './helpers';

const NOTIFICATION = '.notifications-center .notification-list-item-message';
const STATUS_ITEM = '#workbench\\.parts\\.statusbar .statusbar-item';
const LIMITS = { monthly_limit: 5_000_000, daily_limit: 500_000 };
/** A command link and an icon where a quota service's reason is shown (it is cut at 100 characters). */
const REASON = '$(loading~spin)_[Open](command:workbench.action.reloadWindow)';

/** The notification whose text starts with `start`, as the notification center shows it. */
async function notification(start: string): Promise<Inspected> {
  await vscode.commands.executeCommand('notifications.showList');
  return ui.inspect(NOTIFICATION, { hasText: start });
}

/** Asserts that `seen` shows the attack's characters, and that no link or icon of it formed. */
function showsAsText(seen: Inspected, where: string): void {
  assert.deepEqual(seen.links, [], `no link in ${where}`);
  assert.deepEqual(seen.icons, [], `no icon in ${where}`);
  assert.ok(visible(seen.text).includes(HOSTILE), `${where} shows every character: ${seen.text}`);
}

describe('Security: outside text in notifications, the status bar and the Accounts menu', function () {
  const testApi = useExtension();

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  it("shows an identity provider's error_description carrying a command link as text, with the sign-in's own state", async () => {
    await idp.wait();
    const from = testApi.notifications.length;
    const signIn = Promise.resolve(vscode.commands.executeCommand('claudeBedrock.signIn') as Thenable<{ signedIn: boolean }>);
    // The page a hostile party controls sends the browser back with the sign-in's state (it saw the request).
    const request = await waitFor('the authorization request', async () => (await idp.authorizations()).at(-1));
    const callback = new URL(request.redirect_uri);
    callback.search = new URLSearchParams({ error: 'access_denied', error_description: HOSTILE, state: request.state, iss: harness.issuer() }).toString();
    await fetch(callback);
    assert.equal((await signIn).signedIn, false);
    await expectNotification(testApi, from, /^Sign-in was declined at your identity provider: blocked\./);
    showsAsText(await notification('Sign-in was declined'), 'the notification');
  });

  it("shows a quota service's message carrying a command link as text, blocked at sign-in", async () => {
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await aws.quotaPolicies({ 'alice@example.com': { ...LIMITS, blocked: 'monthly_exceeded', message: HOSTILE } });
    const from = testApi.notifications.length;
    assert.equal((await signInAs('alice')).signedIn, false);
    const shown = await expectNotification(testApi, from, /^Claude Code is blocked/);
    assert.deepEqual(shown.buttons, ['Sign In']);
    showsAsText(await notification('Claude Code is blocked'), 'the notification');
  });

  it("shows a quota service's reason and message in the usage item, its hover and the notification as text, blocked mid-session", async () => {
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await aws.quotaPolicies({ 'alice@example.com': LIMITS });
    await signInAs('alice');
    const from = testApi.notifications.length;
    await aws.quotaPolicies({ 'alice@example.com': { ...LIMITS, blocked: REASON, message: HOSTILE } });
    await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
    await waitFor('the block', () => testApi.quota()?.kind === 'blocked');

    const item = await ui.inspect(STATUS_ITEM, { hasText: 'Blocked:' });
    assert.deepEqual(item.icons, ['codicon-circle-slash'], 'only its own icon');
    assert.ok(item.text.includes('Blocked: $(loading~spin) [Open](command:workbench.action.reloadWindow)'), item.text);
    showsAsText(await ui.inspect(STATUS_ITEM, { hasText: 'Blocked:', hover: 'Claude Code usage' }), "the usage item's hover");

    await expectNotification(testApi, from, /^Claude Code is blocked/);
    showsAsText(await notification('Claude Code is blocked'), 'the notification');
  });

  it("shows a model setting with a command link as text in the notification, and the account item's hover keeps only its own links", async () => {
    await signInAs('alice');
    const model = `anthropic.${HOSTILE}`;
    const from = testApi.notifications.length;
    await changeSetting('model', model);
    await expectNotification(testApi, from, /will not work on Bedrock/, 60_000);
    const shown = await notification('will not work on Bedrock');
    assert.deepEqual(shown.links, []);
    assert.ok(visible(shown.text).includes(model), shown.text);

    await waitFor('the model problem on the account item', () => testApi.statusBar()?.warning);
    const hover = await ui.inspect(STATUS_ITEM, { hasText: 'alice@example.com', hover: 'Claude Code on Amazon Bedrock' });
    assert.deepEqual(
      hover.links.map((l) => l.text),
      ['Model Report', 'Diagnose'],
      'its own links only',
    );
    assert.ok(hover.links.every((l) => l.href.startsWith('command:claudeBedrock.')), JSON.stringify(hover.links));
    assert.deepEqual(hover.icons, []);
    assert.ok(hover.text.includes(model), hover.text);
  });

  it('shows a name an attacker chose in the ID token as text: the account item, its hover and the Accounts menu', async () => {
    assert.equal((await signInAs('mallory')).signedIn, true);
    const state = testApi.state();
    const name = state.kind === 'signedIn' ? (state.session.identity.name ?? '') : '';
    assert.match(name, /^Mallory \$\(loading~spin\) \[Sign in again\]\(command:/);

    const item = await ui.inspect(STATUS_ITEM, { hasText: 'Mallory' });
    assert.deepEqual(item.icons, ['codicon-account'], 'only its own icon');
    assert.ok(item.text.includes(name), item.text);

    const hover = await ui.inspect(STATUS_ITEM, { hasText: 'Mallory', hover: 'Claude Code on Amazon Bedrock' });
    assert.deepEqual(
      hover.links.map((l) => l.text),
      ['Usage', 'Diagnose'],
      'its own links only',
    );
    assert.deepEqual(hover.icons, []);
    assert.ok(hover.text.includes(name), hover.text);

    const entry = (await ui.accountsInspect()).find((e) => e.text.includes('Mallory'));
    assert.ok(entry, 'the Accounts menu lists the account');
    assert.deepEqual([entry.icons, entry.links], [0, 0]);
    // The menu drops what reads as an icon: every character of the name must still be there.
    assert.ok(visible(entry.text).includes(name), entry.text);
  });
});
