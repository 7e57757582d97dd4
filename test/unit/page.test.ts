import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fillPage } from '../../src/browser/page';
import { escapeHtml } from '../../src/util/html';

describe('the callback page', () => {
  const template = readFileSync(path.join(__dirname, '../../../media/callback.html'), 'utf8');

  it('says whether the sign-in worked', () => {
    const html = fillPage(template, { ok: true, title: 'Signed in', message: 'You are signed in.' });
    assert.match(html, /<main class="ok"/);
    assert.match(html, /<h1>Signed in<\/h1>/);
    assert.doesNotMatch(html, /\{\{/);
  });

  it('escapes what it shows', () => {
    const html = fillPage(template, { ok: false, title: 'Sign-in failed', message: '<script>alert(1)</script> & "quotes"' });
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;/);
    assert.doesNotMatch(html, /<script>/);
    assert.equal(escapeHtml(`'`), '&#39;');
  });

  it('loads nothing from anywhere and runs no script', () => {
    assert.doesNotMatch(template, /<script|src=|href=/i);
  });
});
