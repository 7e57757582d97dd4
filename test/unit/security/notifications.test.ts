// Outside text is text, at every place it reaches the user (the integration file
// 81-security-notifications shows the same in the real VS Code). A command link, an icon, HTML
// and backticks go through each sink; the user reads the characters, and no link, icon, markup
// or terminal sequence forms: notifications (the Notifier, with an identity provider's
// error_description, a quota service's message, a setting's value), progress messages, quick
// picks, the status bar's texts and tooltip, the terminal's description, the webviews, the
// browser's sign-in page, the Diagnose report, and the helper's lines in a terminal.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Session } from '../../../src/auth/session';
import { fillPage } from '../../../src/browser/page';
import { Broker } from '../../../src/claudeCode/broker';
import { checkTerminalSettings } from '../../../src/config/groups';
import { reportMarkdown } from '../../../src/diagnose/report';
import { oidcFailure } from '../../../src/errors/explain';
import { settingsFailure } from '../../../src/errors/failure';
import { Log } from '../../../src/log';
import { profileItems } from '../../../src/models/chooseModels';
import { verdictOf } from '../../../src/quota/verdict';
import { terminalDescription } from '../../../src/terminal/variables';
import { renderDashboard } from '../../../src/ui/dashboardHtml';
import { renderDiagnose } from '../../../src/ui/diagnoseHtml';
import { roleItems, signInProgress } from '../../../src/ui/editorUi';
import { renderModelReport } from '../../../src/ui/modelReportHtml';
import { Notifier, type NotificationWindow } from '../../../src/ui/notify';
import { statusView, tooltipMarkdown } from '../../../src/ui/statusWords';
import { usageItemView } from '../../../src/ui/usageWords';
import { FakeLogChannel } from '../fakes/editor';
import { HOSTILE, links, renderLabel, visible } from '../../support/hostile';
import { useMachine } from '../sessionWorld';

/** A notification VS Code was asked to show. */
interface Shown {
  readonly severity: string;
  readonly message: string;
  readonly buttons: string[];
}

function notificationWindow(): { window: NotificationWindow; shown: Shown[] } {
  const shown: Shown[] = [];
  const record = (severity: string) => (message: string, ...buttons: string[]) => {
    shown.push({ severity, message, buttons });
    return Promise.resolve(undefined);
  };
  return { window: { showErrorMessage: record('error'), showWarningMessage: record('warning'), showInformationMessage: record('info') } as unknown as NotificationWindow, shown };
}

/** The text a user reads of a notification: VS Code's links made of it, and the words. */
function read(message: string): { links: string[]; words: string } {
  return { links: links(message), words: visible(message) };
}

/** Markdown text with every ASCII punctuation mark escaped: nothing of it is syntax. */
function allEscaped(markdown: string): boolean {
  return !/[!-/:-@[-`{-~]/.test(markdown.replace(/\\[!-/:-@[-`{-~]/g, ''));
}

/** The text of Markdown whose every punctuation mark is escaped, as a hover renders it: icons drawn after the escapes are read. */
function hoverLine(markdown: string): { text: string; icons: string[] } {
  return renderLabel(markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
}


describe('security: text from outside is text, at every sink', () => {
  describe('notifications', () => {
    it("shows an identity provider's error_description carrying a command link as text: VS Code makes no link of it", () => {
      const { window, shown } = notificationWindow();
      const notifier = new Notifier(new Log(new FakeLogChannel() as unknown as vscode.LogOutputChannel), window);
      // What openid-client throws for ?error=access_denied&error_description=<HOSTILE> at the callback.
      const error = Object.assign(new Error('authorization response error'), { name: 'AuthorizationResponseError', code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR', error: 'access_denied', error_description: HOSTILE });
      notifier.failure(oidcFailure(error, 'exchange', { issuer: 'https://idp.example.com/' }));
      assert.equal(shown.length, 1);
      const { links: made, words } = read(shown[0].message);
      assert.deepEqual(made, [], 'no link forms');
      assert.ok(words.includes(HOSTILE), `every character is there to read: ${words}`);
      assert.deepEqual(shown[0].buttons, ['Sign In']);
    });

    it("shows a quota service's message, an unknown reason and a setting's value as text", () => {
      const { window, shown } = notificationWindow();
      const notifier = new Notifier(new Log(new FakeLogChannel() as unknown as vscode.LogOutputChannel), window);
      const blocked = verdictOf({ allowed: false, reason: `x_${HOSTILE}`, message: HOSTILE, usage: null, policy: null }, Date.UTC(2026, 10, 24));
      assert.equal(blocked.kind, 'blocked');
      if (blocked.kind !== 'blocked') return;
      notifier.show('error', blocked.sentence);
      notifier.show('error', blocked.signInSentence);
      notifier.failure(settingsFailure([{ setting: 'claudeBedrock.model', problem: `is not an inference profile (it is "${HOSTILE}").` }]));
      assert.equal(shown.length, 3);
      for (const { message } of shown) {
        assert.deepEqual(read(message).links, [], message);
        assert.ok(read(message).words.includes(HOSTILE), message);
      }
    });

    it('shows a progress message from outside (a device code page) as text', async () => {
      const reported: { title: string; messages: string[] } = { title: '', messages: [] };
      const window = {
        withProgress: (options: { title: string }, task: (progress: { report(v: { message: string }): void }, token: unknown) => Promise<unknown>) => {
          reported.title = options.title;
          return task({ report: (v) => reported.messages.push(v.message) }, { onCancellationRequested: () => ({ dispose: () => undefined }) });
        },
      } as unknown as Pick<typeof vscode.window, 'withProgress'>;
      await signInProgress(window).progress('Claude Bedrock: Signing in', async (report) => report(`Allow the request in your browser (${HOSTILE})…`));
      assert.deepEqual(links(reported.messages[0]), []);
      assert.ok(visible(reported.messages[0]).includes(HOSTILE));
    });
  });

  describe('quick picks and the status bar, which render $(icons)', () => {
    it("lists Identity Center's account and role names, and Bedrock's profile names, as they are", () => {
      const [role] = roleItems([{ accountId: '123456789012', accountName: HOSTILE, roles: [`$(loading~spin) Admin ${HOSTILE}`] }]);
      const [profile] = profileItems(
        [{ id: `us.anthropic.$(loading~spin)`, arn: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/x', name: HOSTILE, status: 'ACTIVE', type: 'SYSTEM_DEFINED', modelArns: ['arn:aws:bedrock:$(zap):x:foundation-model/y'] }],
        'us-east-1',
        'model',
        '',
      );
      for (const [text, original] of [
        [role.label, `$(loading~spin) Admin ${HOSTILE}`],
        [role.description!, `${HOSTILE} (123456789012)`],
        [profile.label, HOSTILE],
        [profile.description!, 'us.anthropic.$(loading~spin)'],
        [profile.detail!, 'Cross-region inference profile, served from $(zap)'],
      ]) {
        const shown = renderLabel(text);
        assert.deepEqual(shown.icons, [], text);
        assert.equal(shown.text, original);
      }
    });

    it("shows a name from the ID token in the account item's text and tooltip as it is; the tooltip's only links are its own", () => {
      const session = {
        identity: { subject: 'mallory', email: undefined, name: HOSTILE, department: undefined, groups: [] },
        credentials: { expiration: new Date(Date.now() + 3600_000).toISOString() },
        assumedRoleArn: `arn:aws:sts::123456789012:assumed-role/R/${HOSTILE}`,
      } as unknown as Session;
      const view = statusView({ kind: 'signedIn', session });
      assert.deepEqual(renderLabel(view.text).icons, ['account'], 'only its own icon');
      assert.equal(renderLabel(view.text).text, ` ${HOSTILE}`);
      const [text, ownLinks] = tooltipMarkdown(view).split('\n\n');
      const lines = text.split('  \n').slice(1);
      for (const line of lines) assert.ok(allEscaped(line), line);
      // A hover that renders $(icons) draws them from the text the Markdown leaves: none here.
      assert.deepEqual(lines.flatMap((line) => hoverLine(line).icons), []);
      assert.equal(hoverLine(lines[0]).text, `Signed in as ${HOSTILE}`);
      assert.equal(ownLinks, '[Usage](command:claudeBedrock.showUsage) · [Diagnose](command:claudeBedrock.diagnose)');

      const lapsed = tooltipMarkdown(statusView({ kind: 'needsSignIn', identity: session.identity, reason: HOSTILE }));
      for (const line of lapsed.split('\n\n')[0].split('  \n').slice(1)) {
        assert.ok(allEscaped(line), line);
        assert.deepEqual(hoverLine(line).icons, [], line);
      }
    });

    it("shows the quota service's reason in the usage item's text as it is", () => {
      const verdict = verdictOf({ allowed: false, reason: `$(loading~spin)_${HOSTILE}`, message: HOSTILE, usage: null, policy: null }, Date.now());
      const view = usageItemView(true, { figures: undefined, fetchedAt: undefined, stale: undefined, note: undefined, verdict, paused: false, settings: undefined });
      const shown = renderLabel(view.text);
      assert.deepEqual(shown.icons, ['circle-slash'], 'only its own icon');
      assert.ok(shown.text.startsWith(' Blocked: $(loading~spin) blocked. [Sign in again](command:workbench.action.terminal.sendSequence'), shown.text);
    });
  });

  describe('Markdown, HTML and the terminal', () => {
    it("writes a name and a model from outside into the terminal's description without links or markup", () => {
      const checked = checkTerminalSettings({ model: `us.anthropic.${HOSTILE}` });
      assert.ok(checked.ok);
      const text = terminalDescription({
        settings: checked.value,
        identity: { subject: 'mallory', email: undefined, name: HOSTILE, department: undefined, groups: [] },
        credentials: { kind: 'endpoint', uri: 'http://127.0.0.1:5000/credentials', token: 'endpoint-token' },
        awsFiles: { config: '/storage/aws-config', credentials: '/storage/aws-credentials' },
      });
      const first = text.split('\n\n')[0];
      // Unescaped, only the extension's own emphasis and `claude` remain.
      const bare = first.replace(/\\[\\`*_~[\]<>|&]/g, '');
      assert.equal(bare.match(/[[\]<>]/g), null, first);
      assert.equal(bare.match(/`/g)?.length, 2);
    });

    it('escapes outside text in every webview and in the browser page: no element forms of it', () => {
      const now = Date.UTC(2026, 10, 24);
      const pages = [
        renderDashboard(
          { figures: undefined, fetchedAt: now, stale: HOSTILE, note: HOSTILE, verdict: undefined, paused: false, settings: undefined },
          { cspSource: 'vscode-webview:', nonce: 'n', scriptUri: 's', styleUri: 'c', email: HOSTILE, now },
        ),
        renderModelReport(
          {
            region: 'us-east-1',
            checkedAt: now,
            profiles: [],
            checks: [{ role: 'model', modelId: HOSTILE, region: 'us-east-1', status: 'notFound', usable: false, profileArn: HOSTILE, profileName: HOSTILE, reason: HOSTILE, fix: { kind: 'use', label: `Use ${HOSTILE}`, value: HOSTILE } }],
          },
          { cspSource: 'vscode-webview:', nonce: 'n', placeholder: HOSTILE },
        ),
        renderDiagnose({ rows: [{ id: HOSTILE, area: 'AWS', title: HOSTILE, why: HOSTILE, ms: 1, status: 'fail', found: HOSTILE, fix: HOSTILE }], running: 0, total: 1, at: now }, { cspSource: 'vscode-webview:', nonce: 'n' }),
        fillPage('<h1>{{title}}</h1><p>{{message}}</p>', { ok: false, title: HOSTILE, message: HOSTILE }),
      ];
      for (const html of pages) {
        assert.doesNotMatch(html, /<img/);
        assert.ok((html.match(/<script/g) ?? []).length <= 1, 'at most the page\'s own script');
        assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
      }
    });

    it('writes outside text into the Diagnose report as text, and no log line closes its fence', () => {
      const text = reportMarkdown({
        rows: [{ id: 'x', area: 'Identity provider', title: 'Discovery', why: 'w', ms: 1, status: 'fail', found: HOSTILE, fix: HOSTILE }],
        versions: { vscode: '1.106.0', extension: '0.1.0', claude: undefined, os: 'Linux', remote: undefined },
        at: 0,
        user: HOSTILE,
        logLines: ['```', HOSTILE, '````'],
        secrets: [],
      });
      const [head, log] = text.split('## Log');
      const bare = head.replace(/\\[\\`*_~[\]<>|&]/g, '');
      assert.doesNotMatch(bare, /[[\]<>`]/, 'no link, image, HTML or code forms outside the log');
      const fence = log.split('\n')[2];
      assert.equal(fence, '`````');
      assert.ok(log.trimEnd().endsWith(fence));
      assert.ok(log.includes(HOSTILE), 'the log as it was');
    });
  });

  describe("the helper's lines in a terminal", () => {
    const world = useMachine();
    const HELPER = path.resolve(__dirname, '../../../../dist/helper.js');

    it("prints a refusal with escape sequences (a quota service's message) as one plain line", async () => {
      const w = await world.window();
      const refusal = `\u001b]0;pwned\u0007\u001b[2J\u001b]8;;https://evil.example\u0007${HOSTILE}\u001b]8;;\u0007\r\u001b]52;c;ZWNobyBwd25lZA==\u0007`;
      const broker = new Broker({ channel: w.channel, sessions: w.core, keys: { credentials: async () => undefined, refusal: () => refusal }, signIn: w.signIn, clock: world.m.clock, log: w.log });
      world.cleanup(() => broker.dispose());
      for (const command of ['export', 'refresh']) {
        const out = await new Promise<{ code: number; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [HELPER, '--storage', world.m.storageDir, command], { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
        });
        assert.equal(out.code, 1);
        assert.doesNotMatch(out.stderr.slice(0, -1), /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(out.stderr));
        assert.equal(out.stderr, `Claude Code on Amazon Bedrock: ${HOSTILE} \n`);
      }
    });
  });
});
