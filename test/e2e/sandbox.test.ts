// The product as a developer meets it: the sandbox (the packaged VSIX installed in the VS Code
// server, pointed at the local IdP and the AWS emulator), driven in headless Chromium through
// the command palette, the IdP's own login page, the status bar, the dashboard and a terminal.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { DEMO_QUOTA, DEMO_USER, OVER_QUOTA_USER } from '../support/sandbox';
import { openSignedOut, palette, signInAtIdp } from '../support/workbench';
import { SCREENSHOTS, useSandbox } from './useSandbox';

/** The running Claude Code processes whose environment says Bedrock, by pid. */
function claudeProcesses(): { pid: number; env: string[] }[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (comm !== 'claude') return [];
        return [{ pid: Number(pid), env: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0') }];
      } catch {
        return [];
      }
    });
}

/** The webview in front: VS Code nests its page in two iframes. */
function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

describe('The sandbox, as a developer uses it', () => {
  const { sandbox, page } = useSandbox('');

  it('runs the packaged VSIX, not the source folder', () => {
    const extensions = path.join(path.dirname(sandbox.userDataDir), 'server', 'extensions');
    const installed = readdirSync(extensions).find((d) => d.startsWith('claude-bedrock.claude-bedrock-'));
    assert.ok(installed, `installed: ${readdirSync(extensions).join(', ')}`);
    const manifest = JSON.parse(readFileSync(path.join(extensions, installed, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown }> } };
    };
    assert.equal(manifest.contributes.configuration.properties['claudeBedrock.issuer'].default, sandbox.world.idp.issuer, 'the organisation defaults are baked in');
    assert.ok(existsSync(path.join(extensions, installed, 'dist', 'extension.js')));
    assert.ok(!existsSync(path.join(extensions, installed, 'src')), 'no sources in the package');
  });

  it('signs in through the command palette and the IdP login page', async () => {
    await openSignedOut(page, sandbox.url);
    const login = await signInAtIdp(page, DEMO_USER.login, DEMO_USER.email, (loginPage) =>
      loginPage.screenshot({ path: path.join(SCREENSHOTS, 'sign-in-idp.png') }).then(() => undefined),
    );
    assert.equal(await login.locator('h1').innerText(), 'Signed in');
    await login.close();
  });

  it('shows usage against the quota in the status bar', async () => {
    const statusBar = page.locator('#workbench\\.parts\\.statusbar');
    const limit = `${DEMO_QUOTA.monthly_limit / 1_000_000}M tok`;
    const usage = statusBar.locator('.statusbar-item', { hasText: limit });
    await usage.waitFor({ timeout: 30_000 });
    const text = await usage.innerText();
    const percent = Math.floor((sandbox.seededTokens.month / DEMO_QUOTA.monthly_limit) * 100);
    assert.match(text, new RegExp(`/ ${limit.replace('.', '\\.')} \\(${percent}%\\)`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'status-bar.png'), clip: { x: 700, y: 860, width: 700, height: 40 } });
  });

  it('opens the dashboard from the status bar, with the seeded figures', async () => {
    await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'tok' }).first().click();
    const frame = webview(page);
    await frame.locator('[data-figure="month-tokens"]').waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('[data-figure="month-tokens"]').innerText(), `${sandbox.seededTokens.month.toLocaleString('en-US')} tokens`);
    assert.equal(await frame.locator('[data-figure="today-tokens"]').innerText(), `${sandbox.seededTokens.today.toLocaleString('en-US')} tokens`);
    // This machine's part, from the sandbox's Claude Code records: today's cost and the sessions.
    assert.match(await frame.locator('[data-figure="local-today-cost"]').innerText(), /^\$\d+\.\d\d$/);
    assert.ok((await frame.locator('[data-session]').count()) >= 3, 'the sessions table');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png') });
  });

  it('opens a Claude Code terminal in which claude runs on Bedrock with the session', async () => {
    const before = new Set(claudeProcesses().map((p) => p.pid));
    await palette(page, 'Claude Bedrock: Open Claude Code Terminal');
    await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'Claude Code' }).first().waitFor({ timeout: 30_000 });
    let started: { pid: number; env: string[] } | undefined;
    for (let i = 0; i < 300 && !started; i++) {
      started = claudeProcesses().find((p) => !before.has(p.pid) && p.env.includes('CLAUDE_CODE_USE_BEDROCK=1'));
      if (!started) await page.waitForTimeout(100);
    }
    assert.ok(started, 'claude started in the terminal');
    assert.ok(started.env.some((e) => e.startsWith('AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:')));
    await page.locator('.xterm-screen').first().waitFor();
    // Claude Code has drawn its screen: more than the prompt line.
    await page.waitForFunction(() => [...document.querySelectorAll('.xterm-rows > div')].filter((row) => (row.textContent ?? '').trim()).length >= 5, undefined, {
      timeout: 60_000,
    });
    // A question, answered by Bedrock (the emulator) on the session's keys.
    const answer = sandbox.world.aws.bedrock.reply;
    const invokes = () => sandbox.world.aws.calls.filter((c) => c.service === 'bedrock' && /InvokeModel|Converse/.test(c.action)).length;
    const invokedBefore = invokes();
    await palette(page, 'View: Toggle Maximized Panel');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.locator('.xterm-screen').first().click();
    await page.keyboard.type('Say hello from Bedrock');
    await page.keyboard.press('Enter');
    await page.waitForFunction((text) => [...document.querySelectorAll('.xterm-rows > div')].some((row) => (row.textContent ?? '').includes(text)), answer, { timeout: 60_000 });
    assert.ok(invokes() > invokedBefore, 'Bedrock was called');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'terminal.png') });
    await palette(page, 'View: Toggle Maximized Panel');
  });

  it("connects Claude Code from the command palette, showing what changes first, with the packaged helper handing out the session's keys", async () => {
    await palette(page, 'Claude Bedrock: Connect Claude Code');
    const frame = webview(page);
    await frame.locator('#connect').waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('#changes').innerText(), /awsCredentialExport/);
    await palette(page, 'View: Hide Panel');
    await page.locator('#workbench\\.parts\\.panel').waitFor({ state: 'hidden' });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'consent-view.png') });
    await frame.locator('#connect').click();
    // Claude Code's settings in the sandbox's home: the helper, never a key.
    const settingsFile = path.join(sandbox.home, '.claude', 'settings.json');
    let settings: { awsCredentialExport?: string; env?: Record<string, string> } = {};
    for (let i = 0; i < 300 && !settings.awsCredentialExport; i++) {
      if (existsSync(settingsFile)) settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      if (!settings.awsCredentialExport) await page.waitForTimeout(100);
    }
    assert.match(settings.awsCredentialExport ?? '', /claude-code-helper' export$/);
    assert.equal(settings.env?.CLAUDE_CODE_USE_BEDROCK, '1');
    assert.doesNotMatch(readFileSync(settingsFile, 'utf8'), /ASIA|SecretAccessKey|SessionToken/);
    // Run as Claude Code runs it: through a shell, with the VS Code server's runtime.
    const out = spawnSync('/bin/sh', ['-c', settings.awsCredentialExport!], { env: { ...process.env, HOME: sandbox.home }, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const keys = (JSON.parse(out.stdout) as { Credentials: { AccessKeyId: string; Expiration: string } }).Credentials;
    assert.match(keys.AccessKeyId, /^ASIA/);
    assert.ok(Date.parse(keys.Expiration) > Date.now());
  });

  it("runs Diagnose from the status bar item's tooltip: every check passes in the sandbox, and Save Report writes the report without a secret", async () => {
    await page.keyboard.press('Escape');
    const account = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: DEMO_USER.email }).first();
    await account.hover();
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Signed in as' }).last();
    await hover.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'status-tooltip.png'), clip: { x: 700, y: 500, width: 700, height: 400 } });
    await hover.getByRole('link', { name: 'Diagnose' }).click();
    const frame = webview(page);
    const summary = frame.locator('.summary');
    await frame.locator('.summary', { hasText: 'Checked at' }).waitFor({ timeout: 60_000 });
    const rows = await frame.locator('tr[data-check]').evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute('data-check'), status: tr.className, found: tr.querySelector('.found')?.textContent ?? '' })));
    assert.ok(rows.length >= 17, `${rows.length} rows`);
    assert.deepEqual(rows.filter((r) => r.status !== 'pass'), [], 'every check passes in the sandbox');
    assert.match(await summary.innerText(), /^Pass: \d+ passed, 0 warnings, 0 failed\./);
    await page.mouse.move(700, 400);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'diagnose.png') });

    // Save Report…: VS Code's own save dialog, at the suggested file in the home folder.
    const saved = path.join(sandbox.home, 'claude-bedrock-diagnose.md');
    await frame.getByRole('link', { name: 'Save Report…' }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((want) => (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value === want, saved, { timeout: 15_000 });
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
    await palette(page, 'Notifications: Show Notifications');
    await page.locator('.notifications-center .notification-list-item-message', { hasText: `The Diagnose report is saved to ${saved}, without tokens or keys.` }).waitFor({ timeout: 30_000 });
    await palette(page, 'Notifications: Clear All Notifications');
    const report = readFileSync(saved, 'utf8');
    assert.match(report, /^# Claude Code on Amazon Bedrock: Diagnose report\n\n- Result: \*\*PASS\*\*/);
    assert.ok(report.includes(DEMO_USER.email), 'the report names who it is about');
    const issued = sandbox.world.idp.issued;
    const secrets = [...issued.idTokens, ...issued.accessTokens, ...issued.refreshTokens, ...[...sandbox.world.aws.sts.keys.values()].flatMap((k) => [k.accessKeyId, k.secretAccessKey, k.sessionToken])];
    // The credentials endpoint's token, as the Claude Code terminal opened above holds it.
    const endpointTokens = claudeProcesses().flatMap((p) => p.env.filter((e) => e.startsWith('AWS_CONTAINER_AUTHORIZATION_TOKEN=')).map((e) => e.slice(e.indexOf('=') + 1)));
    assert.ok(endpointTokens.length > 0, 'the terminal claude holds the endpoint token');
    secrets.push(...endpointTokens);
    assert.ok(secrets.length >= 5, `${secrets.length} secrets issued`);
    assert.deepEqual(secrets.filter((secret) => report.includes(secret)), [], 'no token or key in the saved report');
    assert.equal(statSync(saved).mode & 0o777, 0o600, 'only the user can read it');
  });

  it('shows a user the quota service blocks, mid-session, why Claude Code stopped and when it comes back', async () => {
    const blocked = { ...DEMO_QUOTA, blocked: 'monthly_exceeded', message: 'Your team lead can raise your limit in the quota dashboard.' };
    sandbox.world.aws.quota.policies[DEMO_USER.email] = blocked;
    try {
      // The next check (here on demand; every quotaRecheckMinutes by itself) finds the block.
      await palette(page, 'Claude Bedrock: Refresh Usage');
      const statusBar = page.locator('#workbench\\.parts\\.statusbar');
      await statusBar.getByText('Blocked: monthly token quota used up').waitFor({ timeout: 30_000 });
      await palette(page, 'Notifications: Show Notifications');
      const toast = page.locator('.notifications-center .notification-list-item-message', { hasText: 'Claude Code is blocked' });
      await toast.waitFor({ timeout: 30_000 });
      assert.match(await toast.innerText(), /your monthly token quota is used up\. The quota service says: "Your team lead can raise your limit in the quota dashboard\." It resets (on 1 \w+ \(UTC\)|at midnight UTC, in (\d+ h )?\d+ min)/);
      // Claude Code's helper refuses, with the same sentence (what Claude Code shows in its Sign-in box).
      const settings = JSON.parse(readFileSync(path.join(sandbox.home, '.claude', 'settings.json'), 'utf8')) as { awsCredentialExport: string };
      const out = spawnSync('/bin/sh', ['-c', settings.awsCredentialExport], { env: { ...process.env, HOME: sandbox.home }, encoding: 'utf8' });
      assert.equal(out.status, 1);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, /Claude Code is blocked: your monthly token quota is used up/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'quota-blocked.png') });
    } finally {
      sandbox.world.aws.quota.policies[DEMO_USER.email] = DEMO_QUOTA;
    }
  });

  it('gives a user over quota no credentials at sign-in, and says why in VS Code and in the browser', async () => {
    await palette(page, 'Claude Bedrock: Sign Out');
    await page.locator('#workbench\\.parts\\.statusbar').getByText('Claude: Sign In').waitFor({ timeout: 30_000 });
    const mints = () => sandbox.world.aws.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length;
    const before = mints();
    // The browser is still signed in at the IdP as the demo user: the next login is decided there.
    sandbox.world.idp.queueLogin({ action: 'login', user: OVER_QUOTA_USER.login });
    const popup = page.context().waitForEvent('page');
    await palette(page, 'Claude Bedrock: Sign In');
    const loginPage = await popup;
    await loginPage.waitForURL(/127\.0\.0\.1:\d+\/callback/);
    await loginPage.getByText('Claude Code is blocked').waitFor({ timeout: 30_000 });
    assert.equal(await loginPage.locator('h1').innerText(), 'Sign-in failed');
    await loginPage.close();
    await palette(page, 'Notifications: Show Notifications');
    await page.locator('.notifications-center .notification-list-item-message', { hasText: 'Claude Code is blocked' }).first().waitFor({ timeout: 30_000 });
    await page.locator('#workbench\\.parts\\.statusbar').getByText('Claude: Sign In').waitFor();
    assert.equal(mints(), before, 'no keys minted for a blocked user');
  });
});
