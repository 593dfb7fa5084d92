/**
 * A simulated network: one virtual clock, one seeded generator, hosts and links.
 */
import { Scheduler, SeededRandom, VirtualClock } from '@conduits/core';
import { Host, type HostOptions } from '@conduits/protocols-inet';
import { Interface, Link, type LinkParams } from './link.js';

export class Network {
  readonly scheduler = new Scheduler(new VirtualClock());
  readonly random: SeededRandom;
  readonly links: Link[] = [];
  readonly hosts = new Map<string, Host>();

  constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** A host with an IPv6/UDP stack on a fresh interface. */
  host(
    name: string,
    address: string,
    options: Omit<HostOptions, 'name' | 'address' | 'link'> = {},
  ): Host {
    const h = new Host(
      { ...options, name, address, link: new Interface(`${name}-eth0`) },
      this.scheduler,
    );
    this.hosts.set(name, h);
    return h;
  }

  /** Connect two hosts' interfaces (each host has one interface here). */
  connect(x: Host, y: Host, params: LinkParams = {}): Link {
    return this.link(interfaceOf(x), interfaceOf(y), params);
  }

  link(a: Interface, b: Interface, params: LinkParams = {}): Link {
    const l = new Link(a, b, params, this.scheduler, this.random);
    this.links.push(l);
    return l;
  }

  /** Cut links (all, or the given ones) until healed. */
  partition(...links: Link[]): void {
    for (const l of links.length ? links : this.links) l.up = false;
  }

  heal(...links: Link[]): void {
    for (const l of links.length ? links : this.links) l.up = true;
  }

  run(until?: number): number {
    return this.scheduler.run(until);
  }
}

function interfaceOf(h: Host): Interface {
  if (!(h.link instanceof Interface))
    throw new TypeError(`host ${h.graph.name} is not on a simulated interface`);
  return h.link;
}

/**
 * Run a simulation body with a seed; on failure the error says how to replay it
 * (`SEED=<n>`), so a failing random scenario can be reproduced exactly.
 */
export function withSeed<T>(
  body: (seed: number) => T,
  seed = Number(process.env['SEED'] ?? Math.floor(Math.random() * 2 ** 31)),
): T {
  try {
    return body(seed);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `${err.message}\n(simulation seed ${seed}: replay with SEED=${seed})`;
    throw err;
  }
}
