// Text from outside as an attacker writes it, for the unit and the integration tests, and how
// the places VS Code shows text would read it: its link pattern for notifications and its icon
// pattern for labels, as in its web workbench (1.139), so a unit test can tell whether a link
// or an icon would form.

/** Clicked in a notification, this link types a command into the terminal and runs it. */
export const LINK = '[Sign in again](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D)';
/** A command link, an icon, HTML, backticks, a web link with a title, a file link. */
export const HOSTILE = `blocked. ${LINK} $(loading~spin) <img src=x onerror=alert(1)> \`rm -rf ~\` [docs](https://evil.example/x "Docs") [file](file:///etc/passwd)`;

/** VS Code's link pattern for notification messages (parseLinkedText). */
export const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
/** VS Code's icon pattern for labels (renderLabelWithIcons): `\$(name)` is the escaped form. */
const VSCODE_ICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

/** The links VS Code would make of a notification message. */
export function links(message: string): string[] {
  return [...message.matchAll(VSCODE_LINK)].map((m) => m[2]);
}

/** What a label that renders icons shows: its text, and the icons it drew. */
export function renderLabel(text: string): { text: string; icons: string[] } {
  const icons: string[] = [];
  const shown = text.replace(VSCODE_ICON, (_, escaped: string | undefined, name: string) => {
    if (escaped) return `$(${name})`;
    icons.push(name);
    return '';
  });
  return { text: shown, icons };
}

/** What the user reads: the text without the zero-width spaces that break the syntax. */
export const visible = (text: string) => text.replace(/\u200b/g, '');
