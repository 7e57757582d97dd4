// The emulator's CloudWatch: PutMetricData, ListMetrics and GetMetricData over AWS JSON 1.0 in
// query-compatible mode (X-Amz-Target: GraniteServiceVersion20100801.<Operation>), as the current
// SDK speaks it. GetMetricData honours MetricStat queries (namespace, metric, exact dimensions,
// period, Sum) and the expressions usage dashboards use: SEARCH('{Namespace,dims} terms', 'Sum',
// period) and SUM(id).
import { AwsError } from './sigv4';

export interface Datapoint {
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by name. */
  readonly dimensions: readonly { Name: string; Value: string }[];
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
}

interface Series {
  readonly label: string;
  /** Bucket start (epoch ms) -> sum. */
  readonly points: Map<number, number>;
}

interface Query {
  Id: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] }; Period: number; Stat: string };
}

function toMs(value: unknown): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') return Date.parse(value);
  throw new AwsError(400, 'InvalidParameterValue', 'The timestamp is not valid.');
}

function sameDimensions(a: readonly { Name: string; Value: string }[], b: readonly { Name: string; Value: string }[]): boolean {
  return a.length === b.length && a.every((d, i) => d.Name === b[i].Name && d.Value === b[i].Value);
}

function sortDims(dims: readonly { Name: string; Value: string }[] = []): { Name: string; Value: string }[] {
  return [...dims].sort((x, y) => x.Name.localeCompare(y.Name));
}

/** Parses SEARCH('{Namespace,"dim.a",dimB} "dim.a"="v" MetricName="m"', 'Sum', 86400). */
function parseSearch(expression: string): { namespace: string; dimensionNames: string[]; terms: Map<string, string>; stat: string; period: number } {
  const m = /^SEARCH\(\s*'(.*)'\s*,\s*'(\w+)'\s*,\s*(\d+)\s*\)$/s.exec(expression.trim());
  if (!m) throw new AwsError(400, 'ValidationError', `Unsupported expression: ${expression}`);
  const [, query, stat, period] = m;
  const schema = /\{([^}]*)\}/.exec(query);
  if (!schema) throw new AwsError(400, 'ValidationError', 'SEARCH needs a schema {Namespace,dimensions}.');
  const [namespace, ...dimensionNames] = schema[1].split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  const terms = new Map<string, string>();
  for (const t of query.slice(schema.index + schema[0].length).matchAll(/"?([\w.]+)"?\s*=\s*"([^"]*)"/g)) terms.set(t[1], t[2]);
  return { namespace, dimensionNames, terms, stat, period: Number(period) };
}

export class CloudWatchService {
  readonly datapoints: Datapoint[] = [];
  /** Operations the caller's role may not call. */
  denied: string[] = [];

  putMetricData(body: { Namespace?: string; MetricData?: { MetricName: string; Dimensions?: { Name: string; Value: string }[]; Timestamp?: unknown; Value?: number; Unit?: string }[] }): void {
    if (!body.Namespace || !Array.isArray(body.MetricData)) throw new AwsError(400, 'InvalidParameterValue', 'Namespace and MetricData are required.');
    for (const d of body.MetricData) {
      if (typeof d.Value !== 'number') throw new AwsError(400, 'InvalidParameterValue', 'Each datum needs a Value.');
      this.datapoints.push({
        namespace: body.Namespace,
        metricName: d.MetricName,
        dimensions: sortDims(d.Dimensions),
        timestamp: d.Timestamp === undefined ? Date.now() : toMs(d.Timestamp),
        value: d.Value,
      });
    }
  }

  /** The distinct metrics (namespace, name, dimension set) that have data. */
  private metrics(): { namespace: string; metricName: string; dimensions: { Name: string; Value: string }[] }[] {
    const seen = new Map<string, { namespace: string; metricName: string; dimensions: { Name: string; Value: string }[] }>();
    for (const d of this.datapoints) {
      const key = JSON.stringify([d.namespace, d.metricName, d.dimensions]);
      if (!seen.has(key)) seen.set(key, { namespace: d.namespace, metricName: d.metricName, dimensions: [...d.dimensions] });
    }
    return [...seen.values()];
  }

  listMetrics(body: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value?: string }[] }): Record<string, unknown> {
    const metrics = this.metrics().filter(
      (m) =>
        (!body.Namespace || m.namespace === body.Namespace) &&
        (!body.MetricName || m.metricName === body.MetricName) &&
        (body.Dimensions ?? []).every((f) => m.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))),
    );
    return { Metrics: metrics.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions })) };
  }

  private series(filter: (d: Datapoint) => boolean, start: number, end: number, periodMs: number, label: string): Series {
    const points = new Map<number, number>();
    for (const d of this.datapoints) {
      if (d.timestamp < start || d.timestamp >= end || !filter(d)) continue;
      const bucket = start + Math.floor((d.timestamp - start) / periodMs) * periodMs;
      points.set(bucket, (points.get(bucket) ?? 0) + d.value);
    }
    return { label, points };
  }

  getMetricData(body: { MetricDataQueries?: Query[]; StartTime?: unknown; EndTime?: unknown; ScanBy?: string }): Record<string, unknown> {
    const queries = body.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500) throw new AwsError(400, 'InvalidParameterValue', 'Between 1 and 500 MetricDataQueries are required.');
    const start = toMs(body.StartTime);
    const end = toMs(body.EndTime);
    if (!(end > start)) throw new AwsError(400, 'InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
    const results = new Map<string, Series[]>();
    const resolve = (q: Query): Series[] => {
      if (results.has(q.Id)) return results.get(q.Id)!;
      let out: Series[];
      if (q.MetricStat) {
        const { Metric, Period, Stat } = q.MetricStat;
        if (Stat !== 'Sum') throw new AwsError(400, 'ValidationError', `Only the Sum statistic is emulated (got ${Stat}).`);
        const dims = sortDims(Metric.Dimensions);
        out = [this.series((d) => d.namespace === Metric.Namespace && d.metricName === Metric.MetricName && sameDimensions(d.dimensions, dims), start, end, Period * 1000, q.Label ?? q.Id)];
      } else if (q.Expression?.trim().startsWith('SEARCH')) {
        const search = parseSearch(q.Expression);
        if (search.stat !== 'Sum') throw new AwsError(400, 'ValidationError', `Only the Sum statistic is emulated (got ${search.stat}).`);
        const matching = this.metrics().filter(
          (m) =>
            m.namespace === search.namespace &&
            m.dimensions.length === search.dimensionNames.length &&
            search.dimensionNames.every((n) => m.dimensions.some((d) => d.Name === n)) &&
            [...search.terms].every(([k, v]) => (k === 'MetricName' ? m.metricName === v : m.dimensions.some((d) => d.Name === k && d.Value === v))),
        );
        out = matching.map((m) =>
          this.series((d) => d.namespace === m.namespace && d.metricName === m.metricName && sameDimensions(d.dimensions, m.dimensions), start, end, search.period * 1000, `${m.metricName} ${m.dimensions.map((d) => d.Value).join(' ')}`),
        );
      } else if (q.Expression) {
        const sum = /^SUM\(\s*\[?\s*([\w,\s]+?)\s*\]?\s*\)$/.exec(q.Expression.trim());
        if (!sum) throw new AwsError(400, 'ValidationError', `Unsupported expression: ${q.Expression}`);
        const inputs = sum[1].split(',').map((id) => id.trim()).flatMap((id) => {
          const source = queries.find((other) => other.Id === id);
          if (!source) throw new AwsError(400, 'ValidationError', `Unknown metric id ${id} in expression.`);
          return resolve(source);
        });
        const points = new Map<number, number>();
        for (const s of inputs) for (const [t, v] of s.points) points.set(t, (points.get(t) ?? 0) + v);
        out = [{ label: q.Label ?? q.Id, points }];
      } else {
        throw new AwsError(400, 'ValidationError', `Query ${q.Id} needs a MetricStat or an Expression.`);
      }
      results.set(q.Id, out);
      return out;
    };
    const ascending = body.ScanBy === 'TimestampAscending';
    const MetricDataResults = queries
      .filter((q) => q.ReturnData !== false)
      .flatMap((q) =>
        resolve(q).map((s) => {
          const stamps = [...s.points.keys()].sort((a, b) => (ascending ? a - b : b - a));
          return { Id: q.Id, Label: q.Label ?? s.label, Timestamps: stamps.map((t) => t / 1000), Values: stamps.map((t) => s.points.get(t)!), StatusCode: 'Complete' };
        }),
      );
    return { MetricDataResults, Messages: [] };
  }

  /** A user's token total since `from` (the quota API's own bookkeeping). */
  tokensFor(email: string, from: number): number {
    return this.datapoints
      .filter((d) => d.metricName === 'claude_code.token.usage' && d.timestamp >= from && d.dimensions.some((x) => x.Name === 'user.email' && x.Value === email))
      .reduce((sum, d) => sum + d.value, 0);
  }
}
