// How inference profiles are offered and written. Pure.
import type { ProfileInfo } from '../aws/bedrock';
import { profilePrefix } from '../config/groups';
import type { PinnedRole } from './check';

/** The family each pinned role looks for first. */
const FAMILY: Record<PinnedRole, RegExp | undefined> = { model: undefined, opusModel: /opus/i, sonnetModel: /sonnet/i, fableModel: /fable/i, smallFastModel: /haiku/i };

/** What a profile is called in a setting: application profiles by ARN, system ones by ID. */
export function settingValue(profile: ProfileInfo): string {
  return profile.type === 'APPLICATION' ? profile.arn : profile.id;
}

/** The organisation's prefix (else the region's geography) first, then the others, then the account's application profiles. */
export function orderProfiles(profiles: readonly ProfileInfo[], region: string, role: PinnedRole, regionPrefix?: string): ProfileInfo[] {
  const geography = `${profilePrefix(region, regionPrefix)}.`;
  const group = (p: ProfileInfo) => (p.type === 'APPLICATION' ? 2 : p.id.startsWith(geography) ? 0 : 1);
  const family = FAMILY[role];
  // The primary model: anything but Haiku first; a family's pin: that family first.
  const preferred = (p: ProfileInfo) => (family ? (family.test(p.id + p.name) ? 0 : 1) : /haiku/i.test(p.id + p.name) ? 1 : 0);
  return [...profiles].sort((a, b) => group(a) - group(b) || preferred(a) - preferred(b) || a.name.localeCompare(b.name));
}


/**
 * The model an application inference profile routes to (its first foundation model's ID), so
 * usage recorded against the profile's ARN is priced as that model; anything else as it is.
 */
export function routedModel(profiles: readonly ProfileInfo[], idOrArn: string): string {
  const profile = idOrArn.startsWith('arn:') ? profiles.find((p) => p.type === 'APPLICATION' && p.arn === idOrArn) : undefined;
  const model = profile?.modelArns[0];
  return model ? model.slice(model.lastIndexOf('/') + 1) : idOrArn;
}
