// Diagnose's look at Claude Code's session records on this machine: whether they were found and
// understood (how many sessions, the newest record, the Claude Code versions that wrote them, the
// lines left out), since this machine's live usage comes from them.
import type { Check } from './check';
import { pass, skipped, warning } from './check';
import type { DiagnoseContext } from './context';
import { recordFolders } from '../usage/recordReader';
import { clockTime } from '../util/clock';

/** More lines than this share not understood: Claude Code may have changed how it writes them. */
const SKIPPED_SHARE = 0.01;

export function usageChecks(ctx: DiagnoseContext): Check[] {
  return [
    {
      id: 'usage.records',
      area: 'Usage and quota',
      title: "Claude Code's session records on this machine",
      why: "This machine's usage and cost, live, come from the records Claude Code writes of every request.",
      run: async () => {
        const state = ctx.localUsage.state;
        if (!state.enabled) return pass('Not read: claudeBedrock.localUsage is off, so only your organisation\'s figures are shown.');
        if (state.problem && !state.figures) return warning(state.problem, 'Reload VS Code (Developer: Reload Window); if it happens again, send the Diagnose report to your helpdesk.');
        const reading = state.reading;
        if (!reading) return skipped("The records are still being read (the first read of a large history takes a few seconds).");
        const looked = recordFolders(ctx.env, ctx.home);
        if (reading.folders.length === 0) {
          return warning(`No Claude Code records were found in ${looked.join(' or ')}.`, 'Usage on this machine shows once Claude Code has run here. If Claude Code keeps its files elsewhere, set CLAUDE_CONFIG_DIR for VS Code as you do for Claude Code.');
        }
        const newest = reading.newest ? ` The newest record is from ${new Date(reading.newest).toISOString().slice(0, 10)} ${clockTime(reading.newest)}.` : ' No request is recorded yet.';
        const versions = reading.versions.length > 0 ? ` Written by Claude Code ${reading.versions.join(', ')}.` : '';
        const found = `${reading.sessions} sessions in ${reading.files} files under ${reading.folders.join(', ')}.${newest}${versions}`;
        if (reading.linesRead > 0 && reading.skipped / reading.linesRead > SKIPPED_SHARE) {
          return warning(`${found} ${reading.skipped} of ${reading.linesRead} lines were not understood.`, 'Claude Code may have changed how it writes its records: update this extension. The figures leave those lines out.');
        }
        return pass(`${found}${reading.skipped > 0 ? ` ${reading.skipped} lines were not understood and are left out.` : ''}`);
      },
    },
  ];
}
