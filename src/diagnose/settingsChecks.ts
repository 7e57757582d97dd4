// Diagnose's settings rows: every setting valid, where each value comes from (the user, the
// remote machine, the organisation's package, the extension), and workspace values that were
// ignored because a repository may not decide where a sign-in goes.
import { promises as fs } from 'node:fs';
import { parseSettings } from '../claudeCode/jsonEdit';
import { openSetting } from '../errors/failure';
import { SETTINGS } from '../config/settings';
import type { Checked, SettingProblem } from '../config/rules';
import { fail, pass, warning, type Check } from './check';
import type { DiagnoseContext } from './context';

function problemsOf(ctx: DiagnoseContext): SettingProblem[] {
  const { config } = ctx;
  const groups: Checked<unknown>[] = [config.terminal(), config.models(), config.usage(), config.quota(), config.claudeCode(), config.activeSignIn().checked];
  const seen = new Set<string>();
  return groups.flatMap((g) => (g.ok ? [] : g.problems)).filter((p) => !seen.has(`${p.setting} ${p.problem}`) && seen.add(`${p.setting} ${p.problem}`));
}

export function settingsChecks(ctx: DiagnoseContext): Check[] {
  return [
    {
      id: 'settings.valid',
      area: 'Settings',
      title: 'Every setting valid',
      why: 'A setting that is missing or malformed stops the sign-in, the terminals or the usage display.',
      run: async () => {
        const problems = problemsOf(ctx);
        if (problems.length === 0) return pass(`All ${SETTINGS.length} settings are valid (federation: ${ctx.config.federation()}).`);
        const first = problems[0];
        return fail(
          problems.map((p) => `${p.setting} ${p.problem}`).join(' '),
          'Correct the settings named (your platform team has the values), or ask them to bake them into the package.',
          [openSetting(first.setting.replace(/^claudeBedrock\./, ''))],
        );
      },
    },
    {
      id: 'settings.sources',
      area: 'Settings',
      title: 'Where the values come from',
      why: 'A repository must not decide where a sign-in goes: workspace values are ignored, and a value a user set overrides the organisation\'s.',
      run: async () => {
        const user: string[] = [];
        const org: string[] = [];
        const ignored: string[] = [];
        // VS Code drops machine-scoped values a workspace sets (inspect does not show them): the files do.
        for (const file of ctx.workspaceSettingsFiles()) {
          const text = await fs.readFile(file, 'utf8').catch(() => undefined);
          const parsed = text === undefined ? undefined : parseSettings(text);
          const values = parsed?.ok ? { ...parsed.value, ...((parsed.value.settings as Record<string, unknown> | undefined) ?? {}) } : {};
          for (const key of Object.keys(values)) if (key.startsWith('claudeBedrock.') && !ignored.includes(key)) ignored.push(key);
        }
        for (const s of SETTINGS) {
          const i = ctx.inspect(s.key);
          if ((i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) && !ignored.includes(`claudeBedrock.${s.key}`)) ignored.push(`claudeBedrock.${s.key}`);
          if (i?.globalValue !== undefined) user.push(s.key);
          else if (s.key in ctx.orgDefaults) org.push(s.key);
        }
        const mine = ctx.remoteName ? `the remote machine's (${ctx.remoteName}) or your user settings` : 'your user settings';
        const found = [
          org.length ? `From your organisation's package: ${org.join(', ')}.` : "No organisation defaults in this package.",
          user.length ? `From ${mine}: ${user.join(', ')}.` : `Nothing set in ${mine}.`,
          'Everything else: the extension\'s defaults.',
        ];
        if (ignored.length === 0) return pass(found.join(' '));
        return warning(
          `${found.join(' ')} Ignored: ${ignored.join(', ')} set by this workspace (.vscode/settings.json).`,
          'Remove them from the workspace settings: these settings decide where your sign-in goes, so only you (user settings) or your platform team (the package) may set them.',
          [{ kind: 'run', command: 'workbench.action.openWorkspaceSettingsFile', label: 'Open Workspace Settings' }],
        );
      },
    },
  ];
}
