// The escaping functions (src/util/text.ts), each against what the place it is for does with
// text: VS Code's own link and icon patterns, Markdown's escapes, HTML, a terminal.
import * as assert from 'node:assert/strict';
import { codeFence, escapeHtml, escapeIcons, inert, markdownInert, markdownLiteral, terminalText } from '../../src/util/text';
import { HOSTILE, links, renderLabel, visible } from '../support/hostile';

describe('text from outside, made safe for each place', () => {
  it('inert: no link and no icon can form in a notification, and every character stays', () => {
    const out = inert(HOSTILE);
    assert.equal(links(HOSTILE).length, 3, 'the attack as it came forms three links');
    assert.deepEqual(links(out), []);
    assert.equal(renderLabel(out).icons.length, 0);
    assert.equal(visible(out), HOSTILE);
    assert.equal(inert(out), out, 'idempotent');
    assert.equal(inert('Sign in again (the saved sign-in expired).'), 'Sign in again (the saved sign-in expired).', 'ordinary sentences unchanged');
  });

  it('escapeIcons: a label shows $(name) as those characters, including an escape that was there already', () => {
    for (const text of ['$(loading~spin) Bob', 'a \\$(x) b', '$(', '$(not an icon)', 'no icons']) {
      const shown = renderLabel(escapeIcons(text));
      assert.deepEqual(shown.icons, [], text);
      assert.equal(shown.text, text);
    }
  });

  it('markdownLiteral: every punctuation mark escaped, so no link, autolink, HTML, emphasis or icon', () => {
    const out = markdownLiteral(`${HOSTILE} alice@example.com https://x.example *bold* _it_ # h`);
    // Every ASCII punctuation mark is preceded by a backslash that is itself not escaped.
    const stripped = out.replace(/\\[!-/:-@[-`{-~]/g, '');
    assert.doesNotMatch(stripped, /[!-/:-@[-`{-~]/);
    assert.equal(out.replace(/\\([!-/:-@[-`{-~])/g, '$1'), `${HOSTILE} alice@example.com https://x.example *bold* _it_ # h`);
  });

  it('markdownInert: links, HTML, code and emphasis escaped, the rest left readable', () => {
    const out = markdownInert(HOSTILE);
    assert.doesNotMatch(out.replace(/\\[\\`*_~[\]<>|&]/g, ''), /[[\]<>`]/);
    assert.equal(markdownInert('claudeBedrock.issuer at https://idp.example.com/x (HTTP 503): 1-2'), 'claudeBedrock.issuer at https://idp.example.com/x (HTTP 503): 1-2');
    assert.equal(markdownInert('a | b'), 'a \\| b', 'a table cell stays one');
  });

  it('codeFence: longer than any run of backticks inside, so no line closes it', () => {
    assert.equal(codeFence(['plain']), '```');
    assert.equal(codeFence(['```', 'x ````` y']), '``````');
  });

  it('escapeHtml: markup and attribute quotes', () => {
    assert.equal(escapeHtml(`<img src=x onerror="alert('1')">&`), '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('terminalText: escape sequences and control characters out, one printable line left', () => {
    const cases: [string, string][] = [
      ['\u001b[31mred\u001b[0m', 'red'],
      ['\u001b]0;pwned\u0007title', 'title'],
      ['\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007', 'click'],
      ['\u001b]52;c;ZWNobyBwd25lZA==\u001b\\copied', 'copied'],
      ['\u009b2Jclear', 'clear'],
      ['\u001bPq#0;2;0;0;0\u001b\\sixel', 'sixel'],
      ['safe\rEVIL\nline\ttab', 'safe EVIL line tab'],
      ['bell\u0007 and \u0000null \u007fdel', 'bell and null del'],
      ['\u202egnp.exe', 'gnp.exe'],
      ['Claude Code is blocked: used up.', 'Claude Code is blocked: used up.'],
    ];
    for (const [input, expected] of cases) assert.equal(terminalText(input), expected, JSON.stringify(input));
    assert.doesNotMatch(terminalText(`\u001b[1m${HOSTILE}\u001b[0m`), /[\u0000-\u001f\u007f-\u009f]/);
  });
});
