// The models Claude Code may run and what a platform team sets to keep them and their cost in
// hand: a pin for every model a developer can select, the /model picker's list, overrides to
// application inference profiles, and the cost levers. Read from the one table (settings.ts). Pure.
import type { Setting } from './rules';
import * as s from './settings';

/** Reads one setting, checked (groups.ts's reader). */
type Read = <T>(setting: Setting<T>) => T;

/** The model IDs Claude Code on Bedrock defaults to, as cross-region inference profiles. */
export const DEFAULT_MODELS = {
  model: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  smallFastModel: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  opusModel: 'anthropic.claude-opus-4-6-v1',
  sonnetModel: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
} as const;

/** Every model a developer can select in Claude Code, each pinned: the primary, and each family. */
export interface ModelPins {
  /** Primary model (ANTHROPIC_MODEL): an inference profile ID or ARN. */
  readonly model: string;
  /** The fast model Claude Code uses for small tasks, and `haiku` (ANTHROPIC_DEFAULT_HAIKU_MODEL). */
  readonly smallFastModel: string;
  /** `opus` (ANTHROPIC_DEFAULT_OPUS_MODEL). */
  readonly opusModel: string;
  /** `sonnet` (ANTHROPIC_DEFAULT_SONNET_MODEL). */
  readonly sonnetModel: string;
  /** `fable` (ANTHROPIC_DEFAULT_FABLE_MODEL): unpinned, a tier above Opus; by default the Opus pin. */
  readonly fableModel: string;
  /** Whether fable has no pin of its own and runs the Opus pin (a fix for it is a fix for Opus). */
  readonly fableFollowsOpus: boolean;
}

/** What the platform team sets to keep Claude Code's models and their cost in hand. */
export interface ModelPolicy {
  /** What the /model picker offers (Claude Code's availableModels); empty: its own list. */
  readonly availableModels: readonly string[];
  /** Model versions routed to application inference profiles (Claude Code's modelOverrides). */
  readonly modelOverrides: Readonly<Record<string, string>>;
  readonly promptCaching: '5m' | '1h' | 'off';
  readonly serviceTier: 'default' | 'flex' | 'priority';
  /** ANTHROPIC_BEDROCK_REGION_PREFIX; undefined: Claude Code's choice. */
  readonly regionPrefix: string | undefined;
  /** The 1M-token context for the primary model. */
  readonly longContext: boolean;
}

/** The inference-profile geography prefix for a region: us-gov., us., eu., apac., else global. */
export function geographyPrefix(region: string): 'us-gov' | 'us' | 'eu' | 'apac' | 'global' {
  if (/^us-gov-/.test(region)) return 'us-gov';
  if (/^(us|ca)-/.test(region)) return 'us';
  if (/^eu-/.test(region)) return 'eu';
  if (/^ap-/.test(region)) return 'apac';
  return 'global';
}

/**
 * The profile prefix Claude's default models go through: the organisation's (regionPrefix), else
 * the region's geography. GovCloud has only its own profiles, whatever the setting says.
 */
export function profilePrefix(region: string, regionPrefix: string | undefined): string {
  const geography = geographyPrefix(region);
  return geography === 'us-gov' ? geography : regionPrefix || geography;
}

/** The models to use: the settings, else Claude's defaults through the profiles of profilePrefix. */
export function pinsFor(region: string, read: Read): ModelPins {
  const prefix = profilePrefix(region, read(s.regionPrefix));
  const pin = (value: string, role: keyof typeof DEFAULT_MODELS) => value || `${prefix}.${DEFAULT_MODELS[role]}`;
  const opusModel = pin(read(s.opusModel), 'opusModel');
  return {
    model: pin(read(s.model), 'model'),
    smallFastModel: pin(read(s.smallFastModel), 'smallFastModel'),
    opusModel,
    sonnetModel: pin(read(s.sonnetModel), 'sonnetModel'),
    fableModel: read(s.fableModel) || opusModel,
    fableFollowsOpus: !read(s.fableModel),
  };
}

export function policyFrom(read: Read): ModelPolicy {
  return {
    availableModels: read(s.availableModels),
    modelOverrides: read(s.modelOverrides),
    promptCaching: read(s.promptCaching),
    serviceTier: read(s.serviceTier),
    regionPrefix: read(s.regionPrefix) || undefined,
    longContext: read(s.longContext) === 'on',
  };
}

