import type { ChatOptions } from '../types/chat.ts';
import type { Clock } from '../types/clock.ts';
import type { GatewayId } from '../types/model.ts';
import type { Transport } from '../types/transport.ts';
import type { CallObserver } from './call-observer.ts';
import type { CallPlan } from './plan-call.ts';
import type { CandidateLoop } from './run-candidates.ts';

/** What running a call uses: how to plan and observe it, the loop, the transports, the clock. */
export interface CallRunner {
  readonly clock: Clock;
  readonly plan: (options: ChatOptions) => CallPlan;
  readonly observe: (plan: CallPlan, stream: boolean) => CallObserver;
  readonly loop: CandidateLoop;
  readonly transports: ReadonlyMap<GatewayId, Transport>;
  /** The call's whole budget when the options set none. */
  readonly timeoutMs: number;
  /** `stream()`: the longest stall between two parts. */
  readonly idleTimeoutMs: number;
}

/** The transport of a gateway the router was built with. */
export function transportOf(runner: CallRunner, gateway: GatewayId): Transport {
  const transport = runner.transports.get(gateway);
  if (!transport) throw new Error(`No transport for gateway ${gateway}`);
  return transport;
}
