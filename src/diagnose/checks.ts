// Every Diagnose check, in the order the view shows them.
import { awsChecks } from './awsChecks';
import type { Check } from './check';
import { claudeCodeChecks } from './claudeCodeChecks';
import type { DiagnoseContext } from './context';
import { idpChecks } from './idpChecks';
import { settingsChecks } from './settingsChecks';
import { usageChecks } from './usageChecks';

export function diagnoseChecks(ctx: DiagnoseContext, timeoutMs: number): Check[] {
  return [...settingsChecks(ctx), ...idpChecks(ctx), ...awsChecks(ctx, timeoutMs), ...usageChecks(ctx), ...claudeCodeChecks(ctx)];
}
