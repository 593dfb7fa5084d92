/**
 * The SAD owns every SA's life on the scheduler's clock (issue 11): lifetimes run from the
 * SA's creation whether or not a packet uses it; `events$` tells a key manager what happened;
 * hard expiry deletes the SA and wipes its keys. SPD rules name bundles, so rekeying is
 * installing the new SA, repointing the bundle and deleting the old one.
 */
import { Scheduler, type Protocol, type Session } from '@conduits/core';
import { Interface, Network } from '@conduits/netsim';
import { NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { MessagePool } from '@conduits/core';
import {
  Gateway,
  ipsecLayer,
  SecurityAssociation,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  siteToSite,
  spi,
  type SadEvent,
  type SaConfig,
  type SaEvent,
  type TransformSpec,
} from '@conduits/protocols-ipsec';
import { ipsecPair } from './scenario.js';

const gcm: TransformSpec = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
};
const pool = new MessagePool();
const config = (spiValue: number, extra: Partial<SaConfig> = {}): SaConfig => ({
  spi: spiValue,
  direction: 'outbound',
  mode: 'transport',
  transform: gcm,
  encryptionKey: new Uint8Array(20).fill(spiValue & 0xff),
  ...extra,
});
const describeEvent = (e: SadEvent): string =>
  `${e.time} ${e.kind}${e.kind === 'deleted' ? ` (${e.reason})` : e.kind === 'exhausted' ? ` (${e.what})` : ''} 0x${e.sa.spi.toString(16)}`;

describe('an SA nobody uses still expires (lifetimes from creation, on the clock)', () => {
  test("host: the layer's events report soft and hard expiry; the SA leaves the SAD with its keys wiped", () => {
    const net = new Network(1);
    const sad = new SecurityAssociationDatabase();
    const idle = sad.create(
      config(0x77, { softLifetime: { time: 1000 }, hardLifetime: { time: 2000 } }),
    );
    const layer = ipsecLayer({
      sad,
      spd: new SecurityPolicyDatabase(),
      address: parseIpv6('2001:db8::1'),
    });
    const events: string[] = [];
    layer.events$.subscribe((e: SaEvent) =>
      events.push(e.kind === 'lifetime' ? `${e.time} ${e.event}` : e.kind),
    );
    net.host('a', '2001:db8::1', { security: layer.conduit });
    net.run(5000);
    expect(events).toEqual(['1000 soft', '2000 hard']);
    expect(sad.size).toBe(0);
    expect(idle.keysDestroyed).toBe(true);
    expect(idle.state).toBe('deleted');
  });

  test("a clone of the layer shares no session state with it, and still gives its graph's clock to the SAD", () => {
    const net = new Network(3);
    const sad = new SecurityAssociationDatabase();
    const idle = sad.create(config(0x78, { hardLifetime: { time: 100 } }));
    const layer = ipsecLayer({
      sad,
      spd: new SecurityPolicyDatabase(),
      address: parseIpv6('2001:db8::1'),
    });
    const clone = layer.conduit.clone() as Protocol;
    const policyOf = (p: Protocol) =>
      p.children.find((c) => c.name === 'ipsec-policy') as Session<unknown>;
    expect(clone.children.some((c) => layer.conduit.children.includes(c))).toBe(false);
    expect(policyOf(clone).data).not.toBe(policyOf(layer.conduit).data);
    net.host('a', '2001:db8::1', { security: clone });
    expect(sad.scheduler).toBe(net.scheduler);
    net.run(100);
    expect(idle.keysDestroyed).toBe(true);
  });

  test('gateway: a tunnel SA that carries nothing expires and is wiped', () => {
    const net = new Network(2);
    const { sad, spd } = siteToSite({
      local: { outside: '2001:db8:ff::a', site: '2001:db8:a::/48' },
      peer: { outside: '2001:db8:ff::b', site: '2001:db8:b::/48' },
      transform: gcm,
      outbound: { spi: 0xa0b, key: new Uint8Array(20) },
      inbound: { spi: 0xb0a, key: new Uint8Array(20) },
    });
    const idle = sad.create(config(0x99, { hardLifetime: { time: 3000 } }));
    new Gateway(
      {
        name: 'gw',
        addresses: ['2001:db8:ff::a'],
        interfaces: [new Interface('outside')],
        routes: [{ prefix: { address: parseIpv6('::'), prefix: 0 }, interface: 0 }],
        sad,
        spd,
      },
      net.scheduler,
    );
    net.run(2999);
    expect(idle.keysDestroyed).toBe(false);
    net.run(3000);
    expect(idle.keysDestroyed).toBe(true);
    expect(sad.outbound(0x99)).toBeUndefined();
    expect(sad.size).toBe(2);
  });
});

describe("the SAD's events$ on virtual time", () => {
  test('added, soft expiry, hard expiry, deleted: times from the creation on the SAD clock (create no longer ignores it)', () => {
    const scheduler = new Scheduler();
    const sad = new SecurityAssociationDatabase({ scheduler });
    const events: string[] = [];
    sad.events$.subscribe((e) => events.push(describeEvent(e)));
    scheduler.run(500);
    const sa = sad.create(
      config(0x10, { softLifetime: { time: 1000 }, hardLifetime: { time: 2000 } }),
    );
    expect(sa.createdAt).toBe(500);
    scheduler.run(10_000);
    expect(events).toEqual([
      '500 added 0x10',
      '1500 soft-expiry 0x10',
      '2500 hard-expiry 0x10',
      '2500 deleted (hard-expiry) 0x10',
    ]);
    expect(sa.keysDestroyed).toBe(true);
    // The lifetime timers did not keep an unbounded run alive, and none is left behind.
    expect(scheduler.run()).toBe(0);
  });

  test('deleting an SA cancels its timers: no expiry events afterwards', () => {
    const scheduler = new Scheduler();
    const sad = new SecurityAssociationDatabase({ scheduler });
    const events: string[] = [];
    sad.events$.subscribe((e) => events.push(describeEvent(e)));
    sad.create(config(0x11, { hardLifetime: { time: 1000 } }));
    scheduler.run(10);
    expect(sad.delete('outbound', 0x11)).toBe(true);
    scheduler.run(5000);
    expect(events).toEqual(['0 added 0x11', '10 deleted (removed) 0x11']);
  });

  test('byte and packet lifetimes reached by traffic: hard expiry deletes the SA; the next packet raises ACQUIRE', () => {
    const p = ipsecPair(gcm, 3);
    const events: string[] = [];
    p.sads.a.events$.subscribe((e) => events.push(describeEvent(e)));
    const layerEvents: string[] = [];
    p.layers.a.events$.subscribe((e) => layerEvents.push(e.kind === 'lifetime' ? e.event : e.kind));
    const sa = p.sads.a.outbound(0x1001)!;
    p.sads.a.delete('outbound', 0x1001);
    const limited = p.sads.a.create({
      ...config(0x1001),
      source: p.a.address,
      destination: p.b.address,
      encryptionKey: p.keyed[0]!.encryptionKey,
      softLifetime: { packets: 2 },
      hardLifetime: { bytes: 3 * 12 },
    });
    let got = 0;
    p.b.bind(7).datagrams$.subscribe(() => got++);
    const ep = p.a.bind(1);
    for (let i = 0; i < 4; i++)
      p.net.scheduler.at(i, () => ep.send(p.b.address, 7, new Uint8Array(4)));
    p.net.run();
    expect(got).toBe(3);
    expect(events).toEqual([
      '0 deleted (removed) 0x1001',
      '0 added 0x1001',
      '1 soft-expiry 0x1001',
      '2 hard-expiry 0x1001',
      '2 deleted (hard-expiry) 0x1001',
    ]);
    expect(layerEvents).toEqual(['soft', 'hard', 'acquire']);
    expect(p.a.graph.drops.snapshot()).toEqual({ 'esp-no-sa': 1 });
    expect([sa.keysDestroyed, limited.keysDestroyed]).toEqual([true, true]);
  });

  test('sequence exhaustion (outbound) and the top of a 32-bit replay window (inbound) are reported once', () => {
    const scheduler = new Scheduler();
    const sad = new SecurityAssociationDatabase({ scheduler });
    const events: string[] = [];
    sad.events$.subscribe((e) => e.kind === 'exhausted' && events.push(describeEvent(e)));
    const out = sad.create(config(0x20, { initialSequence: 0xfffffffe }));
    const inn = sad.create(config(0x20, { direction: 'inbound' }));
    const m = pool.from(Uint8Array.of(1, 2, 3));
    expect(out.encapsulate(m.buffer, NextHeader.UDP)).toBeNull();
    expect(inn.decapsulate(m.buffer)).toBe(NextHeader.UDP);
    for (let i = 0; i < 3; i++)
      expect(out.encapsulate(pool.from(Uint8Array.of(1)).buffer, NextHeader.UDP)).toBe(
        'esp-sequence-exhausted',
      );
    expect(events).toEqual(['0 exhausted (replay-window) 0x20', '0 exhausted (sequence) 0x20']);
  });

  test('one SAD, one clock; one SA, one SAD', () => {
    const sad = new SecurityAssociationDatabase({ scheduler: new Scheduler() });
    expect(() => sad.useScheduler(new Scheduler())).toThrow(RangeError);
    const other = new SecurityAssociationDatabase();
    const sa = sad.create(config(0x30));
    expect(() => other.add(sa)).toThrow(RangeError);
    const loose = new SecurityAssociation(config(0x31));
    loose.destroy();
    expect(() => other.add(loose)).toThrow(RangeError);
  });
});

describe('SPD rules point at bundles: rekeying without rebuilding the SPD', () => {
  test('install the new SA, repoint the bundle, delete the old: traffic moves to the new SA, the SPD is untouched', () => {
    const p = ipsecPair(gcm, 4);
    const spd = p.spds.a;
    const old = spd.outbound[0]!;
    expect(
      spd.replace(old, { name: 'to-b', selector: old.selector, action: 'protect', bundle: 'to-b' }),
    ).toBe(true);
    p.sads.a.setBundle('to-b', spi(0x1001));
    const rules = [...spd.outbound];
    let got = 0;
    p.b.bind(7).datagrams$.subscribe(() => got++);
    const ep = p.a.bind(1);
    ep.send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    // The key manager's rekey: new SA at both ends, the bundle repointed, the old SA gone.
    const key = new Uint8Array(20).fill(0x5a);
    p.sads.b.create({
      ...config(0x1002, { direction: 'inbound', encryptionKey: key }),
      source: p.a.address,
      destination: p.b.address,
    });
    p.sads.a.create({
      ...config(0x1002, { encryptionKey: key }),
      source: p.a.address,
      destination: p.b.address,
    });
    p.sads.a.setBundle('to-b', spi(0x1002));
    p.sads.a.delete('outbound', 0x1001);
    ep.send(p.b.address, 7, Uint8Array.of(2));
    p.net.run();
    expect(got).toBe(2);
    expect(p.sads.b.inbound(0x1001)!.stats.packets).toBe(1);
    expect(p.sads.b.inbound(0x1002)!.stats.packets).toBe(1);
    expect(spd.outbound).toEqual(rules);
    expect(p.a.graph.drops.total + p.b.graph.drops.total).toBe(0);
  });

  test('a rule naming a bundle the SAD does not define drops with esp-no-sa and raises ACQUIRE for the bundle', () => {
    const p = ipsecPair(gcm, 5);
    const acquired: string[] = [];
    p.layers.a.events$.subscribe(
      (e) => e.kind === 'acquire' && acquired.push(`${e.bundle}:${e.spi}`),
    );
    p.spds.a.outbound.unshift({
      name: 'to-b',
      selector: { nextHeader: NextHeader.UDP },
      action: 'protect',
      bundle: 'to-b',
    });
    p.a.bind(1).send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    expect(acquired).toEqual(['to-b:0']);
    expect(p.a.graph.drops.snapshot()).toEqual({ 'esp-no-sa': 1 });
  });

  test('replace and remove named rules in place', () => {
    const spd = new SecurityPolicyDatabase();
    spd.defaultOutbound = 'bypass';
    spd
      .addOutbound({ name: 'a', selector: { remotePort: 1 }, action: 'discard' })
      .addOutbound({ name: 'b', selector: { remotePort: 2 }, action: 'discard' });
    spd.addInbound({ name: 'in', selector: {}, accept: [['esp']] });
    const sel = {
      remote: new Uint8Array(16),
      remoteAt: 0,
      local: new Uint8Array(16),
      localAt: 0,
      nextHeader: 17,
      remotePort: 1,
      localPort: 5,
    };
    expect(spd.matchOutbound(sel)?.name).toBe('a');
    expect(spd.replace('a', { name: 'a2', selector: { remotePort: 1 }, action: 'bypass' })).toBe(
      true,
    );
    expect(spd.outbound.map((r) => r.name)).toEqual(['a2', 'b']);
    expect(spd.replace('in', { name: 'in', selector: {}, accept: [[]] })).toBe(true);
    expect(spd.accepts(sel, 0)).toBe(true);
    expect(spd.remove('a2')).toBe(true);
    expect(spd.remove('in')).toBe(true);
    expect(spd.remove('nothing')).toBe(false);
    expect(spd.replace('nothing', { selector: {}, action: 'bypass' })).toBe(false);
    expect(spd.matchOutbound(sel)).toBeUndefined();
    expect(spd.inbound).toEqual([]);
  });
});
