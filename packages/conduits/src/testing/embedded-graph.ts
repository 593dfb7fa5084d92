import { GraphBuilder } from '../builder.js';
import type { Conduit } from '../conduit.js';
import type { Graph } from '../graph.js';
import type { Message } from '../message.js';
import type { Port } from '../port.js';
import { Scheduler } from '../scheduler.js';
import { ProbeAdaptor, type Captured } from './probe-adaptor.js';

/**
 * Netty's EmbeddedChannel for conduits: put a conduit (or a whole Protocol) between two
 * probes, write bytes in at side A or B, run the virtual clock, read what came out.
 *
 *   const e = embed(session);
 *   e.writeB(bytes); e.run();
 *   expect(e.readA()[0]).toEqual(...)
 */
export class EmbeddedGraph {
  readonly graph: Graph;
  readonly below: ProbeAdaptor;
  readonly above: ProbeAdaptor | undefined;

  constructor(
    readonly subject: Conduit,
    readonly scheduler: Scheduler = new Scheduler(),
    b?: Port,
  ) {
    const g = new GraphBuilder(`embedded ${subject.name}`);
    this.below = g.add(new ProbeAdaptor('below'));
    g.connect(subject.a, this.below.a);
    if (b !== undefined) {
      this.above = g.add(new ProbeAdaptor('above'));
      g.connect(b, this.above.a);
    }
    g.add(subject);
    this.graph = g.build(scheduler);
  }

  /** Write into the subject's side A (as if from the network). */
  writeA(data: Uint8Array, prepare?: (msg: Message) => void): this {
    this.below.write(data, prepare);
    return this;
  }

  /** Write into the subject's side B (as if from the application). */
  writeB(data: Uint8Array, prepare?: (msg: Message) => void): this {
    if (this.above === undefined) throw new Error('the embedded conduit has no side B');
    this.above.write(data, prepare);
    return this;
  }

  run(until?: number): this {
    this.scheduler.run(until);
    return this;
  }

  /** What left through side A. */
  readA(): Captured[] {
    return this.below.take();
  }

  /** What left through side B. */
  readB(): Captured[] {
    return this.above?.take() ?? [];
  }
}

/** Embed a conduit with both sides probed (side B if it has one). */
export function embed(
  subject: Conduit & { readonly b?: Port | undefined },
  scheduler?: Scheduler,
): EmbeddedGraph {
  return new EmbeddedGraph(subject, scheduler, subject.b ?? undefined);
}
