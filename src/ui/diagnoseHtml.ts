// The Diagnose view's page: every row, grouped by area, each with what was found, why it matters
// and the fix, and its buttons as command links (no script on the page). Pure.
import { AREAS, overall, type Row, type Status } from '../diagnose/check';
import type { Action } from '../errors/failure';
import { escapeHtml } from '../util/text';
import { webviewPage, type PageSource } from './webviewPage';

export const DIAGNOSE_COMMANDS = [
  'claudeBedrock.diagnose',
  'claudeBedrock.copyDiagnoseReport',
  'claudeBedrock.saveDiagnoseReport',
  'claudeBedrock.signIn',
  'claudeBedrock.showLog',
  'claudeBedrock.connectClaudeCode',
  'claudeBedrock.showModelReport',
  'claudeBedrock.showUsage',
  'workbench.action.openSettings',
  'workbench.action.openWorkspaceSettingsFile',
  'workbench.action.reloadWindow',
] as const;

const ICON: Record<Status, string> = { pass: '✓', warning: '!', fail: '✗', skipped: '–' };
const WORD: Record<Status, string> = { pass: 'Pass', warning: 'Warning', fail: 'Fail', skipped: 'Skipped' };

function link(command: string, args: readonly unknown[], label: string): string {
  const href = `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
  return `<a class="button" href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function actionLink(action: Action): string | undefined {
  switch (action.kind) {
    case 'signIn':
      return link('claudeBedrock.signIn', [], 'Sign In');
    case 'openSetting':
      return link('workbench.action.openSettings', [action.setting], 'Open Settings');
    case 'showLog':
      return link('claudeBedrock.showLog', [], 'Show Log');
    case 'run':
      return (DIAGNOSE_COMMANDS as readonly string[]).includes(action.command) ? link(action.command, action.args ?? [], action.label) : undefined;
    default:
      return undefined;
  }
}

function row(r: Row): string {
  const buttons = (r.actions ?? []).map(actionLink).filter(Boolean).join(' ');
  return `<tr class="${r.status}" data-check="${escapeHtml(r.id)}">
<td class="status"><span aria-hidden="true">${ICON[r.status]}</span> ${WORD[r.status]}</td>
<th scope="row">${escapeHtml(r.title)}<div class="why">${escapeHtml(r.why)}</div></th>
<td class="found">${escapeHtml(r.found)}${r.fix ? `<div class="fix"><strong>Fix:</strong> ${escapeHtml(r.fix)}</div>` : ''}${buttons ? `<div class="actions">${buttons}</div>` : ''}</td>
</tr>`;
}

const STYLE = `  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; max-width: 1100px; }
  h1 { font-size: 1.3em; font-weight: 600; }
  h2 { font-size: 1.05em; font-weight: 600; margin: 1.4em 0 0.3em; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; }
  td, th { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); overflow-wrap: anywhere; }
  td.status { width: 7.5em; white-space: nowrap; }
  th[scope=row] { width: 30%; font-weight: 600; }
  .why { font-weight: normal; color: var(--vscode-descriptionForeground); margin-top: 2px; }
  .fix, .actions { margin-top: 4px; }
  tr.pass .status { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  tr.warning .status { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); font-weight: 600; }
  tr.fail .status { color: var(--vscode-errorForeground); font-weight: 600; }
  tr.skipped .status { color: var(--vscode-descriptionForeground); }
  .toolbar { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
  a.button { display: inline-block; padding: 3px 10px; border-radius: 2px; text-decoration: none; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  a.button:focus { outline: 1px solid var(--vscode-focusBorder); }
  .toolbar a.button:first-child { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
  .summary { color: var(--vscode-descriptionForeground); }`;

export function renderDiagnose(state: { readonly rows: readonly Row[]; readonly running: number; readonly total: number; readonly at: number | undefined }, page: PageSource): string {
  const { rows } = state;
  const counts = (s: Status) => rows.filter((r) => r.status === s).length;
  const summary =
    state.running > 0
      ? `Checking… ${state.total - state.running} of ${state.total} done.`
      : state.at === undefined
        ? 'Not run yet.'
        : `${WORD[overall(rows)]}: ${counts('pass')} passed, ${counts('warning')} warnings, ${counts('fail')} failed${counts('skipped') ? `, ${counts('skipped')} skipped` : ''}. Checked at ${new Date(state.at).toLocaleTimeString()}.`;
  const sections = AREAS.map((area) => {
    const mine = rows.filter((r) => r.area === area);
    if (mine.length === 0) return '';
    return `<h2>${escapeHtml(area)}</h2>\n<table>\n<tbody>\n${mine.map(row).join('\n')}\n</tbody>\n</table>`;
  }).join('\n');
  return webviewPage(page, {
    title: 'Diagnose',
    style: { rules: STYLE },
    body: `<h1>Claude Code on Amazon Bedrock: Diagnose</h1>
<div class="toolbar">${link('claudeBedrock.diagnose', [], 'Check Again')} ${link('claudeBedrock.copyDiagnoseReport', [], 'Copy Report')} ${link('claudeBedrock.saveDiagnoseReport', [], 'Save Report…')}</div>
<p class="summary" role="status">${escapeHtml(summary)}</p>
${sections}`,
  });
}
