import { ConduitBase } from './conduit.js';
import type { Message } from './message.js';
import { Port } from './port.js';
import type { Visitor } from './visitor.js';

/**
 * The boundary to the outside world (§3.2, §4.1): only side A. Outside code never calls into
 * the graph; it hands bytes to an adaptor, which enqueues a message on the scheduler. What
 * arrives at the adaptor from the graph leaves through `deliver`.
 */
export abstract class Adaptor extends ConduitBase {
  readonly kind = 'adaptor';
  readonly a: Port = new Port(this, 'A');

  ports(): readonly Port[] {
    return [this.a];
  }

  protected visit(visitor: Visitor, from: Port): void {
    visitor.atAdaptor(this, from);
  }

  /** Queue `msg` to enter the graph through this adaptor. */
  inject(msg: Message): void {
    this.graph.scheduler.enqueue(this.a, msg);
  }

  /** A message has left the graph here; the adaptor now owns it and must release it. */
  abstract deliver(msg: Message, from: Port): void;
}
