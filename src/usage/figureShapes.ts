// The shapes of this machine's usage figures (localFigures.ts makes them): JSON-serialisable,
// as they cross the windows' channel.
import type { PriceOverrides } from './prices';
import type { Tokens } from './records';

export interface Totals {
  readonly tokens: Tokens;
  readonly requests: number;
  /** USD, priced requests only. */
  readonly cost: number;
  /** Requests whose model has no price. */
  readonly unpriced: number;
}

export interface SessionFigures {
  readonly id: string;
  readonly project: string;
  readonly branch: string | undefined;
  readonly models: readonly string[];
  readonly start: number;
  readonly last: number;
  readonly totals: Totals;
  readonly linesAdded: number | undefined;
  readonly linesRemoved: number | undefined;
  /** Claude Code's own totalCostUSD, from the newest cost-state. */
  readonly claudeCost: number | undefined;
  readonly lastHourCost: number;
}

export interface LocalFigures {
  readonly newest: number | undefined;
  readonly today: Totals;
  readonly lastHour: Totals;
  readonly days: readonly { readonly day: string; readonly totals: Totals }[];
  readonly models: readonly { readonly model: string; readonly totals: Totals }[];
  readonly projects: readonly { readonly project: string; readonly totals: Totals; readonly sessions: number }[];
  readonly sessions: readonly SessionFigures[];
  readonly cache: { readonly hitRate: number | undefined; readonly saved: number };
  readonly unpricedModels: readonly string[];
}

export interface TallyOptions {
  /** Application-profile ARN -> the model it routes to. */
  readonly resolve?: (model: string) => string;
  readonly overrides?: PriceOverrides;
  /** Default: the local date, YYYY-MM-DD. */
  readonly dayOf?: (at: number) => string;
}
