/**
 * The SA mux of an IPsec layer: side A to the session that applies the policy, B[0] to the
 * wire (a pass-through to what lies below the layer), B[i] to SA i's FSM / Coder / Cipher
 * Protocol (`saProtocol`), installed the first time the SA is used and retired once the SA
 * is deleted (the SAD's `deleted` event; the removal is deferred to the carrier loop, as the
 * deleting packet may still be inside that Protocol). Shared by the host's layer (Figure 7)
 * and the gateway's (Figure 8).
 */
import {
  Mux,
  PassThrough,
  attribute,
  type Accessor,
  type GraphBuilder,
  type Protocol,
  type Session,
} from '@conduits/core';
import type { SecurityAssociationDatabase } from '../sad.js';
import type { SecurityAssociation } from '../security-association.js';
import { retireSaProtocol, saProtocol } from './sa-protocol.js';

/** Which SA Protocol a packet is for inside the layer (0: none, the wire). */
export const saKey = attribute<number>('ipsec.saKey', 'stack');
const saAccessor: Accessor<number> = {
  name: 'sa',
  key: (m) => m.get(saKey) ?? 0,
  format: (k) => (k === 0 ? 'wire' : `sa ${k}`),
};

export class SaMux {
  readonly mux: Mux<number>;
  /** B[0]: its side B is what the layer shows below (connect it to Fragment). */
  readonly wire: Session;
  readonly #installed = new Map<SecurityAssociation, number>();
  #next = 1;

  constructor(g: GraphBuilder, sad?: SecurityAssociationDatabase) {
    this.mux = g.add(new Mux<number>('sa-mux', saAccessor));
    this.wire = g.session('ipsec-wire', { initial: PassThrough });
    g.connect(this.mux.b, this.wire.a);
    sad?.events$.subscribe((e) => {
      if (e.kind === 'deleted' && this.#installed.has(e.sa))
        sad.scheduler?.defer(() => this.sweep());
    });
  }

  /** The mux key of `sa`'s Protocol, installing it (from session `s`, in `s`'s graph) on first use. */
  keyOf(s: Session, sa: SecurityAssociation, firstUse?: (sa: SecurityAssociation) => void): number {
    const k = this.#installed.get(sa);
    if (k !== undefined) return k;
    // A new SA often replaces a deleted one: retire those first.
    this.sweep();
    const key = this.#next++;
    this.#installed.set(sa, key);
    const p = saProtocol(sa);
    this.mux.install(key, p);
    s.graph.adopt(p, s.parent);
    firstUse?.(sa);
    return key;
  }

  /** Retire the Protocols of SAs deleted from the SAD (their keys are already wiped). */
  sweep(): void {
    for (const [sa, key] of this.#installed) {
      if (sa.state !== 'deleted') continue;
      this.#installed.delete(sa);
      // Its sessions closed, its Cipher's keys wiped (already, with the SA; retiring makes it so for any removal).
      const p = this.mux.remove(key) as Protocol | undefined;
      if (p !== undefined) retireSaProtocol(p);
    }
  }
}
