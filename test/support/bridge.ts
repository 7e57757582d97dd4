// Lets tests running inside VS Code's extension host act on the workbench as a user would
// (click a notification's button, read what the notifications say) through the browser that
// shows it. A small HTTP server on 127.0.0.1 in the harness process, driving Playwright.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { emulateFocus } from './vscode';
import { palette } from './workbench';

export interface Bridge {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * With the smoke-test driver on (as for extension tests), the workbench shows no toasts; every
 * notification goes to the notification center, which the tests open ('notifications.showList').
 */
const NOTIFICATIONS = '.notifications-center .notification-list-item';
const ACCOUNTS = '.activitybar .action-label.codicon-accounts-view-bar-icon, [aria-label^="Accounts"]';

export async function startBridge(
  page: () => Page | undefined,
  context: () => BrowserContext | undefined,
  screenshotDir: string,
  /** The workbench address of another window on the same folder, with the extension loaded. */
  windowUrl: () => string,
): Promise<Bridge> {
  const extraWindows: Page[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      try {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const json = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>) : {};
        const p = page();
        if (!p) return send(503, { error: 'no page yet' });
        switch (`${req.method} ${req.url}`) {
          case 'GET /ui/notifications': {
            const texts = await p.locator(`${NOTIFICATIONS} .notification-list-item-message`).allInnerTexts();
            return send(200, texts);
          }
          case 'POST /ui/notification-button': {
            const button = p.locator(`${NOTIFICATIONS} .monaco-button`, { hasText: json.label }).first();
            if ((await button.count()) === 0) return send(404, { error: `no visible notification button "${json.label}"` });
            await button.click();
            return send(200, {});
          }
          case 'GET /ui/dialog': {
            const box = p.locator('.monaco-dialog-box').first();
            if ((await box.count()) === 0) return send(404, { error: 'no dialog' });
            return send(200, { text: await box.innerText() });
          }
          case 'POST /ui/dialog-button': {
            const button = p.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: json.label }).first();
            if ((await button.count()) === 0) return send(404, { error: `no dialog button "${json.label}"` });
            await button.click();
            return send(200, {});
          }
          case 'POST /ui/open-window': {
            const ctx = context()!;
            const other = await ctx.newPage();
            await emulateFocus(ctx, other);
            await other.goto(windowUrl());
            extraWindows.push(other);
            return send(200, { index: extraWindows.length });
          }
          case 'POST /ui/window-statusbar': {
            const other = extraWindows[Number(json.index) - 1];
            if (!other) return send(404, { error: 'no such window' });
            return send(200, { text: await other.locator('#workbench\\.parts\\.statusbar').innerText() });
          }
          case 'POST /ui/window-command': {
            // Runs a command from that window's command palette, as its user would; does not wait for it.
            const other = extraWindows[Number(json.index) - 1];
            if (!other) return send(404, { error: 'no such window' });
            await palette(other, json.command);
            return send(200, {});
          }
          case 'POST /ui/webview-text': {
            const frame = shownWebview(p);
            const element = frame.locator(json.selector).first();
            await element.waitFor({ state: 'visible', timeout: 15_000 });
            return send(200, { text: await element.innerText() });
          }
          case 'POST /ui/webview-attack': {
            // What an injected page would try: an inline script without the nonce, a remote image.
            const frame = shownWebview(p);
            const result = await frame.locator('body').evaluate(async (body) => {
              const violations: string[] = [];
              document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
              const script = document.createElement('script');
              script.textContent = 'window.__pwned = true;';
              body.appendChild(script);
              const img = document.createElement('img');
              img.src = 'https://example.com/tracker.png';
              body.appendChild(img);
              for (let i = 0; i < 60 && violations.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
              return { inlineScriptRan: Boolean((window as unknown as { __pwned?: boolean }).__pwned), violations };
            });
            return send(200, result);
          }
          case 'POST /ui/webview-post': {
            // Messages as the page would post them: through the channel acquireVsCodeApi()'s
            // postMessage calls in the webview's host frame (VS Code's webview pre/index.html).
            const host = p.locator('iframe.webview.ready:visible').last().contentFrame();
            await host.locator('body').evaluate((_body, messages: unknown[]) => {
              const channel = window as unknown as Record<string, (command: string, data: unknown) => void>;
              for (const message of messages) channel.__vscode_post_message__('onmessage', { message });
            }, json.messages as unknown as unknown[]);
            return send(200, {});
          }
          case 'POST /ui/webview-lines': {
            // How many lines an element's text takes as laid out: the distinct tops of its text's boxes.
            const frame = shownWebview(p);
            const element = frame.locator(json.selector).first();
            await element.waitFor({ state: 'visible', timeout: 15_000 });
            const lines = await element.evaluate((el) => {
              const range = document.createRange();
              range.selectNodeContents(el);
              return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            });
            return send(200, { lines });
          }
          case 'POST /ui/webview-click': {
            const frame = shownWebview(p);
            await frame.locator(json.selector).first().click();
            return send(200, {});
          }
          case 'POST /ui/close-popups': {
            const pages = context()?.pages() ?? [];
            let closed = 0;
            for (const other of pages) {
              if (other !== p && !extraWindows.includes(other)) {
                await other.close();
                closed++;
              }
            }
            return send(200, { closed });
          }
          case 'GET /ui/popups':
            return send(
              200,
              (context()?.pages() ?? []).filter((o) => o !== p && !extraWindows.includes(o)).map((o) => o.url()),
            );
          case 'POST /ui/close-windows': {
            for (const other of extraWindows.splice(0)) await other.close();
            return send(200, {});
          }
          case 'POST /ui/quick-pick': {
            // Typed into the filter first: the list only renders the rows in view.
            const input = p.locator('.quick-input-widget .quick-input-box input');
            await input.waitFor({ state: 'visible', timeout: 10_000 });
            await input.fill(json.text);
            const row = p.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: json.text }).first();
            await row.waitFor({ state: 'visible', timeout: 10_000 });
            await row.click();
            return send(200, {});
          }
          case 'GET /ui/accounts': {
            await p.locator(ACCOUNTS).first().click();
            const labels = await p.locator('.monaco-menu .action-label').allInnerTexts();
            await p.keyboard.press('Escape');
            return send(200, labels);
          }
          case 'POST /ui/accounts-sign-out': {
            await p.locator(ACCOUNTS).first().click();
            await p.locator('.monaco-menu .action-label', { hasText: json.account }).first().hover();
            await p.locator('.monaco-menu .action-label', { hasText: 'Sign Out' }).first().click();
            return send(200, {});
          }
          case 'POST /ui/inspect': {
            // What an element shows as a user meets it: its text, the links in it (where each
            // goes) and the icons drawn in it; with `hover` (text the hover holds, for other
            // hovers the workbench may show meanwhile), the same of the hover it opens.
            let element = p.locator(json.selector, json.hasText ? { hasText: json.hasText } : {}).first();
            await element.waitFor({ state: 'visible', timeout: 15_000 });
            if (json.hover) {
              await element.hover();
              element = p.locator('.workbench-hover, .monaco-hover:not(.hidden)', { hasText: json.hover }).filter({ visible: true }).first();
              await element.waitFor({ state: 'visible', timeout: 15_000 });
            }
            const seen = await element.evaluate((el) => ({
              text: (el as HTMLElement).innerText,
              links: [...el.querySelectorAll('a[href], a[data-href]')].map((a) => ({ text: (a as HTMLElement).innerText, href: a.getAttribute('data-href') || a.getAttribute('href') || '' })),
              icons: [...el.querySelectorAll('[class*="codicon-"]')].flatMap((i) => [...i.classList].filter((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier'))),
            }));
            if (json.hover) {
              await p.mouse.move(0, 0);
              await p.keyboard.press('Escape');
            }
            return send(200, seen);
          }
          case 'GET /ui/accounts-inspect': {
            // The Accounts menu's entries, each with the icons drawn in its label.
            await p.locator(ACCOUNTS).first().click();
            const entries = await p.locator('.monaco-menu .action-label').evaluateAll((labels) =>
              labels.map((l) => ({ text: (l as HTMLElement).innerText, icons: [...l.querySelectorAll('[class*="codicon-"]')].length, links: l.querySelectorAll('a[href]').length })),
            );
            await p.keyboard.press('Escape');
            return send(200, entries);
          }
          case 'POST /ui/screenshot': {
            const file = path.join(screenshotDir, `${json.name.replace(/[^\w.-]/g, '_')}.png`);
            await p.screenshot({ path: file });
            return send(200, { file });
          }
          default:
            return send(404, { error: 'no such action' });
        }
      } catch (error) {
        send(500, { error: String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The webview the workbench shows (a hidden one, kept for an editor in the background, is not it). */
function shownWebview(page: Page) {
  return page.locator('iframe.webview.ready:visible').last().contentFrame().locator('#active-frame').contentFrame();
}
