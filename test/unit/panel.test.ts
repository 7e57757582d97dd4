// The one helper every webview panel is (src/ui/panel.ts, src/ui/webviewPage.ts): one panel at a
// time, brought forward when shown again; its page drawn with a new nonce each time; a scripted
// page loading only its files in media/ and heard only in the shapes it sends; a page of command
// links running no script and running only its commands. And the four pages of the extension,
// each under the policy it needs and no more, written in one place.
import * as assert from 'node:assert/strict';
import { Uri } from 'vscode';
import type { ConnectPlan } from '../../src/claudeCode/connection';
import type { Log } from '../../src/log';
import { renderConsent } from '../../src/ui/consentHtml';
import { ConsentView } from '../../src/ui/consentView';
import { isDashboardMessage, renderDashboard } from '../../src/ui/dashboardHtml';
import { renderDiagnose } from '../../src/ui/diagnoseHtml';
import { renderModelReport } from '../../src/ui/modelReportHtml';
import { Panel, type PanelWindow } from '../../src/ui/panel';
import { webviewPage, type PageSource, type WebviewFiles } from '../../src/ui/webviewPage';
import { FakePanelWindow } from './fakes/webview';

const MEDIA = Uri.file('/extension/media');

/** The page's Content-Security-Policy: each directive and its sources. */
function policy(html: string): Map<string, string[]> {
  const content = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

function scripted(options: { onClose?: () => void } = {}) {
  const window = new FakePanelWindow();
  const warnings: string[] = [];
  const heard: unknown[] = [];
  let drawn = 0;
  const panel = Panel.scripted({
    viewType: 'claudeBedrock.test',
    title: 'Test',
    media: MEDIA,
    script: 'page.js',
    style: 'page.css',
    name: 'the test page',
    log: { warn: (message) => warnings.push(message) },
    accepts: isDashboardMessage,
    onMessage: (message) => heard.push(message),
    page: (files: WebviewFiles) => webviewPage(files, { title: `Drawing ${++drawn}`, style: { href: files.styleUri }, script: files.scriptUri, body: '<button id="refresh">Refresh</button>' }),
    onClose: options.onClose,
    window: window as unknown as PanelWindow,
  });
  return { panel, window, warnings, heard };
}

describe('a webview panel', () => {
  it('opens one panel, brings it forward when shown again, and opens a new one once the user has closed it', () => {
    const { panel, window } = scripted();
    panel.show();
    panel.show();
    assert.equal(window.opened.length, 1, 'one panel');
    assert.equal(window.opened[0].revealed, 1, 'brought forward');
    assert.equal(window.opened[0].webview.pages.length, 1, 'drawn when it opened, not again when brought forward');
    window.opened[0].dispose();
    assert.equal(panel.isOpen, false);
    assert.equal(panel.html, undefined);
    panel.render();
    assert.equal(window.opened[0].webview.pages.length, 1, 'a closed panel is not drawn');
    panel.show();
    assert.equal(window.opened.length, 2, 'a new one');
    assert.match(panel.html ?? '', /<title>Drawing 2<\/title>/);
  });

  it('lets a scripted page load only its own files from media/, and run only its script, by a new nonce each time it is drawn', () => {
    const { panel, window } = scripted();
    panel.show();
    panel.render();
    const [opened] = window.opened;
    assert.deepEqual(opened.options, { enableScripts: true, localResourceRoots: [MEDIA] });
    const nonces = opened.webview.pages.map((html) => {
      const csp = policy(html);
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      assert.deepEqual(csp.get('style-src'), ['vscode-webview://fake']);
      const [nonce] = csp.get('script-src') ?? [];
      assert.match(nonce, /^'nonce-[A-Za-z0-9+/]{22}=='$/);
      const scripts = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
      assert.deepEqual(scripts, [`<script nonce="${nonce.slice(7, -1)}" src="https://file+.vscode-resource.fake/extension/media/page.js">`]);
      assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.fake\/extension\/media\/page\.css">/);
      return nonce;
    });
    assert.equal(nonces.length, 2);
    assert.notEqual(nonces[0], nonces[1], 'a new nonce for each drawing');
  });

  it('drops a message of unknown shape from the page: counted, logged, never handed to the view', () => {
    const { panel, window, warnings, heard } = scripted();
    panel.show();
    const { webview } = window.opened[0];
    for (const message of [{ type: 'run', command: 'workbench.action.terminal.new' }, 'refresh', { type: 'refresh', extra: true }, null]) webview.post(message);
    assert.equal(panel.dropped, 4);
    assert.deepEqual(warnings, Array(4).fill('A message of unknown shape from the test page was dropped.'));
    assert.deepEqual(heard, []);
    webview.post({ type: 'refresh' });
    assert.deepEqual(heard, [{ type: 'refresh' }]);
    assert.equal(panel.dropped, 4);
  });

  it('runs no script on a page of command links, loads no file, and lets its links run only the commands it names', () => {
    const window = new FakePanelWindow();
    const panel = Panel.links({
      viewType: 'claudeBedrock.test',
      title: 'Test',
      commands: ['claudeBedrock.diagnose', 'claudeBedrock.showLog'],
      page: (source: PageSource) => webviewPage(source, { title: 'Links', style: { rules: 'body { margin: 0; }' }, body: '<a href="command:claudeBedrock.diagnose">Diagnose</a>' }),
      window: window as unknown as PanelWindow,
    });
    panel.show();
    const [opened] = window.opened;
    assert.deepEqual(opened.options, { enableScripts: false, enableCommandUris: ['claudeBedrock.diagnose', 'claudeBedrock.showLog'], localResourceRoots: [] });
    const html = panel.html ?? '';
    const csp = policy(html);
    assert.deepEqual([...csp.keys()], ['default-src', 'style-src']);
    const [, nonce] = csp.get('style-src') ?? [];
    assert.match(html, new RegExp(`<style nonce="${nonce.slice(7, -1).replace(/[+/]/g, '\\$&')}">\nbody \\{ margin: 0; \\}\n</style>`));
    assert.doesNotMatch(html, /<script|<link/);
  });

  it('closes the open panel before it opens one in its place, says so once for each, and closes with its owner', () => {
    let closed = 0;
    const { panel, window } = scripted({ onClose: () => closed++ });
    panel.open();
    panel.open();
    assert.deepEqual(
      window.opened.map((p) => p.disposed),
      [true, false],
    );
    assert.equal(closed, 1);
    assert.equal(panel.isOpen, true, 'the new one stays open');
    window.opened[0].dispose();
    assert.equal(panel.isOpen, true, 'the old one closing again changes nothing');
    window.opened[1].dispose();
    assert.equal(closed, 2, 'the user closed the new one');
    panel.show();
    panel.dispose();
    assert.equal(window.opened[2].disposed, true);
    assert.equal(closed, 3);
    panel.dispose();
    assert.equal(closed, 3, 'nothing open: nothing to say');
  });
});

describe('the consent view', () => {
  const plan: ConnectPlan = { plan: { file: '/home/alice/.claude/settings.json', changes: [], conflicts: [], replacesGuidance: false }, panel: [] };
  const log = { warn: () => undefined } as unknown as Log;

  it("answers Connect with the fixes ticked, and Cancel when it is closed or another Connect's question replaces it", async () => {
    const window = new FakePanelWindow();
    const view = new ConsentView(MEDIA, log, window as unknown as PanelWindow);
    const first = view.ask(plan);
    const second = view.ask(plan);
    assert.deepEqual(await first, { connect: false, fixes: [] }, 'replaced: a Cancel');
    assert.equal(window.opened[0].disposed, true);
    assert.match(view.html ?? '', /Connect Claude Code to your sign-in/);
    window.opened[1].webview.post({ type: 'connect', fixes: 'profile' });
    assert.equal(view.dropped, 1, 'fixes that are not a list of names: dropped');
    window.opened[1].webview.post({ type: 'connect', fixes: ['profile'] });
    assert.deepEqual(await second, { connect: true, fixes: ['profile'] });
    assert.equal(window.opened[1].disposed, true, 'answered: closed');
    assert.equal(view.html, undefined);

    const third = view.ask(plan);
    window.opened[2].dispose();
    assert.deepEqual(await third, { connect: false, fixes: [] }, 'closed: a Cancel');
    view.dispose();
  });
});

describe('the four webview pages', () => {
  const source = { cspSource: 'vscode-webview://fake', nonce: 'bm9uY2Ugb2YgdGhpcyBkcmF3aW5n' };
  const now = Date.UTC(2026, 10, 24);
  const pages: Record<string, { html: string; script: boolean }> = {
    'usage dashboard': {
      html: renderDashboard({ figures: undefined, fetchedAt: now, stale: undefined, note: undefined, verdict: undefined, paused: false, settings: undefined }, { ...source, scriptUri: 's.js', styleUri: 's.css', email: undefined, now }),
      script: true,
    },
    'consent view': {
      html: renderConsent({ plan: { file: '/f', changes: [], conflicts: [], replacesGuidance: false }, panel: [] }, { ...source, scriptUri: 's.js', styleUri: 's.css', fileLabel: '~/f' }),
      script: true,
    },
    'model report': { html: renderModelReport(undefined, { ...source, placeholder: 'Checking the models…' }), script: false },
    'Diagnose view': { html: renderDiagnose({ rows: [], running: 0, total: 0, at: undefined }, source), script: false },
  };

  for (const [name, { html, script }] of Object.entries(pages)) {
    it(`lets the ${name} load nothing but its own files, and run ${script ? 'only its script, by nonce' : 'no script'}`, () => {
      const csp = policy(html);
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      for (const [directive, sources] of csp) {
        if (directive === 'default-src') continue;
        for (const s of sources) assert.ok([source.cspSource, 'data:', `'nonce-${source.nonce}'`].includes(s), `${directive} allows ${s}`);
      }
      assert.deepEqual(csp.get('script-src'), script ? [`'nonce-${source.nonce}'`] : undefined);
      const scripts = html.match(/<script[^>]*>/g) ?? [];
      assert.deepEqual(scripts, script ? [`<script nonce="${source.nonce}" src="s.js">`] : []);
      assert.doesNotMatch(html, / style="/, 'no inline style attribute');
    });
  }
});
