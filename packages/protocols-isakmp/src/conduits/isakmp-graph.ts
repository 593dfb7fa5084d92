/**
 * The ISAKMP graph of Java Conduits Figure 9:
 *
 *      isakmp-sa (one Session per ISAKMP SA: the association's FSM; B side: the policy manager, by events)
 *           \ B[i]
 *     cookie mux ── B[0]: isakmp-factory (consults the policy manager: admit or refuse)
 *           |
 *      UDP adaptor (port 500; the host's UDP endpoint on the simulator, a socket otherwise)
 *
 * The mux routes on the initiator cookie (the responder cookie is not known when an association
 * starts, and is checked by the association itself); the factory clones the ISAKMP SA session
 * for a first Main Mode packet the policy manager admits.
 */
import {
  ConduitFactory,
  GraphBuilder,
  MessagePool,
  Mux,
  Session,
  type Accessor,
  type Graph,
  type Message,
  type Scheduler,
  type State,
} from '@conduits/core';
import type { CryptoEngine } from '@conduits/crypto';
import { parseIpv6, type Ipv6Address } from '@conduits/protocols-inet';
import { decodeHeader, hexOf } from '../codec/header.js';
import { decodeMessage as decodeRaw } from '../codec/message.js';
import type { PeerRuntime, ChildRuntime } from '../policy/peer-runtime.js';
import type { PolicyManager } from '../policy/policy-manager.js';
import { IsakmpAssociation, type AssociationOptions } from '../sa/association.js';
import { ikePeer, ikePeerPort } from './attributes.js';
import { IkeUdpAdaptor, type IkeTransport } from './ike-udp-adaptor.js';

const cookieAccessor: Accessor<string> = {
  name: 'initiator-cookie',
  key(msg: Message) {
    const b = msg.buffer;
    if (b.length < 28) return undefined;
    return hexOf(b.bytes.subarray(b.start, b.start + 8));
  },
};

interface Slot {
  association: IsakmpAssociation | null;
}

export interface IsakmpNodeOptions {
  readonly manager: PolicyManager;
  readonly transport: IkeTransport;
  readonly scheduler: Scheduler;
  readonly engine: CryptoEngine;
  readonly name?: string;
  /** Opt-in: tshark `ikev1_decryption_table` lines (`ICOOKIE,KEY`) for each ISAKMP SA, to open captures in Wireshark. */
  readonly ikev1KeyLog?: (line: string) => void;
}

export class IsakmpNode {
  readonly graph: Graph;
  readonly mux: Mux<string>;
  readonly adaptor: IkeUdpAdaptor;
  readonly factory: ConduitFactory;
  readonly manager: PolicyManager;
  readonly #prototype: Session<Slot>;
  readonly #pool = new MessagePool();
  readonly #options: Omit<AssociationOptions, 'transport'>;
  readonly #sessions = new Map<IsakmpAssociation, Session<Slot>>();

  constructor(o: IsakmpNodeOptions) {
    this.manager = o.manager;
    const local = parseIpv6(o.manager.config.address);
    const rt = o.manager.config.retransmit;
    this.#options = {
      engine: o.engine,
      scheduler: o.scheduler,
      local,
      retransmit: { timeout: rt?.timeout ?? 500, tries: rt?.tries ?? 5 },
      owner: o.manager,
      natTraversal: o.manager.config.natTraversal ?? false,
      ...(o.ikev1KeyLog ? { keyLog: o.ikev1KeyLog } : {}),
    };
    const node = this;
    const saState: State<Slot> = {
      name: 'isakmp-sa',
      accept(s, msg, from) {
        if (from !== 'A') return s.drop(msg, 'not-from-the-network');
        const peer = msg.get(ikePeer);
        const port = msg.get(ikePeerPort) ?? 500;
        const bytes = msg.buffer.copy();
        msg.release();
        const d = decodeRaw(bytes);
        if (!d.ok || peer === undefined)
          return void o.manager.drops.set('decode', (o.manager.drops.get('decode') ?? 0) + 1);
        let a = s.data.association;
        if (a === null) {
          // Made by the factory for an admitted first message: this association answers it.
          const p = o.manager.peerByAddress(peer) as PeerRuntime;
          a = node.#make(s, 'responder', p, peer, d.value.header.initiatorCookie.slice());
          o.manager.adopt(a);
        }
        a.receive(d.value, port);
      },
    };
    this.#prototype = new Session<Slot>('isakmp-sa', {
      initial: saState,
      data: () => ({ association: null }),
      terminal: 'B',
    });
    const g = new GraphBuilder(o.name ?? 'isakmp');
    this.adaptor = g.add(new IkeUdpAdaptor(o.transport, this.#pool));
    this.mux = g.add(new Mux<string>('isakmp-cookies', cookieAccessor));
    this.factory = g.add(
      new ConduitFactory('isakmp-factory', this.#prototype, {
        admit: (msg) => {
          const h = decodeHeader(msg.buffer.subarray());
          const peer = msg.get(ikePeer);
          if (!h.ok || peer === undefined) return false;
          return o.manager.admit(peer, h.value);
        },
      }),
    );
    g.connect(this.adaptor.a, this.mux.a);
    g.connect(this.mux.b, this.factory.a);
    this.graph = g.build(o.scheduler);
    o.manager.bind(this, () => o.scheduler.now());
  }

  #make(
    s: Session<Slot>,
    role: 'initiator' | 'responder',
    peer: PeerRuntime,
    address: Ipv6Address,
    ckyI: Uint8Array,
  ): IsakmpAssociation {
    const a = new IsakmpAssociation(role, peer, address, ckyI, {
      ...this.#options,
      owner: {
        established: (x) => this.manager.established(x),
        childEstablished: (x, r) => this.manager.childEstablished(x, r),
        childFailed: (x, c, r) => this.manager.childFailed(x, c, r),
        deleted: (x, spis) => this.manager.deleted(x, spis),
        dropped: (x, r) => this.manager.dropped(x, r),
        ended: (x, r) => {
          this.manager.ended(x, r);
          this.#sessions.delete(x);
          // Leave the mux from the carrier loop, not from inside the session's own handler.
          this.#options.scheduler.after(0, () => {
            if (this.mux.lookup(x.key) === s) this.mux.remove(x.key);
          });
        },
      },
      transport: {
        send: (_x, bytes) => {
          const m = this.#pool.from(bytes);
          m.set(ikePeer, address).set(ikePeerPort, _x.floated ? 4500 : 500);
          s.send('A', m);
        },
      },
    });
    s.data.association = a;
    this.#sessions.set(a, s);
    return a;
  }

  /** Start Main Mode with `peer`, then Quick Mode for `children`. */
  initiate(peer: PeerRuntime, children: readonly ChildRuntime[]): IsakmpAssociation {
    let cky = this.#options.engine.randomBytes(8);
    while (this.mux.lookup(hexOf(cky)) !== undefined) cky = this.#options.engine.randomBytes(8);
    const s = this.#prototype.clone() as Session<Slot>;
    this.graph.adopt(s, null);
    this.mux.install(hexOf(cky), s);
    const a = this.#make(s, 'initiator', peer, peer.address, cky);
    this.manager.track(a);
    a.start(children);
    return a;
  }

  /** Associations alive now. */
  get associations(): IsakmpAssociation[] {
    return [...this.#sessions.keys()];
  }
}
