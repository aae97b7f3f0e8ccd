export interface SimulatedNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
}

export interface SimulatedUser {
  waId: string;
  name: string;
  /** Last time the user wrote to each business number (the 24 h window). */
  lastInboundAt: Map<string, Date>;
}

/** A request the simulator accepted on the send endpoint. */
export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
  receivedAt: Date;
}

/** A message a simulated user sent to the business. */
export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  from: string;
  text: string;
  sentAt: Date;
  delivered: boolean;
}

/** A failure the next sends will meet: a Graph error, a server error or no answer at all. */
export interface InjectedFault {
  /** Only sends to this recipient (any when absent). */
  to?: string;
  kind: 'graph_error' | 'server_error' | 'timeout';
  /** Graph error code, for graph_error (e.g. 131000, 130429, 131056). */
  code?: number;
  /** How many sends it affects. */
  remaining: number;
}

/** Everything the simulator remembers; in memory, like a test double of Meta's side. */
export class SimulatorState {
  readonly numbers = new Map<string, SimulatedNumber>();
  readonly faults: InjectedFault[] = [];
  readonly users = new Map<string, SimulatedUser>();
  readonly sent: SentMessage[] = [];
  readonly inbound: InboundRecord[] = [];

  addNumber(number: SimulatedNumber): void {
    this.numbers.set(number.phoneNumberId, number);
  }

  user(waId: string, name?: string): SimulatedUser {
    let user = this.users.get(waId);
    if (!user) {
      user = { waId, name: name ?? `Customer ${waId.slice(-4)}`, lastInboundAt: new Map() };
      this.users.set(waId, user);
    } else if (name) {
      user.name = name;
    }
    return user;
  }
}

/** Takes the first fault that applies to a send to `to`, if any. */
export function takeFault(state: SimulatorState, to: string): InjectedFault | null {
  const fault = state.faults.find((f) => f.remaining > 0 && (f.to === undefined || f.to === to));
  if (!fault) return null;
  fault.remaining -= 1;
  return fault;
}
