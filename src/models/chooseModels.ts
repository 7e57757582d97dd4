// "Choose Models": a quick pick per model a developer can select, over the ACTIVE Claude
// inference profiles in the region (the primary model, then Opus, Sonnet and the fast model,
// which is also Haiku), written to the settings that feed the terminals and Claude Code's own. A
// profile's name, ID and regions come from Bedrock: a quick pick renders $(icons) in them, so
// they are escaped.
import * as vscode from 'vscode';
import type { ProfileInfo } from '../aws/bedrock';
import type { Config } from '../config/config';
import { escapeIcons } from '../util/text';
import { PINNED_ROLES, type PinnedRole } from './check';
import { orderProfiles, settingValue } from './profiles';

interface ProfileItem extends vscode.QuickPickItem {
  readonly value: string;
}

/** One item per profile, the best fits first; what the current setting holds is ticked. */
export function profileItems(profiles: readonly ProfileInfo[], region: string, role: PinnedRole, current: string): ProfileItem[] {
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

const STEP_TITLES: Record<PinnedRole, string> = {
  model: 'Model Claude Code starts with',
  opusModel: 'What "/model opus" runs',
  sonnetModel: 'What "/model sonnet" runs',
  fableModel: 'What "/model fable" runs',
  smallFastModel: 'Fast model for small tasks, and "/model haiku"',
};

export async function pickModels(profiles: readonly ProfileInfo[], region: string, current: Readonly<Record<PinnedRole, string>>, config: Config) {
  const steps = PINNED_ROLES.map((role, i) => [role, `${STEP_TITLES[role]} (${i + 1} of ${PINNED_ROLES.length})`] as const);
  const chosen: Partial<Record<PinnedRole, string>> = {};
  for (const [role, title] of steps) {
    const items = profileItems(profiles, region, role, current[role]);
    // Fable follows the Opus pin unless the organisation pins it apart (an empty setting).
    if (role === 'fableModel') items.unshift({ label: 'Same as Opus', description: chosen.opusModel ? escapeIcons(chosen.opusModel) : undefined, detail: 'What "/model opus" runs, so nobody reaches a costlier tier by choosing fable', value: '' });
    const pick = await vscode.window.showQuickPick(items, {
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
  return chosen as Record<PinnedRole, string>;
}
