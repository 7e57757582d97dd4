// "Choose Models": a quick pick per model a developer can select, over the ACTIVE Claude
// inference profiles in the region (the primary model, then Opus, Sonnet, Fable, which may follow
// Opus, and the fast model, which is also Haiku), written to the settings that feed the terminals
// and Claude Code's own. A
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
export function profileItems(profiles: readonly ProfileInfo[], region: string, role: PinnedRole, current: string, regionPrefix?: string): ProfileItem[] {
  return orderProfiles(profiles, region, role, regionPrefix).map((p) => {
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

/** What Choose Models starts from: the pins as they are, and what orders and ticks the items. */
export interface CurrentModels extends Readonly<Record<PinnedRole, string>> {
  readonly fableFollowsOpus: boolean;
  readonly regionPrefix?: string;
}

/** The value "Same as Opus" writes: fable with no pin of its own. */
const SAME_AS_OPUS = '';

/**
 * The items of one step, what is chosen now first. Fable's step starts with "Same as Opus"
 * (ticked while fable has no pin of its own), so nobody reaches a costlier tier by choosing it.
 */
export function stepItems(profiles: readonly ProfileInfo[], region: string, role: PinnedRole, current: CurrentModels, opus: string | undefined): ProfileItem[] {
  const follows = role === 'fableModel' && current.fableFollowsOpus;
  const items = profileItems(profiles, region, role, follows ? SAME_AS_OPUS : current[role], current.regionPrefix);
  const ticked = items.findIndex((i) => i.label.startsWith('$(check) '));
  if (ticked > 0) items.unshift(...items.splice(ticked, 1));
  if (role !== 'fableModel') return items;
  const same: ProfileItem = {
    label: `${follows ? '$(check) ' : ''}Same as Opus`,
    description: opus ? escapeIcons(opus) : undefined,
    detail: 'Fable runs what "/model opus" runs',
    value: SAME_AS_OPUS,
  };
  return follows ? [same, ...items] : [items[0], same, ...items.slice(1)].filter(Boolean);
}

export async function pickModels(profiles: readonly ProfileInfo[], region: string, current: CurrentModels, config: Config) {
  const steps = PINNED_ROLES.map((role, i) => [role, `${STEP_TITLES[role]} (${i + 1} of ${PINNED_ROLES.length})`] as const);
  const chosen: Partial<Record<PinnedRole, string>> = {};
  for (const [role, title] of steps) {
    const pick = await vscode.window.showQuickPick(stepItems(profiles, region, role, current, chosen.opusModel), {
      title,
      placeHolder: `Claude inference profiles in ${region}`,
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    chosen[role] = pick.value;
  }
  // "Same as Opus" clears the user's fable pin, unless the organisation's default pins fable:
  // then only an empty value of the user's own makes fable follow Opus.
  for (const [role] of steps) await config.write(role, chosen[role] === SAME_AS_OPUS && !config.defaultOf(role) ? undefined : chosen[role]);
  return chosen as Record<PinnedRole, string>;
}
