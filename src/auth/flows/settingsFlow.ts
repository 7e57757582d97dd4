// What every flow does the same way with its settings: it applies when claudeBedrock.federation
// chooses it, checks them, fingerprints them (a session of other settings needs a new sign-in),
// and refuses to start with a sentence naming the setting to fix. Each flow adds how it signs in.
import type { Checked } from '../../config/rules';
import { settingsFailure } from '../../errors/failure';
import type { Session } from '../session';
import type { Admit, Flow, FlowRun, FlowSettings } from './flow';

export interface SettingsFlowOptions<S extends FlowSettings> {
  readonly settings: () => Checked<S>;
  /** Whether the settings choose this flow (claudeBedrock.federation). */
  readonly chosen: () => boolean;
}

export abstract class SettingsFlow<S extends FlowSettings> implements Flow {
  abstract readonly id: string;

  constructor(private readonly chosenBy: SettingsFlowOptions<S>) {}

  /** The fingerprint of `settings`. */
  protected abstract bind(settings: S): string;
  abstract signIn(run: FlowRun): Promise<Session>;
  abstract canRenew(session: Session): boolean;
  abstract renew(session: Session, keep: (session: Session) => Promise<void>, admit: Admit): Promise<Session>;
  abstract signOut(session: Session): Promise<void>;
  abstract forget(): void;

  applies(): boolean {
    return this.chosenBy.chosen();
  }

  check(): Checked<S> {
    return this.chosenBy.settings();
  }

  binding(): string | undefined {
    const checked = this.chosenBy.settings();
    return checked.ok ? this.bind(checked.value) : undefined;
  }

  /** The settings, or a Failure that names the one to fix: "Claude Bedrock cannot <cannot>: …". */
  protected valid(cannot = 'sign in'): S {
    const checked = this.chosenBy.settings();
    if (!checked.ok) throw settingsFailure(checked.problems, cannot);
    return checked.value;
  }
}
