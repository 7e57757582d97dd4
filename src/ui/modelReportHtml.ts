// The model report's page: one block per configured model with its status and region, its ID
// and profile ARN each on one line (shortened when the editor is narrow, with a Copy link), the
// reason in plain words, and the fix as a link that runs the fixing command. No script at all:
// links are command URIs that VS Code allows for exactly these commands. Pure.
import { escapeHtml } from '../util/text';
import type { ModelPolicy } from '../config/groups';
import { fixRole, roleLabel, type ModelCheck, type ModelFix, type ModelReport, type ModelStatus } from '../models/check';
import { webviewPage, type PageSource } from './webviewPage';

export const REPORT_COMMANDS = ['claudeBedrock.applyModelFix', 'claudeBedrock.checkModels', 'claudeBedrock.chooseModels', 'claudeBedrock.copyModelValue'] as const;

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
  if (fix.kind === 'use') return commandLink('claudeBedrock.applyModelFix', [fixRole(check), fix.value], fix.label);
  if (fix.kind === 'choose') return commandLink('claudeBedrock.chooseModels', [], fix.label);
  return commandLink('claudeBedrock.checkModels', [], fix.label);
}

/** A value on one line, cut with an ellipsis when it does not fit (the whole of it in the tooltip), and a Copy link. */
function oneLine(label: string, value: string, what: 'model ID' | 'profile ARN'): string {
  return `<div class="line" data-copies="${what}"><span class="label">${escapeHtml(label)}</span><code title="${escapeHtml(value)}">${escapeHtml(value)}</code>${commandLink('claudeBedrock.copyModelValue', [what, value], 'Copy')}</div>`;
}

function block(check: ModelCheck): string {
  const tone = check.status === 'available' ? 'ok' : check.usable ? 'info' : 'bad';
  const fix = check.usable && check.status === 'available' ? '' : `<div class="fix">${fixLink(check, check.fix)}</div>`;
  return `<section class="model ${tone}" data-role="${check.role}" data-status="${check.status}">
  <h2>${escapeHtml(roleLabel(check))} <span class="status">${escapeHtml(STATUS_TEXT[check.status])}</span> <span class="muted">in ${escapeHtml(check.region)}</span></h2>
  ${oneLine('Model', check.modelId, 'model ID')}
  ${check.profileArn ? oneLine('Profile', check.profileArn, 'profile ARN') : '<div class="line"><span class="label">Profile</span><span class="muted">none</span></div>'}
  <p class="why">${escapeHtml(check.reason)}</p>
  ${check.follows ? `<p class="why" data-follows="${check.follows}">No pin of its own: it runs what ${escapeHtml(roleLabel({ role: check.follows }))} runs, so a fix changes that pin.</p>` : ''}
  ${fix}
</section>`;
}

export interface PageOptions extends PageSource {
  /** What to say when there is no report: signed out, or checking. */
  readonly placeholder: string;
  /** The organisation's model policy and cost levers, as Claude Code is told them. */
  readonly policy?: ModelPolicy;
}

const CACHE_WORDS: Record<ModelPolicy['promptCaching'], string> = {
  '5m': '5 minutes (Claude Code\'s default)',
  '1h': '1 hour (ENABLE_PROMPT_CACHING_1H): a write costs 2x input, reads after long pauses still hit',
  off: 'off (DISABLE_PROMPT_CACHING): every request pays full input',
};

/** The levers a platform team sets, each as Claude Code is told it. */
export function policyBlock(policy: ModelPolicy): string {
  const rows: [string, string][] = [
    ['Prompt cache', CACHE_WORDS[policy.promptCaching]],
    ['Service tier', policy.serviceTier === 'default' ? 'standard on-demand' : `${policy.serviceTier} (ANTHROPIC_BEDROCK_SERVICE_TIER)`],
    ['Profile prefix', policy.regionPrefix ? `${policy.regionPrefix}. for the default pins and what Claude Code picks itself (ANTHROPIC_BEDROCK_REGION_PREFIX)` : "the region's geography"],
    ['Context', policy.longContext ? '1M tokens for the primary model ([1m])' : 'standard'],
    ['/model offers', policy.availableModels.length > 0 ? policy.availableModels.join(', ') : "Claude Code's own list"],
    ['Overrides', Object.keys(policy.modelOverrides).length > 0 ? Object.entries(policy.modelOverrides).map(([v, arn]) => `${v} → ${arn}`).join('; ') : 'none'],
  ];
  return `<section class="model policy" data-section="policy">
  <h2>What Claude Code is told</h2>
  ${rows.map(([label, value]) => `<div class="line" data-lever="${escapeHtml(label)}"><span class="label wide">${escapeHtml(label)}</span><span>${escapeHtml(value)}</span></div>`).join('\n  ')}
</section>`;
}

const STYLE = `  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.3em; font-weight: 600; }
  section.model { padding: 10px 0 12px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); max-width: 1000px; }
  h2 { font-size: 1.05em; font-weight: 600; margin: 0 0 6px; }
  h2 .status { margin-left: 0.6em; }
  h2 .muted { font-weight: normal; }
  .line { display: flex; align-items: baseline; gap: 8px; min-width: 0; margin: 2px 0; }
  .label { flex: none; width: 4.5em; color: var(--vscode-descriptionForeground); }
  .label.wide { width: 8em; }
  .line code { flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
  .line a.action { flex: none; }
  .why, .fix { margin: 6px 0 0; }
  .muted { color: var(--vscode-descriptionForeground); }
  .ok .status { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .info .status { color: var(--vscode-editorInfo-foreground, var(--vscode-foreground)); }
  .bad .status { color: var(--vscode-editorWarning-foreground, var(--vscode-errorForeground)); font-weight: 600; }
  a.action { color: var(--vscode-textLink-foreground); }
  a.action:focus { outline: 1px solid var(--vscode-focusBorder); }`;

export function renderModelReport(report: ModelReport | undefined, page: PageOptions): string {
  const checkedAt = report ? new Date(report.checkedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  const body = report
    ? `<p class="muted">Checked in ${escapeHtml(report.region)} at ${escapeHtml(checkedAt)}. ${commandLink('claudeBedrock.checkModels', [], 'Check Again')} · ${commandLink('claudeBedrock.chooseModels', [], 'Choose Models')}</p>
${report.checks.map(block).join('\n')}
${page.policy ? policyBlock(page.policy) : ''}`
    : `<p class="muted">${escapeHtml(page.placeholder)}</p>`;
  return webviewPage(page, { title: 'Model availability', style: { rules: STYLE }, body: `<h1>Claude Code models on Amazon Bedrock</h1>\n${body}` });
}
