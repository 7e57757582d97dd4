// What package.json's `contributes.configuration` and the organisation defaults' JSON schema say,
// generated from the settings table. `npm run settings` writes both; a unit test checks that
// the files hold exactly this. Pure.
import { SECTION, type Setting } from './rules';
import { SETTINGS } from './settings';

/** Markdown without its code marks, for plain-text descriptions. */
function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}

function optionalPattern(pattern: string): string {
  return `^$|${pattern}`;
}

/** One setting as package.json contributes it. */
export function contributed(setting: Setting<unknown>): Record<string, unknown> {
  const { schema } = setting;
  return {
    scope: 'machine',
    type: schema.type,
    default: schema.default,
    ...(schema.enum ? { enum: schema.enum } : {}),
    ...(schema.type === 'array' && schema.items ? { items: schema.items } : {}),
    ...(schema.type === 'object' && schema.items ? { additionalProperties: schema.items } : {}),
    ...(setting.enumDescriptions ? { enumDescriptions: setting.enumDescriptions } : {}),
    ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
    ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
    // The Settings editor's check: an empty value is the default, not an error.
    ...(schema.pattern ? { pattern: optionalPattern(schema.pattern), patternErrorMessage: `Must be ${schema.expected ?? 'as described'}.` } : {}),
    order: setting.order,
    markdownDescription: setting.description,
  };
}

/** package.json's `contributes.configuration.properties`. */
export function contributedProperties(settings: readonly Setting<unknown>[] = SETTINGS): Record<string, Record<string, unknown>> {
  return Object.fromEntries(settings.map((s) => [`${SECTION}.${s.key}`, contributed(s)]));
}

/** The JSON schema organisation defaults are checked against at packaging (esbuild.mjs). */
export function orgDefaultsSchema(settings: readonly Setting<unknown>[] = SETTINGS): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const setting of settings) {
    const { schema } = setting;
    properties[setting.key] = {
      type: schema.type,
      description: plain(setting.description),
      ...(schema.enum ? { enum: schema.enum } : {}),
      ...(schema.type === 'array' && schema.items ? { items: schema.items } : {}),
      ...(schema.type === 'object' && schema.items ? { additionalProperties: schema.items } : {}),
      ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
      ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
      ...(schema.pattern ? { pattern: schema.required ? schema.pattern : optionalPattern(schema.pattern) } : {}),
      ...(schema.required ? { minLength: 1 } : {}),
      ...(schema.expected ? { 'x-expected': schema.expected } : {}),
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'claude-bedrock/org-defaults.schema.json',
    title: 'Organisation defaults for Claude Code on Amazon Bedrock',
    description:
      "What a platform team bakes into its package (CLAUDE_BEDROCK_ORG_DEFAULTS=file npm run package). Keys are the extension's settings without the claudeBedrock. prefix; a user's own setting still wins where its scope allows. Generated from src/config/settings.ts (npm run settings).",
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
