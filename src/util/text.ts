// Text this extension did not write (an identity provider's or AWS's words, a quota service's
// message, a file name, a setting value, a model ID), made safe for each place that shows it.
// The user reads every character as it came; nothing of it becomes a link, an icon, markup or a
// terminal command. One function per kind of place, chosen by what that place renders. Pure.

/** A zero-width space: invisible, and it keeps two characters from forming syntax. */
const ZERO_WIDTH_SPACE = '\u200b';

/**
 * For notifications, progress messages, dialogs and menu labels. VS Code turns
 * `[label](command:…)` (and `https:`, `file:`) in a notification into a link, and a click on it
 * runs the command; a menu drops `$(name)` as an icon. A zero-width space between `]` and `(`
 * keeps every character in sight and forms no link; the same between `$` and `(` keeps `$(name)`
 * from ever being an icon. The extension's own notification sentences hold no links, so the
 * whole message goes through this. Idempotent.
 */
export function inert(text: string): string {
  return text.replace(/([\]$])(?=\()/g, `$1${ZERO_WIDTH_SPACE}`);
}

/**
 * For status bar texts and quick pick labels, descriptions and details, which render `$(name)`
 * (VS Code's icon syntax: a name of letters, digits and dashes, and an optional `~modifier`) as
 * an icon: VS Code shows `\$(name)` as the characters `$(name)`. Only what would be an icon is
 * escaped, so no backslash shows anywhere else.
 */
export function escapeIcons(text: string): string {
  return text.replace(/\$\((?=[A-Za-z0-9-]+(?:~[A-Za-z]+)?\))/g, '\\$(');
}

/**
 * For Markdown VS Code renders in a hover: every ASCII punctuation mark escaped, so nothing is
 * emphasis, a link, an autolinked address or email, HTML or a list; the text reads as it came.
 * Where the Markdown also draws $(icons), they are drawn after the escapes are read: escape
 * them first (escapeIcons), then this.
 */
export function markdownLiteral(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * For Markdown whose raw text people read too (the Diagnose report in a ticket, the terminal's
 * description), where no $(icons) are drawn: only what could form a link, HTML, code, emphasis
 * or a table cell is escaped, so the raw text stays readable. A bare web address may still be
 * shown as a link by a ticket system: it shows where it goes.
 */
export function markdownInert(text: string): string {
  return text.replace(/[\\`*_~[\]<>|&]/g, '\\$&');
}

/** A Markdown code fence longer than any run of backticks in `lines`: they cannot close it. */
export function codeFence(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  return '`'.repeat(Math.max(3, longest + 1));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML the extension renders (webviews, the browser's sign-in page), in text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * For a terminal (the helper's lines, which Claude Code prints): escape sequences (colours,
 * cursor moves, window titles, OSC 8 links, clipboard writes) and control characters taken out,
 * line breaks and tabs made spaces, and the marks that reorder text (bidirectional overrides)
 * dropped. What is left is one line of printable text.
 */
export function terminalText(text: string): string {
  return (
    text
      // OSC (title, hyperlink, clipboard): ESC ] … ended by BEL or ESC \ ; its 8-bit form too.
      .replace(/(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g, '')
      // CSI (colours, cursor, erase): ESC [ or its 8-bit form, parameters, a final byte.
      .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, '')
      // DCS, SOS, PM, APC strings.
      .replace(/(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?/g, '')
      // Any other escape: ESC and the character after it.
      .replace(/\u001b[\s\S]?/g, '')
      .replace(/[\t\n\v\f\r]/g, ' ')
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}
