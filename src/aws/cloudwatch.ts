// Personal usage from CloudWatch with @aws-sdk/client-cloudwatch, signed with the session's keys.
//
// ONE GetMetricData request per refresh: SEARCH finds the user's series whatever the OTelLib
// dimension holds (it is Claude Code's meter name, discovered rather than hard-coded), SUM adds
// them up, per UTC day from the first of the month. Today and month-to-date come from that daily
// series. Part of the AWS bundle (dist/aws.js, see index.ts), loaded on first use: no vscode imports.
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { clientConfig, type AwsCredentials } from './credentials';

export interface UsageQuery {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: AwsCredentials;
  readonly namespace: string;
  readonly tokenMetric: string;
  readonly costMetric: string;
  readonly emailDimension: string;
  readonly libraryDimension: string;
  readonly email: string;
  /** Epoch milliseconds: "now", for the month and the day. */
  readonly now: number;
  /** No answer for this long ends an attempt. */
  readonly timeoutMs: number;
}

export interface DailyUsage {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly tokens: number;
  readonly cost: number;
}

export interface UsageData {
  /** Every day of the month up to today, zero where there was no usage. */
  readonly days: readonly DailyUsage[];
  readonly hasCost: boolean;
}

const DAY_MS = 86_400_000;

/** A SEARCH string literal: quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function usageQueries(q: Pick<UsageQuery, 'namespace' | 'tokenMetric' | 'costMetric' | 'emailDimension' | 'libraryDimension' | 'email'>): MetricDataQuery[] {
  const search = (metric: string) =>
    `SEARCH('{${q.namespace},${quoted(q.emailDimension)},${quoted(q.libraryDimension)}} MetricName=${quoted(metric)} ${quoted(q.emailDimension)}=${quoted(q.email)}', 'Sum', 86400)`;
  return [
    { Id: 'tokenSeries', Expression: search(q.tokenMetric), ReturnData: false },
    { Id: 'tokens', Expression: 'SUM(tokenSeries)', Label: 'tokens', Period: 86400, ReturnData: true },
    { Id: 'costSeries', Expression: search(q.costMetric), ReturnData: false },
    { Id: 'cost', Expression: 'SUM(costSeries)', Label: 'cost', Period: 86400, ReturnData: true },
  ];
}

export function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export async function fetchUsage(q: UsageQuery): Promise<UsageData> {
  const client = new CloudWatchClient(clientConfig(q.region, q.endpoint, q.credentials, 2, q.timeoutMs));
  try {
    const start = monthStart(q.now);
    const today = Math.floor(q.now / DAY_MS) * DAY_MS;
    const out = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: usageQueries(q),
        StartTime: new Date(start),
        EndTime: new Date(today + DAY_MS),
        ScanBy: 'TimestampAscending',
      }),
    );
    const byDay = (id: string) => {
      const values = new Map<number, number>();
      for (const r of out.MetricDataResults ?? []) {
        if (r.Id !== id) continue;
        (r.Timestamps ?? []).forEach((t, i) => {
          const day = Math.floor(t.getTime() / DAY_MS) * DAY_MS;
          values.set(day, (values.get(day) ?? 0) + (r.Values?.[i] ?? 0));
        });
      }
      return values;
    };
    const tokens = byDay('tokens');
    const cost = byDay('cost');
    const days: DailyUsage[] = [];
    for (let day = start; day <= today; day += DAY_MS) {
      days.push({ day: new Date(day).toISOString().slice(0, 10), tokens: tokens.get(day) ?? 0, cost: cost.get(day) ?? 0 });
    }
    return { days, hasCost: cost.size > 0 };
  } finally {
    client.destroy();
  }
}
