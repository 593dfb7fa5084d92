/**
 * SecComm's API (§3.1) for application code: open(participants, keys) on a host's UDP port,
 * push(msg), delivery upward (with AUTH_SENDER when authenticity is configured), close().
 * Underneath it is the paper's Figure 1 as a conduit graph on the host:
 *
 *   application adaptor — SecComm composite — connected UDP session — ports Mux — UDP — IPv6 …
 *
 * The host may be simulated (netsim) or on real sockets (a Host over a DgramAdaptor).
 */
import {
  ApplicationAdaptor,
  connect,
  type CompositeProtocol,
  type Session,
  type Delivery,
  type Message,
} from '@conduits/core';
import { parseIpv6, type Host, type Ipv6Address } from '@conduits/protocols-inet';
import type { Observable } from 'rxjs';
import type { CompositionConfig, ResolvedComposition } from '../config/composition.js';
import type { Strength } from '../config/strength.js';
import { LiveConnection, RecompositionBusyError } from '../live/live-connection.js';
import { AUTH_SENDER } from '../micro/authenticity.js';
import { Push } from '../runtime/push-gate.js';
import { closeConnection, openConnection, type OpenOptions } from '../runtime/secure-connection.js';
import { ipPeerSession, udpPeerSession } from './udp-peer-session.js';

export interface ChannelOptions extends Omit<OpenOptions, 'now'> {
  /** Our UDP port. */
  readonly port: number;
  readonly peer: Ipv6Address | string;
  readonly peerPort: number;
  readonly name?: string;
  /** Allow recompose() on this channel (adds a generation byte and a kind byte per message). */
  readonly live?: boolean;
  /** With `live`: which of the peer's proposals this end accepts (null) or refuses (why). @default refuse anything weaker than the composition in force */
  readonly recompositionPolicy?: (composition: ResolvedComposition) => string | null;
  /** With `live`: no composition below this strength is used, whoever proposes it. */
  readonly recompositionFloor?: Partial<Strength>;
}

/** What the application receives: the bytes (valid during the call) and who sent them, when authenticated. */
export type ChannelHandler = (data: Uint8Array, authenticatedSender: string | undefined) => void;

export class SecureChannel {
  readonly app: ApplicationAdaptor;
  /** Set when the channel was opened with `live: true`. */
  readonly live: LiveConnection | null;
  readonly #conn: CompositeProtocol | null;
  readonly #detach: () => void;
  #open = true;

  private constructor(
    detach: () => void,
    conn: CompositeProtocol | LiveConnection,
    app: ApplicationAdaptor,
  ) {
    this.#detach = detach;
    this.#conn = conn instanceof LiveConnection ? null : conn;
    this.live = conn instanceof LiveConnection ? conn : null;
    this.app = app;
  }

  /** The composite protocol messages go through now (with `live`, the current generation's). */
  get conn(): CompositeProtocol {
    return this.#conn ?? (this.live as LiveConnection).current;
  }

  /** Change the composition by agreement with the peer (needs `live: true`); see LiveConnection. */
  recompose(config: CompositionConfig): void {
    if (this.live === null)
      throw new RecompositionBusyError('the channel was not opened with live: true');
    this.live.recompose(config);
  }

  /** open(participants, keys): install the composite on `options.port` of `host`; key distribution starts at once. */
  static open(
    host: Host,
    composition: ResolvedComposition,
    options: ChannelOptions,
  ): SecureChannel {
    const peer = typeof options.peer === 'string' ? parseIpv6(options.peer) : options.peer;
    const below = udpPeerSession(options.port, peer, options.peerPort);
    host.ports.install(options.port, below);
    return SecureChannel.#build(
      host,
      below,
      composition,
      options.name ?? `seccomm:${options.port}`,
      options,
      () => host.close(options.port),
    );
  }

  /**
   * The same directly on IPv6 (the paper's Figure 1 without UDP): the composite sits on the
   * host's next-header Mux under `protocol` (253 and 254 are for experiments, RFC 3692).
   */
  static openOnIp(
    host: Host,
    composition: ResolvedComposition,
    options: Omit<ChannelOptions, 'port' | 'peerPort'> & { readonly protocol: number },
  ): SecureChannel {
    const peer = typeof options.peer === 'string' ? parseIpv6(options.peer) : options.peer;
    const below = ipPeerSession(options.protocol, peer);
    host.nextHeaders.install(options.protocol, below);
    return SecureChannel.#build(
      host,
      below,
      composition,
      options.name ?? `seccomm:ip${options.protocol}`,
      options,
      () => void host.nextHeaders.remove(options.protocol),
    );
  }

  static #build(
    host: Host,
    below: Session,
    composition: ResolvedComposition,
    name: string,
    options: Omit<ChannelOptions, 'port' | 'peerPort'>,
    detach: () => void,
  ): SecureChannel {
    const scheduler = host.graph.scheduler;
    const app = new ApplicationAdaptor(`${name}-app`);
    if (options.live) {
      const live = new LiveConnection(name, composition, {
        ...options,
        now: () => scheduler.now(),
        ...(options.recompositionPolicy ? { policy: options.recompositionPolicy } : {}),
        ...(options.recompositionFloor ? { floor: options.recompositionFloor } : {}),
      });
      const parts = live.conduits();
      connect(below.b, live.bottom.a);
      connect(live.top.b, app.a);
      for (const c of [below, ...parts, app]) host.graph.adopt(c, null);
      return new SecureChannel(detach, live, app);
    }
    const conn = openConnection(name, composition, { ...options, now: () => scheduler.now() });
    connect(below.b, conn.a);
    connect(conn.b, app.a);
    for (const c of [below, conn, app]) host.graph.adopt(c, null);
    return new SecureChannel(detach, conn, app);
  }

  /** push(msg): sent with the configured security attributes (waits while keys are being distributed). */
  push(data: Uint8Array): void {
    if (!this.#open) throw new ChannelClosedError();
    this.app.send(data);
  }

  /** Zero-copy delivery: `data` is valid only during the call. */
  onMessage(handler: ChannelHandler): () => void {
    return this.app.onMessage((msg: Message) =>
      handler(msg.buffer.subarray(), msg.get(AUTH_SENDER)),
    );
  }

  /** Copies of delivered messages, for application code that prefers Observables. */
  get messages$(): Observable<Delivery> {
    return this.app.messages$;
  }

  /** False while a key is being distributed or replaced (pushed messages wait meanwhile). */
  get ready(): boolean {
    return this.conn.shared.get(Push).enabled;
  }

  /** close(): keys wiped, the port freed. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.live) this.live.close();
    else closeConnection(this.conn);
    this.#detach();
  }
}

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor() {
    super('push on a closed SecComm channel');
  }
}
