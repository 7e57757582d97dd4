// The settings of usage, cost and quota: where the organisation's figures come from, the limits
// shown without a quota API, and the alerts. Part of the table in settings.ts.
import { amount, define, oneOf, url, words } from './rules';

export const cloudWatchEndpoint = define('cloudWatchEndpoint', url(), {
  order: 40,
  affects: ['usage'],
  description: 'CloudWatch endpoint URL (a VPC interface endpoint for `monitoring`). Empty: `https://monitoring.<region>.amazonaws.com`.',
});
export const usageNamespace = define('usageNamespace', words('ClaudeCode'), { order: 41, affects: ['usage'], description: "CloudWatch namespace of Claude Code's usage metrics." });
export const usageTokenMetric = define('usageTokenMetric', words('claude_code.token.usage'), { order: 42, affects: ['usage'], description: 'Metric with the tokens used (summed).' });
export const usageCostMetric = define('usageCostMetric', words('claude_code.cost.usage'), { order: 43, affects: ['usage'], description: 'Metric with the cost estimate in USD (summed).' });
export const usageEmailDimension = define('usageEmailDimension', words('user.email'), { order: 44, affects: ['usage'], description: "Dimension holding the user's email." });
export const usageLibraryDimension = define('usageLibraryDimension', words('OTelLib'), {
  order: 45,
  affects: ['usage'],
  description: 'The second dimension of the per-user metrics (its value is discovered).',
});
export const quotaApiUrl = define('quotaApiUrl', url(), {
  order: 46,
  affects: ['usage', 'quota'],
  description:
    "URL of the quota API's check (called with your ID token), e.g. `https://quota.example.com/check`. When set, it is asked before every new set of AWS credentials and every `claudeBedrock.quotaRecheckMinutes`: a user it blocks gets no credentials. Your limits come from it too; otherwise from the limit settings below.",
});
export const localUsage = define('localUsage', oneOf(['records', 'off']), {
  order: 55,
  affects: ['usage'],
  description:
    "Where this machine's live usage and cost come from. `records`: Claude Code's own session records on this machine (`~/.claude/projects`, or `CLAUDE_CONFIG_DIR`), read for their usage fields only; nothing leaves the machine. `off`: not read.",
  enumDescriptions: ["Read the usage fields of Claude Code's session records on this machine.", 'Do not read them: only your organisation\'s figures are shown, where it has them.'],
});
export const dailyBudget = define('dailyBudget', amount(undefined, 0.01, 1e6), {
  order: 56,
  affects: ['usage'],
  description: "Your daily budget in USD for Claude Code on this machine: one notification when today's cost passes it. 0 means none.",
});
export const sessionHourlyAlert = define('sessionHourlyAlert', amount(undefined, 0.01, 1e6), {
  order: 57,
  affects: ['usage'],
  description: 'USD one Claude Code session may spend within an hour before one notification names it (a session left running overnight). 0 means none.',
});
export const priceFactor = define('priceFactor', amount(1, 0.01, 10), {
  order: 58,
  affects: ['usage'],
  description: "Multiplies Amazon Bedrock's on-demand list prices in every cost shown, for an organisation with a negotiated rate (0.85: 15% below list). 1 means list prices.",
});
export const quotaRecheckMinutes = define('quotaRecheckMinutes', amount(30, 0.1, 1440), {
  order: 53,
  affects: ['quota'],
  description: 'Minutes between checks of the quota API while signed in (besides the check before every new set of credentials).',
});
export const quotaFailMode = define('quotaFailMode', oneOf(['open', 'closed']), {
  order: 54,
  affects: ['quota'],
  description: 'What happens when the quota API cannot be asked (unreachable, an error, an answer it cannot read, no answer within 5 s).',
  enumDescriptions: [
    'Credentials are handed out; the status bar says the quota could not be checked, and the log says why.',
    'No credentials until the quota API answers: treated as blocked, with that reason.',
  ],
});
export const monthlyTokenLimit = define('monthlyTokenLimit', amount(undefined, 1, 1e13), {
  order: 47,
  affects: ['usage'],
  description: 'Monthly token limit shown when there is no quota API; 0 means none.',
});
export const dailyTokenLimit = define('dailyTokenLimit', amount(undefined, 1, 1e13), {
  order: 48,
  affects: ['usage'],
  description: 'Daily token limit shown when there is no quota API; 0 means none.',
});
export const monthlyCostLimit = define('monthlyCostLimit', amount(undefined, 0.01, 1e9), { order: 49, affects: ['usage'], description: 'Monthly cost limit in USD; 0 means none.' });
export const usageWarningPercent = define('usageWarningPercent', amount(80, 1, 100), {
  order: 50,
  affects: ['usage'],
  description: 'Usage (percent of a limit) at which the status bar turns to warning colours.',
});
export const usageErrorPercent = define('usageErrorPercent', amount(95, 1, 100), {
  order: 51,
  affects: ['usage'],
  description: 'Usage (percent of a limit) at which the status bar turns to error colours.',
});
export const usageRefreshMinutes = define('usageRefreshMinutes', amount(5, 0.1, 1440), {
  order: 52,
  affects: ['usage'],
  description: 'Minutes between usage refreshes (while a VS Code window has focus; shared by all windows).',
});
