// The flows this extension knows, most specific first, and which one the settings choose.
import type { Session } from '../session';
import type { Flow } from './flow';

export class FlowCatalog {
  constructor(private readonly all: readonly Flow[]) {
    if (all.length === 0) throw new Error('No sign-in flow.');
  }

  /** The flow the settings choose: the first that applies, else the last (the default). */
  get current(): Flow {
    return this.all.find((f) => f.applies()) ?? this.all[this.all.length - 1];
  }

  /** The flow that made `session`. */
  of(session: Session): Flow | undefined {
    return this.all.find((f) => f.id === session.flow);
  }

  /** After a sign-out: every flow's next sign-in starts afresh. */
  forget(): void {
    for (const flow of this.all) flow.forget();
  }

  /** True when `session` belongs to the settings as they are now: same flow, same binding. */
  isCurrent(session: Session): boolean {
    const flow = this.current;
    const binding = flow.binding();
    return binding !== undefined && session.flow === flow.id && session.binding === binding;
  }
}
