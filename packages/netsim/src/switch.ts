/**
 * A switch joining several simulated hosts: each host gets its own link to a switch port, and
 * the switch forwards each IPv6 packet to the port of its destination address (learned from
 * the hosts connected). Links keep their own delay, loss, adversary and capture, so an
 * attacker can sit on one host's link only. Packets to unknown destinations are counted and
 * dropped.
 */
import { formatIpv6, type Host } from '@conduits/protocols-inet';
import { Interface, type Link, type LinkParams } from './link.js';
import type { Network } from './network.js';

const DST = 24;

class SwitchPort extends Interface {
  constructor(
    name: string,
    readonly owner: Switch,
  ) {
    super(name);
  }
  override receive(data: Uint8Array): void {
    this.owner.forward(data);
  }
}

export class Switch {
  readonly #ports = new Map<string, SwitchPort>();
  readonly stats = { forwarded: 0, unknownDestination: 0 };

  constructor(
    readonly network: Network,
    readonly name = 'switch',
  ) {}

  /** Connect `host` to a new port; its address is where packets for it go. */
  connect(host: Host, params: LinkParams = {}): Link {
    if (!(host.link instanceof Interface))
      throw new TypeError(`host ${host.graph.name} is not on a simulated interface`);
    const port = new SwitchPort(`${this.name}-port${this.#ports.size}`, this);
    this.#ports.set(formatIpv6(host.address), port);
    return this.network.link(host.link, port, params);
  }

  forward(packet: Uint8Array): void {
    const port = packet.length >= DST + 16 ? this.#ports.get(formatIpv6(packet, DST)) : undefined;
    if (port?.link == null) return void this.stats.unknownDestination++;
    this.stats.forwarded++;
    port.link.transmit(port, packet);
  }
}
