import type { Adaptor } from './adaptor.js';
import type { Conduit } from './conduit.js';
import type { ConduitFactory } from './conduit-factory.js';
import type { Mux } from './mux.js';
import type { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Session } from './session.js';

/**
 * Anything that travels through a graph (Java Conduits §3.5, Visitor). A conduit calls back
 * the method for its own kind, passing the port the visitor came in through: double
 * dispatch, so neither side needs an `instanceof`.
 */
export interface Visitor {
  readonly name: string;
  atSession(session: Session<unknown>, from: Port): void;
  atMux(mux: Mux<unknown>, from: Port): void;
  atFactory(factory: ConduitFactory, from: Port): void;
  atAdaptor(adaptor: Adaptor, from: Port): void;
  /** Only control visitors meet a Protocol: its sides are delegated, so messages pass through. */
  atProtocol(protocol: Protocol, from: Port): void;
  /** The graph gave up on this visitor (a handler at `at` threw): give back what `at` still holds of it. */
  dropped?(at?: Conduit): void;
}
