// "Choose Models": two quick picks over the ACTIVE Claude inference profiles in the region (the
// primary model, then the fast one), written to the settings that feed the terminals. A
// profile's name, ID and regions come from Bedrock: a quick pick renders $(icons) in them, so
// they are escaped.
import * as vscode from 'vscode';
import type { ProfileInfo } from '../aws/bedrock';
import type { Config } from '../config/config';
import { escapeIcons } from '../util/text';
import type { ModelRole } from './check';
import { orderProfiles, settingValue } from './profiles';

interface ProfileItem extends vscode.QuickPickItem {
  readonly value: string;
}

/** One item per profile, the best fits first; what the current setting holds is ticked. */
export function profileItems(profiles: readonly ProfileInfo[], region: string, role: ModelRole, current: string): ProfileItem[] {
  return orderProfiles(profiles, region, role).map((p) => {
    const value = settingValue(p);
    const regions = [...new Set(p.modelArns.map((arn) => arn.split(':')[3]).filter(Boolean))];
    return {
      label: `${value === current ? '$(check) ' : ''}${escapeIcons(p.name)}`,
      description: escapeIcons(value),
      detail: `${p.type === 'APPLICATION' ? 'Application inference profile' : 'Cross-region inference profile'}${regions.length ? `, served from ${escapeIcons(regions.join(', '))}` : ''}`,
      value,
    };
  });
}

export async function pickModels(profiles: readonly ProfileInfo[], region: string, current: Readonly<Record<ModelRole, string>>, config: Config) {
  const steps: [ModelRole, string][] = [
    ['model', 'Model Claude Code uses (1 of 2)'],
    ['smallFastModel', 'Fast model for small tasks, usually Haiku (2 of 2)'],
  ];
  const chosen: Partial<Record<ModelRole, string>> = {};
  for (const [role, title] of steps) {
    const pick = await vscode.window.showQuickPick(profileItems(profiles, region, role, current[role]), {
      title,
      placeHolder: `Claude inference profiles in ${region}`,
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    chosen[role] = pick.value;
  }
  for (const [role] of steps) await config.write(role, chosen[role]);
  return chosen as Record<ModelRole, string>;
}
