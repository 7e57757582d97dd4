// The Diagnose report, for a helpdesk ticket: versions, every row, and the end of the log, as
// Markdown. Whatever could be secret is taken out twice over: the values the extension knows are
// secret (tokens, keys, the endpoint token), and anything shaped like a token or a key. The
// user's email stays: the helpdesk needs to know who. Pure.
//
// What the rows found is often another party's words (an identity provider's error, a file
// name, a setting value): in the ticket it stays text, not a link, an image or markup. Each
// value is redacted before it is escaped (escaping would hide a secret's shape), and the log sits
// in a fence no line of it can close.
import { codeFence, markdownInert } from '../util/text';
import { AREAS, overall, type Row, type Status } from './check';

export interface Versions {
  readonly vscode: string;
  readonly extension: string;
  readonly claude: string | undefined;
  readonly os: string;
  readonly remote: string | undefined;
}

const MARK: Record<Status, string> = { pass: 'PASS', warning: 'WARNING', fail: 'FAIL', skipped: 'SKIPPED' };

/** Shapes that are secret whoever wrote them: JWTs, AWS keys, bearer values, long opaque tokens. */
const SECRET_SHAPES: readonly RegExp[] = [
  /eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /(?<=(?:secret|token|password|authorization|bearer)["'\s:=]{1,4})[^\s"',;]{12,}/gi,
  /\b[A-Za-z0-9+/]{40}\b/g,
  /\b(?:aoa|aor|csecret|device)-[\w-]{16,}/g,
];

/** `text` without the `secrets` given and without anything shaped like one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  for (const shape of SECRET_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}

export function reportMarkdown(input: { readonly rows: readonly Row[]; readonly versions: Versions; readonly at: number; readonly user: string | undefined; readonly logLines: readonly string[]; readonly secrets: readonly string[] }): string {
  const { rows, versions } = input;
  const text = (value: string) => markdownInert(redact(value, input.secrets));
  const cell = (value: string) => text(value).replace(/\r?\n/g, ' ');
  const counts = (s: Status) => rows.filter((r) => r.status === s).length;
  const lines = [
    '# Claude Code on Amazon Bedrock: Diagnose report',
    '',
    `- Result: **${MARK[overall(rows)]}** (${counts('pass')} passed, ${counts('warning')} warnings, ${counts('fail')} failed, ${counts('skipped')} skipped)`,
    `- When: ${new Date(input.at).toISOString()}`,
    `- User: ${input.user ? text(input.user) : 'not signed in'}`,
    `- VS Code ${text(versions.vscode)}, extension ${text(versions.extension)}, Claude Code CLI ${versions.claude ? text(versions.claude) : 'not found'}, ${text(versions.os)}${versions.remote ? `, remote: ${text(versions.remote)}` : ''}`,
    '',
  ];
  for (const area of AREAS) {
    const mine = rows.filter((r) => r.area === area);
    if (mine.length === 0) continue;
    lines.push(`## ${area}`, '', '| Check | Result | Found | Fix |', '| --- | --- | --- | --- |');
    for (const r of mine) lines.push(`| ${cell(r.title)} | ${MARK[r.status]} | ${cell(r.found)} | ${cell(r.fix ?? '')} |`);
    lines.push('');
  }
  const log = input.logLines.map((l) => redact(l, input.secrets));
  const fence = codeFence(log);
  lines.push(`## Log (last ${log.length} lines)`, '', fence, ...log, fence, '');
  return redact(lines.join('\n'), input.secrets);
}
