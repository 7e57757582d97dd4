// Diagnose's AWS rows: STS reachable and the keys it confirms (who, until when, which region),
// the proxy and certificate variables a TLS-inspecting proxy needs, the model check, and usage
// and quota: GetMetricData allowed, a series for this user or not yet, the quota service's answer.
import { existsSync } from 'node:fs';
import { stsEndpointFor } from '../aws/endpoints';
import type { ModelPolicy } from '../config/groups';
import { roleLabel } from '../models/check';
import { awsErrorCode } from '../errors/codes';
import { openSetting, SIGN_IN } from '../errors/failure';
import { fail, pass, skipped, warning, type Check } from './check';
import type { DiagnoseContext } from './context';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'NO_PROXY'] as const;
const CA_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'AWS_CA_BUNDLE', 'SSL_CERT_FILE'] as const;

export function awsChecks(ctx: DiagnoseContext, timeoutMs: number): Check[] {
  return [
    {
      id: 'aws.sts',
      area: 'AWS',
      title: 'STS and the current keys',
      why: 'Every AWS call Claude Code makes is signed with these keys; STS says whether AWS accepts them.',
      run: async () => {
        const session = ctx.sessions.usableSession;
        if (!session) return fail('Not signed in: there are no AWS keys to check.', 'Sign in.', [SIGN_IN]);
        const checked = ctx.config.activeSignIn().checked;
        const endpoint = stsEndpointFor(session.region, checked.ok ? checked.value.stsEndpoint : undefined);
        try {
          const me = await ctx.aws().getCallerIdentity({ region: session.region, endpoint, timeoutMs }, session.credentials);
          const left = Math.round((Date.parse(session.credentials.expiration) - ctx.clock.now()) / 60_000);
          return pass(`${endpoint} confirms the keys belong to ${me.arn} (session name ${me.arn.split('/').pop()}), in ${session.region}; they expire at ${session.credentials.expiration} (${left} min from now).`);
        } catch (error) {
          const code = awsErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
          if (code === 'ExpiredToken' || code === 'InvalidClientTokenId') return fail(`${endpoint} refuses the current keys (${code}): they have expired or were revoked.`, 'Sign in again; if it keeps happening, check this computer\'s clock.', [SIGN_IN]);
          if (code === 'AccessDenied') return fail(`${endpoint} refuses GetCallerIdentity (AccessDenied).`, 'Ask your platform team to check the role\'s permissions and any SCP on the account.');
          return fail(`${endpoint} did not answer GetCallerIdentity (${code}).`, 'Check your network (VPN, proxy), claudeBedrock.region and claudeBedrock.stsEndpoint.', [openSetting('stsEndpoint')]);
        }
      },
    },
    {
      id: 'aws.network',
      area: 'AWS',
      title: 'Proxy and certificates',
      why: 'Behind a TLS-inspecting proxy, Node programs (this extension, Claude Code) need the proxy and its CA certificate, or every request fails.',
      run: async () => {
        const set = (names: readonly string[]) => names.filter((n) => ctx.env[n]);
        const proxies = set(PROXY_VARIABLES);
        const cas = set(CA_VARIABLES);
        const missing = cas.filter((n) => !existsSync(String(ctx.env[n])));
        const found = `${proxies.length ? `Proxy: ${proxies.map((n) => `${n}=${redactUrl(String(ctx.env[n]))}`).join(', ')}` : 'No proxy variables'}; ${cas.length ? `certificates: ${cas.map((n) => `${n}=${ctx.env[n]}`).join(', ')}` : 'no extra CA certificates'}.`;
        if (missing.length) return fail(`${found} ${missing.join(', ')} names a file that does not exist.`, 'Point it at your company\'s CA bundle (a PEM file); your platform team has it.');
        if (proxies.length && !cas.length) return warning(found, 'If your proxy inspects TLS, set NODE_EXTRA_CA_CERTS (and AWS_CA_BUNDLE) to its CA bundle, then restart VS Code.');
        return pass(found);
      },
    },
    {
      id: 'models.check',
      area: 'Models',
      title: 'Every model Claude Code can select, on Bedrock',
      why: 'Claude Code calls these inference profiles; one that is not available fails every request.',
      run: async () => {
        if (!ctx.sessions.usableSession) return skipped('Not signed in: the models are checked with your keys.');
        const report = await ctx.models.check(true);
        if (!report) return fail('The model check could not run.', 'Check Again; the model report says more.', [{ kind: 'run', command: 'claudeBedrock.showModelReport', label: 'Show Model Report' }]);
        const bad = report.checks.filter((c) => !c.usable);
        const listed = report.checks.map((c) => `${roleLabel(c)} ${c.modelId}: ${c.status}`).join('; ');
        const policy = ctx.models.policy;
        const levers = policy ? ` Claude Code is told: ${leverWords(policy)}.` : '';
        if (bad.length === 0) return pass(`In ${report.region}: ${listed}.${levers}`);
        return fail(`In ${report.region}: ${listed}. ${bad.map((c) => c.reason).join(' ')}`, bad.map((c) => c.fix?.label ?? 'See the model report.').join(' '), [{ kind: 'run', command: 'claudeBedrock.showModelReport', label: 'Show Model Report' }]);
      },
    },
    {
      id: 'usage.metrics',
      area: 'Usage and quota',
      title: 'Your usage in CloudWatch',
      why: 'The status bar and the dashboard read your token usage with GetMetricData.',
      run: async () => {
        const session = ctx.sessions.usableSession;
        if (!session) return skipped('Not signed in.');
        if (!session.identity.email) return skipped('Your sign-in carries no email: usage is looked up by email.');
        await ctx.usage.refresh();
        const state = ctx.usage.state;
        if (state.stale) return fail(`Reading usage failed: ${state.stale}`, 'Ask your platform team to allow cloudwatch:GetMetricData for the role, and check claudeBedrock.usageNamespace.', [openSetting('usageNamespace')]);
        const figures = state.figures;
        if (!figures) return skipped('No usage was read (the usage display is off, or no window has focus).');
        const tokens = figures.monthTokens;
        return tokens > 0
          ? pass(`GetMetricData answers: ${tokens.toLocaleString('en-US')} tokens for ${session.identity.email} this month.`)
          : ctx.localUsage.state.figures?.models.some((m) => m.totals.requests > 0)
            ? pass(`GetMetricData answers, but no usage is recorded for ${session.identity.email} this month, while Claude Code's records on this machine show some: your organisation may not export Claude Code's metrics to CloudWatch. The status bar shows this machine's figures.`)
            : pass(`GetMetricData answers; no usage is recorded for ${session.identity.email} yet this month. That is expected before your first Claude Code session (metrics arrive a few minutes after it).`);
      },
    },
    {
      id: 'usage.quota',
      area: 'Usage and quota',
      title: 'The quota service',
      why: 'With a quota service, no keys are handed out without its answer (or the fail mode).',
      run: async () => {
        const settings = ctx.config.quota();
        if (!ctx.quota.enabled || !settings.ok || !settings.value.url) return pass('No quota service is configured: the quota in the status bar comes from the settings, if any.');
        if (!ctx.sessions.usableSession) return skipped('Not signed in: the quota service is asked with your sign-in.');
        const mode = settings.value.failMode;
        const verdict = await ctx.quota.check(0);
        if (!verdict) return skipped('The quota service was not asked.');
        if (verdict.kind === 'allowed') return pass(`${settings.value.url} allows you. Fail mode: ${mode} (${mode === 'open' ? 'keys flow when it cannot be asked' : 'no keys when it cannot be asked'}).`);
        if (verdict.kind === 'unchecked') return warning(`${settings.value.url} could not be asked: ${verdict.problem} The fail mode is open, so keys are handed out meanwhile.`, 'Tell your platform team the quota service is not answering.', [openSetting('quotaApiUrl')]);
        return fail(`${verdict.sentence}`, `Fail mode: ${mode}. ${mode === 'closed' ? 'If the service is down, your platform team must bring it back.' : 'Wait for the reset, or ask your platform team for more.'}`, [{ kind: 'run', command: 'claudeBedrock.showUsage', label: 'Show Usage' }]);
      },
    },
  ];
}

/** A proxy URL without its password. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/** The cost levers and model policy in a few words: "prompt cache 1 hour, service tier flex". */
export function leverWords(policy: ModelPolicy): string {
  const words = [
    `prompt cache ${policy.promptCaching === '1h' ? '1 hour' : policy.promptCaching === 'off' ? 'off' : '5 minutes'}`,
    `service tier ${policy.serviceTier}`,
    ...(policy.regionPrefix ? [`profile prefix ${policy.regionPrefix}.`] : []),
    ...(policy.longContext ? ['1M context'] : []),
    ...(policy.availableModels.length > 0 ? [`/model offers ${policy.availableModels.join(', ')}`] : []),
    ...(Object.keys(policy.modelOverrides).length > 0 ? [`${Object.keys(policy.modelOverrides).length} overrides to application profiles`] : []),
  ];
  return words.join(', ');
}
