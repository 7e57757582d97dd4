// The model report's page: one row per configured model with its status, region, profile ARN,
// the reason in plain words, and the fix as a link that runs the fixing command. No script at
// all: links are command URIs that VS Code allows for exactly these commands. Pure.
import { escapeHtml } from '../util/html';
import { ROLE_LABELS, type ModelCheck, type ModelFix, type ModelReport, type ModelStatus } from '../models/check';

export const REPORT_COMMANDS = ['claudeBedrock.applyModelFix', 'claudeBedrock.checkModels', 'claudeBedrock.chooseModels'] as const;

const STATUS_TEXT: Record<ModelStatus, string> = {
  available: 'Available',
  unverified: 'Probably available',
  bareModelId: 'Not an inference profile',
  notFound: 'Not found in this region',
  inactive: 'Profile not active',
  notEntitled: 'No model access',
  agreementMissing: 'Agreement missing',
  notAuthorized: 'Not authorized',
  regionUnavailable: 'Not in this region',
  accessDenied: 'Access denied',
  throttled: 'Throttled',
  error: 'Check failed',
};

function commandLink(command: string, args: unknown[], label: string): string {
  const href = `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
  return `<a class="action" href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function fixLink(check: ModelCheck, fix: ModelFix | undefined): string {
  if (!fix) return '<span class="muted">Ask your platform team</span>';
  if (fix.kind === 'use') return commandLink('claudeBedrock.applyModelFix', [check.role, fix.value], fix.label);
  if (fix.kind === 'choose') return commandLink('claudeBedrock.chooseModels', [], fix.label);
  return commandLink('claudeBedrock.checkModels', [], fix.label);
}

function row(check: ModelCheck): string {
  const tone = check.status === 'available' ? 'ok' : check.usable ? 'info' : 'bad';
  return `<tr class="${tone}" data-role="${check.role}" data-status="${check.status}">
  <th scope="row">${escapeHtml(ROLE_LABELS[check.role])}</th>
  <td><code>${escapeHtml(check.modelId)}</code></td>
  <td class="status">${escapeHtml(STATUS_TEXT[check.status])}</td>
  <td>${escapeHtml(check.region)}</td>
  <td>${check.profileArn ? `<code>${escapeHtml(check.profileArn)}</code>` : '<span class="muted">none</span>'}</td>
  <td>${escapeHtml(check.reason)}</td>
  <td>${check.usable && check.status === 'available' ? '' : fixLink(check, check.fix)}</td>
</tr>`;
}

export interface PageOptions {
  readonly cspSource: string;
  readonly nonce: string;
  /** What to say when there is no report: signed out, or checking. */
  readonly placeholder: string;
}

export function renderModelReport(report: ModelReport | undefined, { cspSource, nonce, placeholder }: PageOptions): string {
  const checkedAt = report ? new Date(report.checkedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  const body = report
    ? `<p class="muted">Checked in ${escapeHtml(report.region)} at ${escapeHtml(checkedAt)}. ${commandLink('claudeBedrock.checkModels', [], 'Check Again')} · ${commandLink('claudeBedrock.chooseModels', [], 'Choose Models')}</p>
<table>
<thead><tr><th scope="col">Role</th><th scope="col">Model</th><th scope="col">Status</th><th scope="col">Region</th><th scope="col">Inference profile ARN</th><th scope="col">Why</th><th scope="col">Fix</th></tr></thead>
<tbody>
${report.checks.map(row).join('\n')}
</tbody>
</table>`
    : `<p class="muted">${escapeHtml(placeholder)}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; img-src ${cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Model availability</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.3em; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
  thead th { color: var(--vscode-descriptionForeground); font-weight: 600; }
  code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; word-break: break-all; }
  .muted { color: var(--vscode-descriptionForeground); }
  tr.ok .status { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  tr.info .status { color: var(--vscode-editorInfo-foreground, var(--vscode-foreground)); }
  tr.bad .status { color: var(--vscode-editorWarning-foreground, var(--vscode-errorForeground)); font-weight: 600; }
  a.action { color: var(--vscode-textLink-foreground); }
  a.action:focus { outline: 1px solid var(--vscode-focusBorder); }
</style>
</head>
<body>
<h1>Claude Code models on Amazon Bedrock</h1>
${body}
</body>
</html>`;
}
