import type { Conduit } from './conduit.js';
import type { Side } from './side.js';

/**
 * A side object (Java Conduits §3.3: the inner side classes). Neighbours hold ports, never
 * conduits, so when a visitor arrives the port tells the conduit where it came from.
 * A mux has one port per side B[i]; `index` is -1 for the plain sides A and B.
 */
export class Port {
  /** The port on the neighbouring conduit this one is connected to. */
  peer: Port | null = null;
  /** The demux key a mux side B[i] serves; undefined elsewhere. */
  key: unknown = undefined;
  /** Messages a mux routed in through this side B[i] since its last idle sweep (factory-installed conversations expire when idle). */
  hits = 0;

  constructor(
    readonly owner: Conduit,
    readonly side: Side,
    readonly index: number = -1,
  ) {}

  get label(): string {
    return this.index < 0 ? this.side : `${this.side}[${this.index}]`;
  }

  toString(): string {
    return `${this.owner.name}.${this.label}`;
  }
}
