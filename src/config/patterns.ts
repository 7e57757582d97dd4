// Patterns several settings share. Pure.

/** An AWS region, as settings spell it. */
export const REGION = { pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', example: 'an AWS region like us-east-1' };

/** A model as Claude Code's settings name it: an alias, a version prefix, a model or profile ID. */
export const MODEL_NAME = { pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$', example: 'a model alias (opus, sonnet, haiku), a version prefix or a model ID' };

/** A model as Anthropic names it, the key of Claude Code's modelOverrides: claude-opus-4-5. */
export const ANTHROPIC_MODEL_ID = { pattern: '^claude-[a-z0-9.-]+$', example: 'an Anthropic model ID like claude-opus-4-5' };

/** An inference profile's ARN (application or system-defined). */
export const PROFILE_ARN = { pattern: '^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:[0-9]{12}:(application-inference-profile|inference-profile)/[A-Za-z0-9.:-]+$', example: 'an inference profile ARN' };
