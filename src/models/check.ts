// Whether the configured models will work on Bedrock, and what to do when they will not.
//
// The most common first-day failure is a model ID that is not an inference profile (a bare
// "anthropic.claude-…" fails with on-demand throughput), or a model the account is not entitled
// to in the region. This finds both before Claude Code does, with the fix in plain words.
// Pure: the Bedrock calls come in through the BedrockControl interface.
import type { BedrockControl, ModelAvailability, ProfileInfo } from '../aws/bedrock';
import { profilePrefix } from '../config/groups';
import { explain } from '../errors/explain';
import type { FailureKind } from '../errors/failure';

/** What a model is for: the primary, a family's pin (what `/model opus` and the others run), or a version's override. */
export type ModelRole = 'model' | 'opusModel' | 'sonnetModel' | 'fableModel' | 'smallFastModel' | 'override';

/** The roles a setting pins, in the order they are shown and chosen. */
export const PINNED_ROLES = ['model', 'opusModel', 'sonnetModel', 'fableModel', 'smallFastModel'] as const;
export type PinnedRole = (typeof PINNED_ROLES)[number];

export const ROLE_LABELS: Record<ModelRole, string> = {
  model: 'Primary model',
  opusModel: 'Opus (/model opus)',
  sonnetModel: 'Sonnet (/model sonnet)',
  fableModel: 'Fable (/model fable)',
  smallFastModel: 'Fast model and Haiku (/model haiku)',
  override: 'Override',
};

/** One model to check: what it is for, and for an override the version it stands in for. */
export interface ModelToCheck {
  readonly role: ModelRole;
  readonly modelId: string;
  readonly version?: string;
  /** The role whose pin this one runs, having none of its own (fable, the Opus pin). */
  readonly follows?: PinnedRole;
}

/** Roles with no pin of their own, and the role whose pin each runs. */
export type Follows = Partial<Readonly<Record<PinnedRole, PinnedRole>>>;

/** Every model a developer can select: each pinned family given, and each override's profile. */
export function modelsToCheck(pins: Partial<Readonly<Record<PinnedRole, string>>>, overrides: Readonly<Record<string, string>> = {}, follows: Follows = {}): ModelToCheck[] {
  const pinned = PINNED_ROLES.flatMap((role) => (pins[role] ? [{ role, modelId: pins[role], ...(follows[role] ? { follows: follows[role] } : {}) }] : []));
  return [...pinned, ...Object.entries(overrides).map(([version, modelId]) => ({ role: 'override' as const, modelId, version }))];
}

/** The setting a check's fix changes: the role's own, or, for a role that follows another, that one's. */
export function fixRole(check: Pick<ModelCheck, 'role' | 'follows'>): ModelRole {
  return check.follows ?? check.role;
}

/** How a check is named to the user: "Opus (/model opus)", "Override for claude-opus-4-5". */
export function roleLabel(check: Pick<ModelCheck, 'role' | 'version'>): string {
  return check.role === 'override' ? `Override for ${check.version ?? 'a version'}` : ROLE_LABELS[check.role];
}

export type ModelStatus =
  | 'available'
  | 'unverified'
  | 'bareModelId'
  | 'notFound'
  | 'inactive'
  | 'notEntitled'
  | 'agreementMissing'
  | 'notAuthorized'
  | 'regionUnavailable'
  | 'accessDenied'
  | 'throttled'
  | 'error';

export type ModelFix =
  | { readonly kind: 'use'; readonly label: string; readonly value: string }
  | { readonly kind: 'choose'; readonly label: string }
  | { readonly kind: 'retry'; readonly label: string };

export interface ModelCheck {
  readonly role: ModelRole;
  /** The role whose pin this one runs (see ModelToCheck). */
  readonly follows?: PinnedRole;
  /** For an override: the Anthropic model ID it routes (claude-opus-4-5). */
  readonly version?: string;
  readonly modelId: string;
  readonly region: string;
  readonly status: ModelStatus;
  /** Whether Claude Code can use it (unverified counts: nothing says it cannot). */
  readonly usable: boolean;
  readonly profileArn: string | undefined;
  readonly profileName: string | undefined;
  readonly reason: string;
  readonly fix: ModelFix | undefined;
}

export interface ModelReport {
  readonly region: string;
  readonly checkedAt: number;
  readonly checks: readonly ModelCheck[];
  /** The ACTIVE Claude inference profiles the region offers (for Choose Models). */
  readonly profiles: readonly ProfileInfo[];
}

type ErrorKind = 'accessDenied' | 'throttled' | 'notFound' | 'unreachable' | 'error';

const KINDS: Partial<Record<FailureKind, ErrorKind>> = { accessDenied: 'accessDenied', throttled: 'throttled', notFound: 'notFound', unreachable: 'unreachable' };

/** Sorts a control-plane error by what it means for the user (through the one error table). */
export function classifyError(error: unknown): { kind: ErrorKind; code: string } {
  const failure = explain('bedrock', error);
  return { kind: KINDS[failure.kind] ?? 'error', code: failure.code ?? failure.kind };
}

/** "anthropic.claude-…": a foundation-model ID, which on-demand Bedrock refuses. */
export function isBareModelId(id: string): boolean {
  return /^anthropic\./.test(id);
}

/** The model ID inside a profile ID or a foundation-model ARN. */
export function foundationModelId(idOrArn: string): string {
  const fromArn = /foundation-model\/(.+)$/.exec(idOrArn)?.[1];
  if (fromArn) return fromArn;
  return idOrArn.replace(/^(us-gov|us|eu|apac|jp|au|ca|global)\./, '');
}

export function isClaudeProfile(profile: ProfileInfo): boolean {
  return profile.status === 'ACTIVE' && (profile.id.includes('anthropic.claude') || profile.modelArns.some((arn) => arn.includes('anthropic.claude')));
}

/**
 * The profile for the model a (bare, or foreign-geography) ID names, if the region offers one:
 * through the organisation's prefix (regionPrefix) or the region's geography, else global.
 */
export function suggestProfile(id: string, region: string, catalog: readonly ProfileInfo[], regionPrefix?: string): string | undefined {
  const model = foundationModelId(id);
  const preferred = `${profilePrefix(region, regionPrefix)}.${model}`;
  if (catalog.length === 0) return isBareModelId(id) ? preferred : undefined;
  return [preferred, `global.${model}`].find((candidate) => candidate !== id && catalog.some((p) => p.id === candidate));
}

function availabilityProblem(model: string, region: string, a: ModelAvailability): { status: ModelStatus; reason: string } | undefined {
  if (a.entitlement === 'NOT_AVAILABLE') {
    return {
      status: 'notEntitled',
      reason: `Your AWS account has no access to ${model} yet. Your platform team grants it on the Model access page of the Bedrock console.`,
    };
  }
  if (a.agreement !== 'AVAILABLE' && a.agreement !== 'UNKNOWN') {
    const detail = a.agreementMessage ? `: ${a.agreementMessage}` : '';
    return {
      status: 'agreementMissing',
      reason: `The model's agreement has not been accepted for your AWS account (${a.agreement}${detail}). Your platform team accepts it in the Bedrock console.`,
    };
  }
  if (a.authorization === 'NOT_AUTHORIZED') {
    return { status: 'notAuthorized', reason: `Your role is not allowed to use ${model}. Ask your platform team to allow it in the role's permissions.` };
  }
  if (a.region === 'NOT_AVAILABLE') {
    return { status: 'regionUnavailable', reason: `${model} is not offered in ${region}. Choose another model, or ask your platform team which region to use.` };
  }
  return undefined;
}

/** A check that could not be made: the status, the table's sentence, and the fix. */
function errorResult(error: unknown): { status: ModelStatus; reason: string; fix?: ModelFix } {
  const failure = explain('bedrock', error);
  const { kind } = classifyError(error);
  if (kind === 'accessDenied') return { status: 'accessDenied', reason: failure.message };
  return { status: kind === 'throttled' ? 'throttled' : 'error', reason: failure.message, fix: { kind: 'retry', label: 'Check Again' } };
}

export interface CheckInput {
  readonly region: string;
  /** The pinned models, by role. */
  readonly models: Partial<Readonly<Record<PinnedRole, string>>>;
  /** Claude Code's modelOverrides: Anthropic model ID to profile. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Roles with no pin of their own (their fix is the followed role's). */
  readonly follows?: Follows;
  /** The organisation's profile prefix (regionPrefix): what a fix suggests first. */
  readonly regionPrefix?: string;
  readonly control: Pick<BedrockControl, 'listProfiles' | 'getProfile' | 'availability'>;
  readonly now?: () => number;
}

export async function checkModels({ region, models, overrides, follows, regionPrefix, control, now = Date.now }: CheckInput): Promise<ModelReport> {
  let catalog: ProfileInfo[] = [];
  let catalogError: unknown;
  try {
    const [system, application] = await Promise.all([control.listProfiles('SYSTEM_DEFINED'), control.listProfiles('APPLICATION')]);
    catalog = [...system, ...application];
  } catch (error) {
    catalogError = error ?? new Error('no answer');
  }
  const catalogKind = catalogError === undefined ? undefined : classifyError(catalogError).kind;
  const availabilities = new Map<string, Promise<ModelAvailability>>();
  const availability = (modelId: string) => {
    if (!availabilities.has(modelId)) availabilities.set(modelId, control.availability(modelId));
    return availabilities.get(modelId)!;
  };

  async function checkOne({ role, modelId, version, follows: followed }: ModelToCheck): Promise<ModelCheck> {
    const base = { role, ...(version ? { version } : {}), ...(followed ? { follows: followed } : {}), modelId, region, profileArn: undefined, profileName: undefined, fix: undefined };
    if (isBareModelId(modelId)) {
      const suggestion = suggestProfile(modelId, region, catalog, regionPrefix);
      return {
        ...base,
        status: 'bareModelId',
        usable: false,
        reason: `"${modelId}" is a model ID, not an inference profile: on-demand Bedrock refuses it.${suggestion ? ` Use the inference profile "${suggestion}".` : ' Choose an inference profile instead.'}`,
        fix: suggestion ? { kind: 'use', label: `Use ${suggestion}`, value: suggestion } : { kind: 'choose', label: 'Choose Models' },
      };
    }
    // These hold for every call the check would make next: say so now rather than wait again.
    if (catalogKind === 'accessDenied' || catalogKind === 'throttled' || catalogKind === 'unreachable') {
      return { ...base, usable: false, ...errorResult(catalogError) };
    }
    let profile = catalog.find((p) => p.id === modelId || p.arn === modelId);
    if (!profile) {
      try {
        profile = await control.getProfile(modelId);
      } catch (error) {
        if (classifyError(error).kind !== 'notFound') return { ...base, usable: false, ...errorResult(error) };
        const suggestion = suggestProfile(modelId, region, catalog, regionPrefix);
        return {
          ...base,
          status: 'notFound',
          usable: false,
          reason: `There is no inference profile "${modelId}" in ${region}.${suggestion ? ` This region offers the same model as "${suggestion}".` : ''}`,
          fix: suggestion ? { kind: 'use', label: `Use ${suggestion}`, value: suggestion } : { kind: 'choose', label: 'Choose Models' },
        };
      }
    }
    const found = { ...base, profileArn: profile.arn, profileName: profile.name };
    if (profile.status !== 'ACTIVE') {
      return { ...found, status: 'inactive', usable: false, reason: `The inference profile is ${profile.status}, not ACTIVE.`, fix: { kind: 'choose', label: 'Choose Models' } };
    }
    const underlying = [...new Set(profile.modelArns.map(foundationModelId))][0] ?? foundationModelId(modelId);
    try {
      const problem = availabilityProblem(underlying, region, await availability(underlying));
      if (problem) return { ...found, ...problem, usable: false, fix: problem.status === 'regionUnavailable' ? { kind: 'choose', label: 'Choose Models' } : undefined };
    } catch (error) {
      const { kind, code } = classifyError(error);
      if (kind === 'throttled' || kind === 'unreachable' || kind === 'error') return { ...found, usable: false, ...errorResult(error) };
      return {
        ...found,
        status: 'unverified',
        usable: true,
        reason: `The inference profile is active in ${region}; whether your account may use ${underlying} could not be checked (${code}).`,
      };
    }
    return { ...found, status: 'available', usable: true, reason: `Available in ${region}: the profile is active and your account may use ${underlying}.` };
  }

  // An override routes to a profile the settings name; a setting can take another value only for a pin.
  const checks = (await Promise.all(modelsToCheck(models, overrides, follows).map(checkOne))).map((c) => (c.role === 'override' && c.fix?.kind === 'use' ? { ...c, fix: undefined } : c));
  return { region, checkedAt: now(), checks, profiles: catalog.filter(isClaudeProfile) };
}
