/**
 * ESP in UDP over a real UDP socket (RFC 3948 as strongSwan's userspace ESP speaks it): the
 * kernel's IPv6 and UDP become the outer headers of the graph's ESP-in-UDP packets.
 *
 * A host's or gateway's graph sends whole IPv6 packets; this link takes those that are UDP
 * from its port (ESP in UDP, keepalives, IKE), and sends their UDP payload from its socket to
 * the packet's destination address and port, letting the kernel write the headers. What the
 * socket receives goes up as the packet the kernel took apart: an IPv6 header from the sender
 * to the graph's own address and a UDP header (checksum computed), so the graph's IPsec layer
 * checks and opens it as it would on any link. Use it as a Host's `link` or a Gateway's
 * outside interface, on a Scheduler with a RealClock.
 */
import type { Conduit, Message, Port } from '@conduits/core';
import {
  addressEquals,
  DgramAdaptor,
  formatIpv6,
  NextHeader,
  parseIpv6,
  socketAddress,
  socketPort,
  type DgramOptions,
  type Ipv6Address,
} from '@conduits/protocols-inet';
import { DST, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';

export interface KernelUdpLinkOptions extends Omit<DgramOptions, 'type' | 'peer'> {
  /** The graph's own address: what the socket receives is addressed to it. */
  readonly graphAddress: Ipv6Address;
}

export class KernelUdpLink extends DgramAdaptor {
  readonly #graphAddress: Ipv6Address;
  readonly #linkOptions: KernelUdpLinkOptions;
  #port: number;
  /** The last peer seen either way, as bytes and as text: one peer is the common case, and parsing or formatting it per packet would allocate. */
  #peerText = '';
  #peerBytes: Ipv6Address = new Uint8Array(16) as Ipv6Address;

  constructor(name: string, options: KernelUdpLinkOptions) {
    super(name, { ...options, type: 'udp6' });
    this.#linkOptions = options;
    this.#graphAddress = options.graphAddress;
    this.#port = options.port ?? 0;
  }

  override clone(): Conduit {
    return new KernelUdpLink(this.name, this.#linkOptions);
  }

  override async open(): Promise<number> {
    this.#port = await super.open();
    return this.#port;
  }

  /** A datagram from the socket: put back the IPv6 and UDP headers the kernel took off. */
  override inject(msg: Message): void {
    const text = msg.get(socketAddress) ?? '::';
    if (text !== this.#peerText) {
      this.#peerText = text;
      this.#peerBytes = parseIpv6(text);
    }
    const b = msg.buffer;
    writeUdp(b, msg.get(socketPort) ?? 0, this.#port, this.#peerBytes, this.#graphAddress);
    writeIpv6Header(b, NextHeader.UDP, 64, this.#peerBytes, this.#graphAddress);
    super.inject(msg);
  }

  /** A packet from the graph: UDP from this link's port goes out of the socket, the kernel writing the headers. */
  override deliver(msg: Message, from: Port): void {
    const b = msg.buffer;
    const at = b.start;
    if (b.length < 48 || b.bytes[at + 6] !== NextHeader.UDP) return this.drop(msg, 'link-not-udp');
    if (b.view.getUint16(at + 40) !== this.#port) return this.drop(msg, 'link-wrong-port');
    if (!addressEquals(b.bytes, at + DST, this.#peerBytes)) {
      this.#peerBytes = b.bytes.slice(at + DST, at + DST + 16) as Ipv6Address;
      this.#peerText = formatIpv6(this.#peerBytes);
    }
    msg.set(socketAddress, this.#peerText).set(socketPort, b.view.getUint16(at + 42));
    b.pull(48);
    super.deliver(msg, from);
  }
}
