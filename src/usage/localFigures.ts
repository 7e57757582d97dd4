// This machine's figures from Claude Code's session records (records.ts): today, the last hour,
// by day, by model, by project and by session, the prompt cache's hit rate and what it saved.
// Sums are kept per model (so a change of prices or of what an application profile routes to
// prices them again), never the records themselves; each API answer is counted once by its key,
// kept as a compact hash. What `figures` returns is plain data, small enough to share between
// windows. Pure.
import { costOf, priceOf, type Price, type PriceOverrides } from './prices';
import { NO_TOKENS, type CostRecord, type ParsedLine, type Tokens, type UsageRecord } from './records';
import { addTo, hashKey, localDate, plus, type ByModel } from './sums';

export interface Totals {
  readonly tokens: Tokens;
  readonly requests: number;
  /** USD, of the requests with a known price. */
  readonly cost: number;
  /** Requests whose model has no known price: not in `cost`. */
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
  /** Claude Code's own figure for the session (its newest running total). */
  readonly claudeCost: number | undefined;
  readonly lastHourCost: number;
}

export interface LocalFigures {
  /** When the newest record counted was written. */
  readonly newest: number | undefined;
  readonly today: Totals;
  /** The hour before now: the burn rate. */
  readonly lastHour: Totals;
  /** Days with records, the last 31, oldest first. */
  readonly days: readonly { readonly day: string; readonly totals: Totals }[];
  /** This month, most cost first. */
  readonly models: readonly { readonly model: string; readonly totals: Totals }[];
  /** This month, most cost first, the top 20. */
  readonly projects: readonly { readonly project: string; readonly totals: Totals; readonly sessions: number }[];
  /** The most recent first, the top 50. */
  readonly sessions: readonly SessionFigures[];
  readonly cache: {
    /** Of the input this month, the share read from the cache. */
    readonly hitRate: number | undefined;
    /** USD saved this month: cache reads at the input price less their own, less the premium paid for cache writes. */
    readonly saved: number;
  };
  readonly unpricedModels: readonly string[];
}

export interface TallyOptions {
  /** The model an application inference-profile ARN routes to. */
  readonly resolve?: (model: string) => string;
  readonly overrides?: PriceOverrides;
  /** YYYY-MM-DD of a time: this machine's calendar unless said. */
  readonly dayOf?: (at: number) => string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAYS_KEPT = 31;
const TOP_SESSIONS = 50;
const TOP_PROJECTS = 20;

interface SessionState {
  project: string;
  branch: string | undefined;
  start: number;
  last: number;
  readonly byModel: ByModel;
  cost: CostRecord | undefined;
}

export class Tally {
  private options: TallyOptions;
  private readonly seen = new Set<number>();
  private readonly days = new Map<string, ByModel>();
  private readonly sessions = new Map<string, SessionState>();
  /** Per month (YYYY-MM), per project: its sums and its sessions. */
  private readonly projects = new Map<string, Map<string, { byModel: ByModel; sessions: Set<string> }>>();
  /** Per minute, per session: the two hours before the newest answer, enough for "the last hour" at any now after it. */
  private readonly recent = new Map<number, Map<string, ByModel>>();
  private newest: number | undefined;
  private countedAnswers = 0;
  private duplicateAnswers = 0;

  constructor(options: TallyOptions = {}) {
    this.options = options;
  }

  /** Answers counted, and records of an answer already counted. */
  get counted(): number {
    return this.countedAnswers;
  }

  get duplicates(): number {
    return this.duplicateAnswers;
  }

  /** True (and counted as a duplicate) when the answer with this key is counted already. */
  alreadyCounted(key: string): boolean {
    if (!this.seen.has(hashKey(key))) return false;
    this.duplicateAnswers++;
    return true;
  }

  /** New prices or routes: the same sums, priced again at the next `figures`. */
  setOptions(options: TallyOptions): void {
    this.options = options;
  }

  add(line: ParsedLine): void {
    if (line.kind === 'usage') this.addUsage(line.usage);
    else if (line.kind === 'cost') this.addCost(line.cost);
  }

  private dayOf(at: number): string {
    return (this.options.dayOf ?? localDate)(at);
  }

  private addUsage(record: UsageRecord): void {
    if (record.key !== undefined) {
      const hash = hashKey(record.key);
      if (this.seen.has(hash)) {
        this.duplicateAnswers++;
        return;
      }
      this.seen.add(hash);
    }
    this.countedAnswers++;
    const day = this.dayOf(record.at);
    let byModel = this.days.get(day);
    if (!byModel) this.days.set(day, (byModel = new Map()));
    addTo(byModel, record.model, record.tokens);

    const session = this.sessionOf(record.sessionId, record.at);
    if (record.project) session.project = record.project;
    if (record.branch) session.branch = record.branch;
    session.start = Math.min(session.start, record.at);
    session.last = Math.max(session.last, record.at);
    addTo(session.byModel, record.model, record.tokens);

    const month = day.slice(0, 7);
    let monthProjects = this.projects.get(month);
    if (!monthProjects) this.projects.set(month, (monthProjects = new Map()));
    const projectKey = session.project || record.project;
    let project = monthProjects.get(projectKey);
    if (!project) monthProjects.set(projectKey, (project = { byModel: new Map(), sessions: new Set() }));
    addTo(project.byModel, record.model, record.tokens);
    project.sessions.add(record.sessionId);

    const newest = Math.max(this.newest ?? record.at, record.at);
    if (newest !== this.newest) {
      this.newest = newest;
      for (const minute of this.recent.keys()) if ((minute + 1) * MINUTE_MS <= newest - 2 * HOUR_MS) this.recent.delete(minute);
    }
    if (record.at > newest - 2 * HOUR_MS) {
      const minute = Math.floor(record.at / MINUTE_MS);
      let sessions = this.recent.get(minute);
      if (!sessions) this.recent.set(minute, (sessions = new Map()));
      let byModel = sessions.get(record.sessionId);
      if (!byModel) sessions.set(record.sessionId, (byModel = new Map()));
      addTo(byModel, record.model, record.tokens);
    }
  }

  private addCost(cost: CostRecord): void {
    const session = this.sessionOf(cost.sessionId, cost.at ?? Number.MAX_SAFE_INTEGER);
    // Claude Code's running total: the newest wins (a record without a time, the later line).
    if (!session.cost || (cost.at ?? Infinity) >= (session.cost.at ?? -Infinity)) session.cost = cost;
  }

  private sessionOf(id: string, at: number): SessionState {
    let session = this.sessions.get(id);
    if (!session) this.sessions.set(id, (session = { project: '', branch: undefined, start: at, last: Number.isFinite(at) && at !== Number.MAX_SAFE_INTEGER ? at : 0, byModel: new Map(), cost: undefined }));
    return session;
  }

  private priceOf(model: string): Price | undefined {
    const resolved = this.options.resolve ? this.options.resolve(model) : model;
    return priceOf(resolved, this.options.overrides);
  }

  /** Totals of per-model sums, priced; models without a price are noted in `unpriced`. */
  private totals(byModels: Iterable<ByModel>, unpricedModels: Set<string>): Totals {
    let tokens = NO_TOKENS;
    let requests = 0;
    let cost = 0;
    let unpriced = 0;
    for (const byModel of byModels) {
      for (const [model, sums] of byModel) {
        tokens = plus(tokens, sums.tokens);
        requests += sums.requests;
        const price = this.priceOf(model);
        if (price) cost += costOf(sums.tokens, price);
        else {
          unpriced += sums.requests;
          unpricedModels.add(model);
        }
      }
    }
    return { tokens, requests, cost, unpriced };
  }

  figures(now: number): LocalFigures {
    const unpricedModels = new Set<string>();
    const today = this.dayOf(now);
    const month = today.slice(0, 7);
    const dayKeys = [...this.days.keys()].filter((d) => d <= today).sort().slice(-DAYS_KEPT);
    const monthDays = [...this.days.entries()].filter(([d]) => d.slice(0, 7) === month).map(([, byModel]) => byModel);

    const monthByModel: ByModel = new Map();
    for (const byModel of monthDays) for (const [model, sums] of byModel) addTo(monthByModel, model, sums.tokens, sums.requests);
    const models = [...monthByModel.entries()].map(([model, sums]) => ({ model, totals: this.totals([new Map([[model, sums]])], unpricedModels) })).sort((a, b) => b.totals.cost - a.totals.cost || b.totals.requests - a.totals.requests);

    // The minutes that began within the hour before now.
    const inLastHour = [...this.recent.entries()].filter(([minute]) => minute * MINUTE_MS > now - HOUR_MS && minute * MINUTE_MS <= now).map(([, sessions]) => sessions);
    const lastHourBy = (session?: string): ByModel => {
      const byModel: ByModel = new Map();
      for (const sessions of inLastHour) {
        for (const [id, sums] of sessions) if (session === undefined || id === session) for (const [model, s] of sums) addTo(byModel, model, s.tokens, s.requests);
      }
      return byModel;
    };

    const sessions = [...this.sessions.entries()]
      .filter(([, s]) => s.byModel.size > 0)
      .sort((a, b) => b[1].last - a[1].last)
      .slice(0, TOP_SESSIONS)
      .map(([id, s]): SessionFigures => ({
        id,
        project: s.project,
        branch: s.branch,
        models: [...s.byModel.keys()],
        start: s.start,
        last: s.last,
        totals: this.totals([s.byModel], unpricedModels),
        linesAdded: s.cost?.linesAdded,
        linesRemoved: s.cost?.linesRemoved,
        claudeCost: s.cost?.totalCostUSD,
        lastHourCost: this.totals([lastHourBy(id)], unpricedModels).cost,
      }));

    const projects = [...(this.projects.get(month) ?? new Map<string, { byModel: ByModel; sessions: Set<string> }>()).entries()]
      .map(([project, p]) => ({ project, totals: this.totals([p.byModel], unpricedModels), sessions: p.sessions.size }))
      .sort((a, b) => b.totals.cost - a.totals.cost || b.totals.requests - a.totals.requests)
      .slice(0, TOP_PROJECTS);

    return {
      newest: this.newest,
      today: this.totals(this.days.has(today) ? [this.days.get(today)!] : [], unpricedModels),
      lastHour: this.totals([lastHourBy()], unpricedModels),
      days: dayKeys.map((day) => ({ day, totals: this.totals([this.days.get(day)!], unpricedModels) })),
      models,
      projects,
      sessions,
      cache: this.cache(monthByModel),
      unpricedModels: [...unpricedModels].sort(),
    };
  }

  /** The month's prompt cache: the share of input read from it, and what it saved at each model's price. */
  private cache(monthByModel: ByModel): LocalFigures['cache'] {
    let read = 0;
    let input = 0;
    let saved = 0;
    for (const [model, { tokens }] of monthByModel) {
      const written = tokens.cacheWrite5m + tokens.cacheWrite1h;
      read += tokens.cacheRead;
      input += tokens.input + tokens.cacheRead + written;
      const price = this.priceOf(model);
      if (!price) continue;
      saved += (tokens.cacheRead * (price.input - price.cacheRead) - tokens.cacheWrite5m * (price.cacheWrite5m - price.input) - tokens.cacheWrite1h * (price.cacheWrite1h - price.input)) / 1_000_000;
    }
    return { hitRate: input > 0 ? read / input : undefined, saved };
  }
}
