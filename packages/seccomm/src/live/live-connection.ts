/**
 * Changing a live connection's composition by agreement of both ends, without losing a
 * message — beyond the paper, as its conclusion foresees for adaptive systems.
 *
 * Each composition is a generation: its own CompositeProtocol. Two Muxes select the
 * generation (the Java Conduits way: an Accessor, not a switch statement):
 *
 *   application
 *       │
 *   recomposer          app data [0] ‖ data, control [1] ‖ type ‖ generation ‖ payload — inside the composite, so secured like data
 *       │
 *   upper Mux           key: the Generation stack attribute (set going down, stamped coming up)
 *   ├── composite g0 … composite gN
 *   lower Mux           key: the generation byte in front of the composite's frames
 *   └── tag g0 … tag gN (push / pull that byte)
 *       │
 *   network
 *
 * recompose(config) at one end: the new generation is built and installed (so it can already
 * receive), PROPOSE(g+1, config) travels on the current generation; the peer checks the
 * config (resolveComposition), builds and installs the same generation, switches its sending
 * to it and answers ACCEPT on the old generation; the proposer switches on ACCEPT. A message in
 * flight on the old generation is still opened by the old composite, kept for a grace period.
 * The new generation starts with the keys in force in the old one (carried over as predefined
 * keys); a new key it needs is distributed inside it, with push held meanwhile. A refused
 * config answers REJECT with the conflict, and nothing changes. When both ends propose at once
 * the client's proposal wins.
 *
 * Downgrades: unless the application gives its own `policy`, a peer's proposal weaker than the
 * composition in force (config/strength.ts) is refused — an attacker who could rewrite one
 * message of a malleable composition into a PROPOSE must not be able to switch protection off.
 * A `floor` bounds every proposal, the peer's (REJECT) and our own (CompositionError), whatever
 * the policy.
 */
import {
  attribute,
  connect,
  defaultPool,
  Mux,
  Session,
  type Accessor,
  type CompositeProtocol,
  type Conduit,
  type Message,
} from '@conduits/core';
import { Subject, type Observable } from 'rxjs';
import {
  CompositionError,
  type CompositionConfig,
  type ResolvedComposition,
} from '../config/composition.js';
import { resolveComposition } from '../config/resolve.js';
import { validateConfig } from '../config/validate.js';
import { compareStrength, strengthOf, type Strength } from '../config/strength.js';
import { Keys } from '../runtime/context.js';
import { Push } from '../runtime/push-gate.js';
import { closeConnection, openConnection, type OpenOptions } from '../runtime/secure-connection.js';

/** The generation a message is on, between the recomposer and the composites. */
export const Generation = attribute<number>('seccomm.generation', 'stack');

const APP = 0;
const CONTROL = 1;
const PROPOSE = 1;
const ACCEPT = 2;
const REJECT = 3;

export type Recomposition =
  | {
      readonly kind: 'switched';
      readonly generation: number;
      readonly composition: string;
      readonly proposedBy: 'us' | 'peer';
    }
  | {
      readonly kind: 'rejected';
      readonly generation: number;
      readonly conflict: string;
      readonly by: 'us' | 'peer';
    };

export class RecompositionBusyError extends Error {
  override readonly name = 'RecompositionBusyError';
  constructor(why: string) {
    super(`cannot recompose now: ${why}`);
  }
}

const upperAccessor: Accessor<number> = {
  name: 'generation',
  key: (m) => m.get(Generation),
  stamp: (m, g) => void m.set(Generation, g),
  format: (g) => `generation ${g}`,
};
const lowerAccessor: Accessor<number> = {
  name: 'generation-byte',
  key: (m) => (m.buffer.length > 0 ? (m.buffer.bytes[m.buffer.start] as number) : undefined),
  format: (g) => `generation ${g}`,
};

function tag(g: number): Session {
  return new Session(`generation-tag:${g}`, {
    initial: {
      name: 'tag',
      accept(s, msg, from) {
        if (from === 'B') {
          msg.buffer.prependByte(g & 0xff);
          return s.send('A', msg);
        }
        msg.buffer.pull(1);
        s.send('B', msg);
      },
    },
  });
}

/** Joins the upper Mux's side B[g] to a composite's side B (the application side). */
function join(g: number): Session {
  return new Session(`generation-join:${g}`, {
    initial: { name: 'join', accept: (s, msg, from) => s.forward(msg, from) },
  });
}

function unknownGeneration(name: string): Session {
  return new Session(name, {
    initial: { name: 'refuse', accept: (s, msg) => s.drop(msg, 'generation-unknown', true) },
    terminal: 'B',
  });
}

export interface LiveOptions {
  /** ms before a replaced generation is cut from the wire. @default 2000 */
  readonly grace?: number;
  /**
   * What this end accepts from its peer: null, or why it refuses (sent back as REJECT).
   * @default refuse anything weaker than the composition in force (strengthOf / compareStrength)
   */
  readonly policy?: (composition: ResolvedComposition) => string | null;
  /** No composition below this strength, proposed by either end, is ever used. @default none */
  readonly floor?: Partial<Strength>;
}

interface Installed {
  readonly composite: CompositeProtocol;
  readonly composition: ResolvedComposition;
  readonly parts: readonly Conduit[];
}

export class LiveConnection {
  /** Connect the application to `top.b`. */
  readonly top: Session;
  /** Connect the network (a UDP peer session, a link) to `bottom.a`. */
  readonly bottom: Mux<number>;
  readonly #upper: Mux<number>;
  readonly #generations = new Map<number, Installed>();
  readonly #changes = new Subject<Recomposition>();
  readonly #options: OpenOptions;
  readonly #policy: (composition: ResolvedComposition) => string | null;
  readonly #floor: Partial<Strength>;
  readonly #name: string;
  /** Generations are cut from the wire after this many ms (late packets on them are then dropped). */
  readonly grace: number;
  #current = 0;
  #proposed: number | null = null;

  constructor(name: string, composition: ResolvedComposition, options: OpenOptions & LiveOptions) {
    this.#name = name;
    this.#options = options;
    this.#policy =
      options.policy ??
      ((proposed) => {
        const weaker = compareStrength(
          strengthOf(proposed),
          strengthOf((this.#generations.get(this.#current) as Installed).composition),
        );
        return weaker === null ? null : `weaker than the composition in force: ${weaker}`;
      });
    this.#floor = options.floor ?? {};
    this.grace = options.grace ?? 2_000;
    this.#upper = new Mux<number>(`${name}-generations`, upperAccessor);
    this.bottom = new Mux<number>(`${name}-generation-bytes`, lowerAccessor);
    const self = this;
    this.top = new Session(`${name}-recomposer`, {
      initial: {
        name: 'recomposer',
        accept(s, msg, from) {
          if (from === 'B') {
            msg.buffer.prependByte(APP);
            msg.set(Generation, self.#current);
            return s.send('A', msg);
          }
          const b = msg.buffer;
          if (b.length < 1) return s.drop(msg, 'recomposer-truncated', true);
          const kind = b.bytes[b.start];
          b.pull(1);
          if (kind === APP) {
            msg.attrs.delete(Generation);
            return s.send('B', msg);
          }
          if (kind !== CONTROL) return s.drop(msg, 'recomposer-kind-unknown', true);
          self.#control(msg);
        },
      },
    });
    this.#install(0, composition);
  }

  /** Every conduit to adopt when building the graph (the first generation included). */
  conduits(): Conduit[] {
    const sinks = [
      unknownGeneration(`${this.#name}-no-generation-up`),
      unknownGeneration(`${this.#name}-no-generation-down`),
    ];
    connect(this.#upper.b, (sinks[0] as Session).a);
    connect(this.bottom.b, (sinks[1] as Session).a);
    connect(this.top.a, this.#upper.a);
    return [
      this.top,
      this.#upper,
      this.bottom,
      ...sinks,
      ...(this.#generations.get(0)?.parts ?? []),
    ];
  }

  /** The composite messages are sent with now. */
  get current(): CompositeProtocol {
    return (this.#generations.get(this.#current) as Installed).composite;
  }

  get generation(): number {
    return this.#current;
  }

  get changes$(): Observable<Recomposition> {
    return this.#changes.asObservable();
  }

  /** Propose a new composition; the switch happens when the peer accepts (see changes$). */
  recompose(config: CompositionConfig): void {
    if (this.#proposed !== null)
      throw new RecompositionBusyError(`generation ${this.#proposed} is still proposed`);
    if (!this.current.shared.get(Push).enabled)
      throw new RecompositionBusyError('keys are being distributed');
    const g = this.#current + 1;
    const resolved = this.#resolve(config);
    this.#proposed = g;
    this.#install(g, resolved, true);
    this.#sendControl(PROPOSE, g, new TextEncoder().encode(JSON.stringify(config)), this.#current);
  }

  /** close(): every generation's keys wiped. */
  close(): void {
    for (const x of this.#generations.values()) closeConnection(x.composite);
    this.#generations.clear();
    this.#changes.complete();
  }

  #resolve(config: CompositionConfig): ResolvedComposition {
    // The keys in force now carry over: for the new composition they are predefined.
    const carried = [...this.current.shared.get(Keys).indices()];
    // Checked before it is merged with the carried keys: a proposal may be any JSON.
    validateConfig(config);
    const resolved = resolveComposition({
      ...config,
      keys: {
        ...config.keys,
        predefined: [...new Set([...(config.keys?.predefined ?? []), ...carried])],
      },
    });
    const below = compareStrength(strengthOf(resolved), this.#floor);
    if (below !== null)
      throw new CompositionError(
        `${resolved.name} is below this connection's floor: ${below}`,
        'propose a composition at least as strong as the floor',
      );
    return resolved;
  }

  #install(g: number, composition: ResolvedComposition, adopt = false): void {
    const keys = g === 0 ? this.#options.keys : this.current.shared.get(Keys).snapshot();
    let composite: CompositeProtocol;
    try {
      composite = openConnection(`${this.#name}#${g}`, composition, {
        ...this.#options,
        generation: g,
        ...(keys ? { keys } : {}),
      });
    } finally {
      if (g > 0) for (const k of keys?.values() ?? []) k.fill(0);
    }
    const t = tag(g);
    const j = join(g);
    this.bottom.install(g & 0xff, t);
    connect(t.b, composite.a);
    this.#upper.install(g, j);
    // Side B of the join to side B of the composite: the composite sees the application there.
    connect(j.b, composite.b);
    const parts = [t, j, composite];
    this.#generations.set(g, { composite, composition, parts });
    if (adopt) for (const c of parts) this.top.graph.adopt(c, null);
  }

  #switch(g: number, proposedBy: 'us' | 'peer'): void {
    const old = this.#current;
    this.#current = g;
    this.#proposed = null;
    this.#changes.next({
      kind: 'switched',
      generation: g,
      composition: (this.#generations.get(g) as Installed).composition.name,
      proposedBy,
    });
    const scheduler = this.top.graph.scheduler;
    scheduler.unref(scheduler.after(this.grace, () => this.#retire(old)));
  }

  /** A replaced generation, once its grace period is over. */
  #retire(g: number): void {
    if (g !== this.#current) this.#remove(g);
  }

  /** A proposal that will not happen (refused, or lost to the peer's). */
  #abandon(g: number): void {
    this.#remove(g);
    if (this.#proposed === g) this.#proposed = null;
  }

  #remove(g: number): void {
    const x = this.#generations.get(g);
    if (x === undefined) return;
    this.#generations.delete(g);
    this.bottom.remove(g & 0xff);
    this.#upper.remove(g);
    closeConnection(x.composite);
  }

  #sendControl(type: number, g: number, payload: Uint8Array, on: number): void {
    const msg = defaultPool.from(payload);
    msg.buffer.prependByte(g & 0xff);
    msg.buffer.prependByte(type);
    msg.buffer.prependByte(CONTROL);
    msg.set(Generation, on);
    this.top.send('A', msg);
  }

  #control(msg: Message): void {
    const b = msg.buffer;
    const on = msg.get(Generation) ?? -1;
    if (b.length < 2) return this.top.drop(msg, 'recomposer-truncated', true);
    const type = b.bytes[b.start] as number;
    const low = b.bytes[b.start + 1] as number;
    const payload = b.bytes.slice(b.start + 2, b.end);
    msg.release();
    const g = this.#current + 1;
    if ((g & 0xff) !== low || (type === PROPOSE && on !== this.#current))
      return this.top.graph.securityAlert(this.top, 'recompose-stale');
    if (type === PROPOSE) {
      if (this.#proposed !== null) {
        // Both proposed: the client's proposal wins.
        if (this.#options.role === 'client') return;
        this.#abandon(this.#proposed);
      }
      try {
        const resolved = this.#resolve(
          JSON.parse(new TextDecoder().decode(payload)) as CompositionConfig,
        );
        const refused = this.#policy(resolved);
        if (refused !== null)
          throw new CompositionError(refused, "propose a composition this end's policy accepts");
        this.#install(g, resolved, true);
      } catch (e) {
        const conflict =
          e instanceof CompositionError ? e.conflict : `not a composition: ${(e as Error).message}`;
        // A refused proposal may be a downgrade attempt: loud.
        this.top.graph.securityAlert(this.top, 'recompose-refused');
        this.#changes.next({ kind: 'rejected', generation: g, conflict, by: 'us' });
        return this.#sendControl(REJECT, g, new TextEncoder().encode(conflict), this.#current);
      }
      this.#sendControl(ACCEPT, g, new Uint8Array(0), this.#current);
      return this.#switch(g, 'peer');
    }
    if (this.#proposed !== g) return this.top.graph.securityAlert(this.top, 'recompose-unexpected');
    if (type === ACCEPT) return this.#switch(g, 'us');
    if (type === REJECT) {
      this.#abandon(g);
      this.#changes.next({
        kind: 'rejected',
        generation: g,
        conflict: new TextDecoder().decode(payload),
        by: 'peer',
      });
    }
  }
}
