// What goes wrong with Claude Code's settings file, in plain words: where its JSON breaks, why it
// cannot be read or written, and the sentences Connect and Disconnect say about it. The file's
// contents never appear here (a comment or a value may hold something private): only places in
// it, and what is wrong there. Pure.

/** jsonc-parser's error names (printParseErrorCode), each as a reader says it. */
const JSON_WORDS: Record<string, string> = {
  InvalidSymbol: 'there is something that is not JSON',
  InvalidNumberFormat: 'a number is not written the way JSON writes numbers',
  PropertyNameExpected: 'a name in double quotes is missing',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a colon is missing',
  CommaExpected: 'a comma is missing',
  CloseBraceExpected: 'a closing brace } is missing',
  CloseBracketExpected: 'a closing bracket ] is missing',
  EndOfFileExpected: 'there is more after the closing brace of the settings',
  InvalidCommentToken: 'there is a comment',
  UnexpectedEndOfComment: 'a comment is not closed with */',
  UnexpectedEndOfString: 'a text value is not closed with a double quote',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'a \\u escape is not four hex digits',
  InvalidEscapeCharacter: 'a backslash is followed by a letter JSON does not know',
  InvalidCharacter: 'a text value holds a tab or a line break (JSON writes them as \\t and \\n)',
};

/** Where in the file, as a person counts: 1-based line and column. */
export interface Place {
  readonly line: number;
  readonly column: number;
}

/**
 * One parse error in words: "a comma is missing at the end of line 3". `endOfLine`: the error
 * belongs at the end of that line (a missing comma is noticed only at the next entry).
 */
export function jsonProblem(errorName: string, at: Place, endOfLine = false): string {
  const what = JSON_WORDS[errorName] ?? 'there is something that is not JSON';
  return endOfLine ? `${what} at the end of line ${at.line}` : `${what} on line ${at.line}, column ${at.column}`;
}

/** The file is JSON with comments or trailing commas: what Claude Code stumbles on first. */
export function looseProblem(kind: 'comment' | 'comma', line: number, more: number): string {
  const first = kind === 'comment' ? `line ${line} has a comment` : `line ${line} has a comma after the last entry of a list or object`;
  return more > 0 ? `${first} (and ${more} more such place${more === 1 ? '' : 's'})` : first;
}

/** Why a file could not be read or written, from the system's error code. */
export function fileProblem(error: unknown, doing: 'read' | 'written'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `you do not have permission to ${doing === 'read' ? 'read' : 'change'} it`;
    case 'EROFS':
      return 'it is on a read-only disk';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'ELOOP':
      return 'it is a link that leads back to itself';
    case 'ENOENT':
      return 'the folder it belongs in does not exist';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'another program holds it';
    default:
      return `it could not be ${doing}${code ? ` (${code})` : ''}`;
  }
}

/** A link whose target is missing: Connect would have nowhere to write. */
export function danglingLink(target: string): string {
  return `it is a link to ${target}, which does not exist`;
}

export function connectBlocked(file: string, problem: string): string {
  return `Claude Code's settings file ${file} was left alone: ${problem}. Fix the file (or move it away), then connect again.`;
}

export function connectRaced(file: string): string {
  return `${file} changed while you were looking at what Connect changes, so nothing was written. Connect again to see what it changes now.`;
}

export function disconnectBlocked(file: string, problem: string): string {
  return `Claude Code's settings were not put back: ${file} was left as it is, because ${problem}. Fix the file, then run Disconnect Claude Code again: what Connect replaced is kept until then.`;
}

export function followBlocked(file: string, problem: string): string {
  return `Claude Code's settings could not follow the change: ${file} was left as it is, because ${problem}. Fix the file: they follow with the next change of the model or region.`;
}

/** Connected in a file Claude Code cannot read ("always" connects without asking to change that). */
export function stillUnreadable(file: string, why: string): string {
  return `Claude Code's settings in ${file} now use this sign-in, but Claude Code cannot read the file: ${why}. It reads its settings as plain JSON and ignores every one of them while the file has comments or trailing commas. Connect Claude Code to take those out (you see each before anything changes), or remove them yourself.`;
}
