/** Fans pushed events out to whichever transports are listening. */
import type { EventMessage, EventName, Events } from '../../core/api/contract.js';
import type { Emit } from './jobs.js';

export interface EventHub {
  emit: Emit;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** Creates an event hub. */
export function createEventHub(): EventHub {
  const listeners = new Set<(message: EventMessage) => void>();
  return {
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const l of listeners) l({ event, payload } as EventMessage);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
