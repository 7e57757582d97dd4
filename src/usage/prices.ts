// Amazon Bedrock's on-demand list prices for the Claude models, in USD per million tokens, and the
// cost of a request's tokens at them. One table; pure.
//
// As of 2026-12-05. Sources: Amazon Bedrock's pricing page (aws.amazon.com/bedrock/pricing), its
// user guide on global cross-Region inference, and Anthropic's model pricing page, whose per-model
// list prices Bedrock matches for the Claude models:
// - Opus 4.5, 4.6, 4.7, 4.8 and Opus 5: $5 in / $25 out. Opus 5.5: $4 / $20, cache reads 0.05x
//   input. Opus 4 and 4.1, Opus 3: $15 / $75. Sonnet 3.x and 4.x: $3 / $15. Sonnet 5 and 5.5:
//   $2 / $10. Haiku 4.5: $1 / $5. Haiku 3.5: $0.80 / $4. Haiku 3: $0.25 / $1.25.
// - Fable 5 and 5.1: $10 / $50 (5.1's cache reads $0.25); Fable 5.2: $8 / $40, cache reads $0.20:
//   Claude Code 2.1.330's own price table (its model catalog), in the absence of a Bedrock page
//   for them; assumed, like the other new models, 10% above global on geographic profiles.
// - Prompt caching: a 5-minute cache write costs 1.25x input, a 1-hour write 2x input, a cache read
//   0.1x input (except where the table says otherwise).
// - Global vs geographic: the user guide says global cross-Region inference for the Claude models
//   from Sonnet 4.5 on costs about 10% less than geographic (us., eu., apac., jp., au.) profiles;
//   Bedrock lists the global price as the base and geographic and in-Region use 10% above it. For
//   those models a global. profile is priced at the table and anything else (a geographic profile,
//   a foundation-model ID or ARN) at 1.1x. Older models cost the same everywhere.
// - Not modelled: long-context (over 200K input tokens) rates, batch, provisioned throughput,
//   the flex and priority service tiers, and regions whose prices differ from us-east-1. Haiku 5.5
//   is left out (price unknown): its rates step up fivefold past 100K prompt tokens, per request.
// Claude Code prices the same requests itself (cost-state's totalCostUSD) at the base price
// whatever the profile, so for a geographic profile our figure is 10% above its own.
import type { Tokens } from './records';

/** USD per million tokens. */
export interface Price {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export const PRICES_AS_OF = '2026-12-05';
export const PRICES_SOURCE = 'Amazon Bedrock on-demand pricing (aws.amazon.com/bedrock/pricing) for the Anthropic Claude models, us-east-1, global cross-Region inference as the base, geographic and in-Region profiles 10% above it for models from Sonnet 4.5 on';

/** Key: a model family/ID substring as in the table (for example "claude-sonnet-4-5"). */
export type PriceOverrides = Readonly<Record<string, Partial<Price>>>;

/** What geographic and in-Region use costs over global, for the models that have both prices. */
export const GEOGRAPHIC_PREMIUM = 1.1;

interface TableRow {
  readonly input: number;
  readonly output: number;
  /** Cache read as a share of input, when not the usual 0.1. */
  readonly readShare?: number;
  /** A 5-minute cache write as a share of input, when not the usual 1.25. */
  readonly write5mShare?: number;
  /** Whether geographic profiles cost GEOGRAPHIC_PREMIUM times the global price. */
  readonly globalDiscount: boolean;
}

/** Model names as they are once the profile prefix, "anthropic.", the date and the version are gone. */
const TABLE: Readonly<Record<string, TableRow>> = {
  'claude-fable-5-2': { input: 8, output: 40, readShare: 0.025, globalDiscount: true },
  'claude-fable-5-1': { input: 10, output: 50, readShare: 0.025, globalDiscount: true },
  'claude-fable-5': { input: 10, output: 50, globalDiscount: true },
  'claude-opus-5-5': { input: 4, output: 20, readShare: 0.05, globalDiscount: true },
  'claude-opus-5': { input: 5, output: 25, globalDiscount: true },
  'claude-opus-4-8': { input: 5, output: 25, globalDiscount: true },
  'claude-opus-4-7': { input: 5, output: 25, globalDiscount: true },
  'claude-opus-4-6': { input: 5, output: 25, globalDiscount: true },
  'claude-opus-4-5': { input: 5, output: 25, globalDiscount: true },
  'claude-opus-4-1': { input: 15, output: 75, globalDiscount: false },
  'claude-opus-4': { input: 15, output: 75, globalDiscount: false },
  'claude-sonnet-5-5': { input: 2, output: 10, globalDiscount: true },
  'claude-sonnet-5': { input: 2, output: 10, globalDiscount: true },
  'claude-sonnet-4-6': { input: 3, output: 15, globalDiscount: true },
  'claude-sonnet-4-5': { input: 3, output: 15, globalDiscount: true },
  'claude-sonnet-4': { input: 3, output: 15, globalDiscount: false },
  'claude-haiku-4-5': { input: 1, output: 5, globalDiscount: true },
  'claude-3-7-sonnet': { input: 3, output: 15, globalDiscount: false },
  'claude-3-5-sonnet': { input: 3, output: 15, globalDiscount: false },
  'claude-3-5-haiku': { input: 0.8, output: 4, globalDiscount: false },
  'claude-3-opus': { input: 15, output: 75, globalDiscount: false },
  'claude-3-sonnet': { input: 3, output: 15, globalDiscount: false },
  'claude-3-haiku': { input: 0.25, output: 1.25, readShare: 0.12, write5mShare: 1.2, globalDiscount: false },
};

const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/** The last part of an ARN (after "foundation-model/" or "inference-profile/"), or the ID itself. */
function idOf(model: string): string {
  if (!model.startsWith('arn:')) return model;
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(slash + 1);
}

/** Whether the ID is an application inference profile's, which only the caller can resolve. */
function isApplicationProfile(model: string): boolean {
  return model.startsWith('arn:') && model.includes(':application-inference-profile/');
}

/** "us.anthropic.claude-sonnet-4-5-20250929-v1:0" -> "claude-sonnet-4-5". */
export function modelFamily(model: string): string {
  return idOf(model.trim().toLowerCase())
    .replace(PROFILE_PREFIX, '')
    .replace(/^anthropic\./, '')
    .replace(/\[[^\]]*\]$/, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-latest$/, '');
}

function isGlobal(model: string): boolean {
  return idOf(model.trim().toLowerCase()).startsWith('global.');
}

/** Prices to a billionth of a dollar per million tokens, without binary fractions' noise. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function priceFromRow(row: TableRow, factor: number): Price {
  const input = row.input * factor;
  return {
    input: round(input),
    output: round(row.output * factor),
    cacheWrite5m: round(input * (row.write5mShare ?? 1.25)),
    cacheWrite1h: round(input * 2),
    cacheRead: round(input * (row.readShare ?? 0.1)),
  };
}

/** The override that applies to a model: the longest key its family or ID contains. */
function overrideFor(model: string, family: string, overrides: PriceOverrides | undefined): Partial<Price> | undefined {
  if (!overrides) return undefined;
  const lower = model.toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(overrides)) {
    const k = key.trim().toLowerCase();
    if (!k || !(family === k || family.includes(k) || lower.includes(k))) continue;
    if (best === undefined || k.length > best.length) best = key;
  }
  return best === undefined ? undefined : overrides[best];
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** An override over the table's price; for a model the table lacks, input and output are needed. */
function applyOverride(base: Price | undefined, override: Partial<Price>): Price | undefined {
  const input = finite(override.input) ?? base?.input;
  const output = finite(override.output) ?? base?.output;
  if (input === undefined || output === undefined) return base;
  return {
    input,
    output,
    cacheWrite5m: finite(override.cacheWrite5m) ?? (base && finite(override.input) === undefined ? base.cacheWrite5m : input * 1.25),
    cacheWrite1h: finite(override.cacheWrite1h) ?? (base && finite(override.input) === undefined ? base.cacheWrite1h : input * 2),
    cacheRead: finite(override.cacheRead) ?? (base && finite(override.input) === undefined ? base.cacheRead : input * 0.1),
  };
}

/**
 * The price of a Bedrock model ID, system inference-profile ID, or foundation-model or
 * inference-profile ARN; undefined for a model the table does not know (never 0), including an
 * application inference-profile ARN (the caller resolves it to its model first). An override
 * states what is charged: it replaces the fields it names, after the geographic premium.
 */
export function priceOf(model: string, overrides?: PriceOverrides): Price | undefined {
  if (!model || isApplicationProfile(model)) return undefined;
  const family = modelFamily(model);
  const row = Object.prototype.hasOwnProperty.call(TABLE, family) ? TABLE[family] : undefined;
  const base = row ? priceFromRow(row, row.globalDiscount && !isGlobal(model) ? GEOGRAPHIC_PREMIUM : 1) : undefined;
  const override = overrideFor(model, family, overrides);
  return override ? applyOverride(base, override) : base;
}

/** USD for the tokens at the price. */
export function costOf(tokens: Tokens, price: Price): number {
  return (
    (tokens.input * price.input +
      tokens.output * price.output +
      tokens.cacheWrite5m * price.cacheWrite5m +
      tokens.cacheWrite1h * price.cacheWrite1h +
      tokens.cacheRead * price.cacheRead) /
    1_000_000
  );
}
