/**
 * A host as a conduit graph:
 *
 *   UDP endpoints (one per bound port)       ICMPv6
 *             \ B[port]                        |
 *              ports Mux ── B[0]: no-listener  |
 *                 |                            |
 *                UDP                           |
 *                 \ B[17]                     / B[58]
 *                    next-header Mux ──────── B[0]: unknown-protocol
 *                          |
 *                  [security layer]   (IPsec, when given)
 *                          |
 *                       Fragment
 *                          |
 *                        IPv6
 *                          |
 *                     link adaptor
 */
import {
  GraphBuilder,
  Mux,
  type Adaptor,
  type Conduit,
  type Graph,
  type MessagePool,
  type Scheduler,
} from '@conduits/core';
import { parseIpv6, type Ipv6Address } from './codec/address.js';
import { NextHeader } from './codec/constants.js';
import { UdpEndpoint } from './adaptors/udp-endpoint.js';
import { fragmentSession, type FragmentConfig } from './conduits/fragment-session.js';
import { icmpv6, type Icmpv6Endpoint, type Icmpv6Options } from './conduits/icmpv6-session.js';
import { ipv6Session } from './conduits/ipv6-session.js';
import { PathMtuCache } from './conduits/path-mtu.js';
import { UdpExpress } from './conduits/udp-express.js';
import {
  nextHeaderAccessor,
  noListenerSession,
  portAccessor,
  udpSession,
  unknownProtocolSession,
} from './conduits/udp-session.js';

export interface HostOptions {
  readonly name: string;
  readonly address: string | Ipv6Address;
  /** The adaptor to the network (a simulated link, a UDP tunnel, a probe). */
  readonly link: Adaptor;
  readonly fragment?: FragmentConfig;
  readonly icmp?: Icmpv6Options;
  /**
   * A layer between reassembly and the upper-layer protocols (IPsec, in Java Conduits
   * Figure 7): its side A faces Fragment, its side B the next-header Mux.
   */
  readonly security?: Conduit;
  readonly pool?: MessagePool;
  /**
   * The express lane for unicast UDP (Ensemble's bypass; see UdpExpress). Never used with a
   * security layer, whose policy must see every packet, nor while the graph is traced, nor
   * after the graph is rewired (a layer inserted at run time) until its path is found again.
   * @default true
   */
  readonly express?: boolean;
}

export class Host {
  readonly graph: Graph;
  readonly address: Ipv6Address;
  readonly ports: Mux<number>;
  readonly nextHeaders: Mux<number>;
  readonly icmp: Icmpv6Endpoint;
  /** Path MTUs learned from Packet Too Big (RFC 8201), used by Fragment. */
  readonly pathMtu: PathMtuCache;
  /** The express lane for unicast UDP, when this host has one. */
  readonly express: UdpExpress | null;
  /** The adaptor to the network this host was built on. */
  readonly link: Adaptor;
  readonly #pool: MessagePool | undefined;

  constructor(options: HostOptions, scheduler: Scheduler) {
    this.address =
      typeof options.address === 'string' ? parseIpv6(options.address) : options.address;
    this.#pool = options.pool;
    this.link = options.link;
    const g = new GraphBuilder(options.name);
    const express =
      options.express !== false && options.security === undefined
        ? new UdpExpress(this.address)
        : undefined;
    this.express = express ?? null;
    const ip = g.add(ipv6Session({ address: this.address, ...(express ? { express } : {}) }));
    this.pathMtu = new PathMtuCache(Math.max(1280, options.fragment?.mtu ?? 1280));
    this.icmp = icmpv6(this.address, { ...options.icmp, pathMtu: this.pathMtu });
    const frag = g.add(
      fragmentSession(
        {
          ...options.fragment,
          pathMtu: this.pathMtu,
          errors: this.icmp,
          ...(options.pool ? { pool: options.pool } : {}),
        },
        seedFrom(this.address),
      ),
    );
    this.nextHeaders = g.add(new Mux<number>('next-header', nextHeaderAccessor));
    if (options.security)
      g.stack(this.nextHeaders, g.add(options.security), frag, ip, g.add(options.link));
    else g.stack(this.nextHeaders, frag, ip, g.add(options.link));
    g.connect(this.nextHeaders.b, g.add(unknownProtocolSession(this.icmp)).a);
    const udp = udpSession(this.address);
    g.route(this.nextHeaders, NextHeader.UDP, udp);
    g.route(this.nextHeaders, NextHeader.ICMPV6, this.icmp.session);
    this.ports = g.add(new Mux<number>('ports', portAccessor));
    g.connect(udp.b, this.ports.a);
    g.connect(this.ports.b, g.add(noListenerSession(this.icmp)).a);
    this.graph = g.build(scheduler);
  }

  /** Bind a UDP port: installs an endpoint on the ports Mux. */
  bind(port: number): UdpEndpoint {
    const ep = new UdpEndpoint(port, this.#pool);
    this.ports.install(port, ep);
    this.graph.adopt(ep, null);
    return ep;
  }

  close(port: number): void {
    this.ports.remove(port);
  }
}

/** Fragment ids start from a value of the address, so two hosts differ yet runs repeat. */
function seedFrom(a: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of a) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
