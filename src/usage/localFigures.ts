// The usage figures of this machine, from Claude Code's session records: today, the last hour, by
// day, model, project and session, the cache's hit rate and savings. Keeps sums per model (by
// day and project, by session, by minute for the last hours), never the records, so it can be
// re-priced when the prices or the profile resolution change. The snapshot is small and
// JSON-serialisable (it crosses the windows' channel). Pure.
import type { LocalFigures, SessionFigures, TallyOptions, Totals } from './figureShapes';
import { costOf, priceOf, type Price } from './prices';
import type { CostRecord, ParsedLine, UsageRecord } from './records';
import { addTo, hashKey, localDay, shownPath, Sums, type ByModel } from './tallySums';

export { hashKey, localDay } from './tallySums';
export type { LocalFigures, SessionFigures, TallyOptions, Totals } from './figureShapes';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Minute sums are kept this far behind the newest record (the last hour, with room). */
const MINUTES_KEPT_MS = 2 * HOUR_MS;
const DAYS_SHOWN = 31;
const PROJECTS_SHOWN = 20;
const SESSIONS_SHOWN = 50;

interface SessionState {
  readonly id: string;
  project: string;
  branch: string | undefined;
  start: number;
  last: number;
  readonly byModel: ByModel;
  /** The days it has records on. */
  readonly days: Set<string>;
}

interface CostState {
  readonly cost: CostRecord;
  readonly order: number;
}

/** Adds what each line says, once per API answer; figures(now) prices and summarises it. */
export class Tally {
  private options: TallyOptions;
  private readonly seen = new Set<number>();
  /** day -> project -> model -> sums. */
  private readonly byDay = new Map<string, Map<string, ByModel>>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly costs = new Map<string, CostState>();
  /** minute (epoch ms / 60000) -> session -> model -> sums, for the newest two hours. */
  private readonly minutes = new Map<number, Map<string, ByModel>>();
  /** The model the answer named, per requested model: a price when the requested one has none. */
  private readonly answered = new Map<string, string>();
  private readonly priceCache = new Map<string, Price | undefined>();
  private newest: number | undefined;
  private costOrder = 0;
  private countedLines = 0;
  private duplicateLines = 0;

  constructor(options: TallyOptions = {}) {
    this.options = options;
  }

  get counted(): number {
    return this.countedLines;
  }

  get duplicates(): number {
    return this.duplicateLines;
  }

  add(line: ParsedLine): void {
    if (line.kind === 'usage') this.addUsage(line.usage);
    else if (line.kind === 'cost') this.addCost(line.cost);
  }

  /** New prices or profile resolution: the next figures are priced with them. dayOf stays as constructed. */
  setOptions(options: TallyOptions): void {
    this.options = { ...options, dayOf: this.options.dayOf };
    this.priceCache.clear();
  }

  private dayOf(at: number): string {
    return (this.options.dayOf ?? localDay)(at);
  }

  private addUsage(usage: UsageRecord): void {
    if (usage.key !== undefined) {
      const hash = hashKey(usage.key);
      if (this.seen.has(hash)) {
        this.duplicateLines++;
        return;
      }
      this.seen.add(hash);
    }
    this.countedLines++;
    if (usage.answeredModel && !this.answered.has(usage.model)) this.answered.set(usage.model, usage.answeredModel);
    const day = this.dayOf(usage.at);
    const project = shownPath(usage.project);
    let projects = this.byDay.get(day);
    if (!projects) this.byDay.set(day, (projects = new Map()));
    let byModel = projects.get(project);
    if (!byModel) projects.set(project, (byModel = new Map()));
    addTo(byModel, usage.model, usage.tokens);
    this.addToSession(usage, project, day);
    this.addToMinutes(usage);
  }

  private addToSession(usage: UsageRecord, project: string, day: string): void {
    let session = this.sessions.get(usage.sessionId);
    if (!session) {
      session = { id: usage.sessionId, project, branch: usage.branch, start: usage.at, last: usage.at, byModel: new Map(), days: new Set() };
      this.sessions.set(usage.sessionId, session);
    }
    if (usage.at < session.start) session.start = usage.at;
    if (usage.at >= session.last) {
      session.last = usage.at;
      if (project) session.project = project;
      if (usage.branch !== undefined) session.branch = usage.branch;
    }
    session.days.add(day);
    addTo(session.byModel, usage.model, usage.tokens);
  }

  private addToMinutes(usage: UsageRecord): void {
    if (this.newest === undefined || usage.at > this.newest) {
      this.newest = usage.at;
      this.pruneMinutes();
    }
    if (usage.at < this.newest - MINUTES_KEPT_MS) return;
    const minute = Math.floor(usage.at / MINUTE_MS);
    let bySession = this.minutes.get(minute);
    if (!bySession) this.minutes.set(minute, (bySession = new Map()));
    let byModel = bySession.get(usage.sessionId);
    if (!byModel) bySession.set(usage.sessionId, (byModel = new Map()));
    addTo(byModel, usage.model, usage.tokens);
  }

  private pruneMinutes(): void {
    const oldest = Math.floor(((this.newest ?? 0) - MINUTES_KEPT_MS) / MINUTE_MS);
    for (const minute of this.minutes.keys()) if (minute < oldest) this.minutes.delete(minute);
  }

  /** The newest cost-state wins: by its time when both have one, else the one read last. */
  private addCost(cost: CostRecord): void {
    const order = ++this.costOrder;
    const known = this.costs.get(cost.sessionId);
    if (known && known.cost.at !== undefined && cost.at !== undefined && cost.at < known.cost.at) return;
    this.costs.set(cost.sessionId, { cost, order });
  }

  /** The price of a model as recorded: resolved, then the answered model's when it has none. */
  private priceFor(model: string): Price | undefined {
    if (this.priceCache.has(model)) return this.priceCache.get(model);
    const resolved = this.options.resolve ? this.options.resolve(model) : model;
    let price = priceOf(resolved, this.options.overrides);
    const answered = this.answered.get(model);
    if (!price && answered) price = priceOf(answered, this.options.overrides);
    this.priceCache.set(model, price);
    return price;
  }

  /** The name a model is shown and grouped by: an application profile as the model it routes to. */
  private nameOf(model: string): string {
    return this.options.resolve ? this.options.resolve(model) : model;
  }

  private totalsOf(groups: Iterable<ByModel>): Totals {
    const sums = new Sums();
    let cost = 0;
    let unpriced = 0;
    for (const byModel of groups) {
      for (const [model, modelSums] of byModel) {
        const tokens = modelSums.tokens();
        sums.add(tokens, modelSums.requests);
        const price = this.priceFor(model);
        if (price) cost += costOf(tokens, price);
        else unpriced += modelSums.requests;
      }
    }
    return { tokens: sums.tokens(), requests: sums.requests, cost, unpriced };
  }

  private mergedByModel(groups: Iterable<ByModel>): ByModel {
    const merged: ByModel = new Map();
    for (const byModel of groups) for (const [model, sums] of byModel) {
      let target = merged.get(model);
      if (!target) merged.set(model, (target = new Sums()));
      target.add(sums.tokens(), sums.requests);
    }
    return merged;
  }

  figures(now: number): LocalFigures {
    const today = this.dayOf(now);
    const month = today.slice(0, 7);
    const dayNames = [...this.byDay.keys()].sort();
    const monthDays = dayNames.filter((day) => day.startsWith(month));
    const monthGroups = monthDays.flatMap((day) => [...this.byDay.get(day)!.values()]);
    const lastHourStart = now - HOUR_MS;
    const lastHourBySession = new Map<string, ByModel[]>();
    for (const [minute, bySession] of this.minutes) {
      const at = minute * MINUTE_MS;
      if (at < Math.floor(lastHourStart / MINUTE_MS) * MINUTE_MS || at > now) continue;
      for (const [session, byModel] of bySession) {
        const list = lastHourBySession.get(session);
        if (list) list.push(byModel);
        else lastHourBySession.set(session, [byModel]);
      }
    }
    return {
      newest: this.newest,
      today: this.totalsOf(this.byDay.get(today)?.values() ?? []),
      lastHour: this.totalsOf([...lastHourBySession.values()].flat()),
      days: dayNames.slice(-DAYS_SHOWN).map((day) => ({ day, totals: this.totalsOf(this.byDay.get(day)!.values()) })),
      models: this.modelFigures(monthGroups),
      projects: this.projectFigures(monthDays, month),
      sessions: this.sessionFigures(lastHourBySession),
      cache: this.cacheFigures(monthGroups),
      unpricedModels: this.unpricedModels(),
    };
  }

  private modelFigures(monthGroups: ByModel[]): LocalFigures['models'] {
    const byName = new Map<string, ByModel[]>();
    for (const [model, sums] of this.mergedByModel(monthGroups)) {
      const name = this.nameOf(model);
      const list = byName.get(name) ?? [];
      list.push(new Map([[model, sums]]));
      byName.set(name, list);
    }
    return [...byName].map(([model, groups]) => ({ model, totals: this.totalsOf(groups) })).sort((a, b) => b.totals.cost - a.totals.cost || b.totals.requests - a.totals.requests);
  }

  private projectFigures(monthDays: string[], month: string): LocalFigures['projects'] {
    const byProject = new Map<string, ByModel[]>();
    for (const day of monthDays) for (const [project, byModel] of this.byDay.get(day)!) {
      const list = byProject.get(project) ?? [];
      list.push(byModel);
      byProject.set(project, list);
    }
    const sessionsPer = new Map<string, number>();
    for (const session of this.sessions.values()) {
      if (![...session.days].some((day) => day.startsWith(month))) continue;
      sessionsPer.set(session.project, (sessionsPer.get(session.project) ?? 0) + 1);
    }
    return [...byProject]
      .map(([project, groups]) => ({ project, totals: this.totalsOf(groups), sessions: sessionsPer.get(project) ?? 0 }))
      .sort((a, b) => b.totals.cost - a.totals.cost || b.totals.requests - a.totals.requests)
      .slice(0, PROJECTS_SHOWN);
  }

  private sessionFigures(lastHourBySession: Map<string, ByModel[]>): SessionFigures[] {
    return [...this.sessions.values()]
      .sort((a, b) => b.last - a.last)
      .slice(0, SESSIONS_SHOWN)
      .map((session) => {
        const cost = this.costs.get(session.id)?.cost;
        return {
          id: session.id,
          project: session.project,
          branch: session.branch,
          models: [...new Set([...session.byModel.keys()].map((model) => this.nameOf(model)))],
          start: session.start,
          last: session.last,
          totals: this.totalsOf([session.byModel]),
          linesAdded: cost?.linesAdded,
          linesRemoved: cost?.linesRemoved,
          claudeCost: cost?.totalCostUSD,
          lastHourCost: this.totalsOf(lastHourBySession.get(session.id) ?? []).cost,
        };
      });
  }

  /** Hit rate: reads over all input; saved: reads priced as input minus as read, less the write premium. */
  private cacheFigures(monthGroups: ByModel[]): LocalFigures['cache'] {
    let read = 0;
    let all = 0;
    let saved = 0;
    for (const [model, sums] of this.mergedByModel(monthGroups)) {
      read += sums.cacheRead;
      all += sums.input + sums.cacheRead + sums.cacheWrite5m + sums.cacheWrite1h;
      const price = this.priceFor(model);
      if (!price) continue;
      saved += (sums.cacheRead * (price.input - price.cacheRead) - sums.cacheWrite5m * (price.cacheWrite5m - price.input) - sums.cacheWrite1h * (price.cacheWrite1h - price.input)) / 1_000_000;
    }
    return { hitRate: all > 0 ? read / all : undefined, saved };
  }

  private unpricedModels(): string[] {
    const models = new Set<string>();
    for (const session of this.sessions.values()) for (const model of session.byModel.keys()) if (!this.priceFor(model)) models.add(this.nameOf(model));
    return [...models].sort();
  }
}
