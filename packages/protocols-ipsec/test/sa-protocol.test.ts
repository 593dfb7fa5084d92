/**
 * ESP SAs as Java Conduits' FSM / Coder / Cipher stacks: each SA a Protocol of three sessions
 * on the IPsec layer's SA mux; the Cipher the only holder of keys; arriving packets
 * decorated with the SAs that were applied.
 */
import { describeGraph, SeededRandom } from '@conduits/core';
import { Network } from '@conduits/netsim';
import { NextHeader, parseIpv6, type UdpEndpoint } from '@conduits/protocols-inet';
import {
  ipsecLayer,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type SaConfig,
} from '@conduits/protocols-ipsec';
import { appliedProtection, innerSa, outerSa } from '@conduits/protocols-ipsec/internal';
import { ipsecPair } from './scenario.js';

const gcm = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
} as const;
const sha256 = {
  encryption: 'null',
  encryptionKeyLength: 0,
  integrity: 'hmac-sha256-128',
} as const;

function received(
  ep: UdpEndpoint,
): { spis: [number | undefined, number | undefined]; applied: number | undefined }[] {
  const out: { spis: [number | undefined, number | undefined]; applied: number | undefined }[] = [];
  ep.onDatagram(
    (m) =>
      void out.push({ spis: [m.get(outerSa), m.get(innerSa)], applied: m.get(appliedProtection) }),
  );
  return out;
}

describe('an ESP SA is a Protocol of FSM, Coder and Cipher sessions', () => {
  test('each SA used joins the SA mux as its own FSM / Coder / Cipher Protocol', () => {
    const p = ipsecPair(gcm);
    const got = received(p.b.bind(7));
    p.a.bind(9).send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    expect(got).toEqual([{ spis: [0x1001, undefined], applied: 1 }]);
    const names = describeGraph(p.b.graph).nodes.map((n) => n.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'esp-fsm 0x00001001',
        'esp-coder 0x00001001',
        'esp-cipher 0x00001001',
        'sa-mux',
        'ipsec-policy',
      ]),
    );
  });

  test('the keys are in the Cipher alone: the SA (its FSM) holds none, and deleting the SA wipes them and retires its Protocol', () => {
    const p = ipsecPair(gcm);
    p.a.bind(9).send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    const sa = p.sads.b.inbound(0x1001)!;
    const key = p.keyed.find((k) => k.spi === 0x1001)!.encryptionKey;
    const hex = Buffer.from(key.subarray(0, 16)).toString('hex');
    // Nothing reachable from the SA's own fields shows the key; the Cipher's fields are #private.
    expect(
      JSON.stringify(sa, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
      ),
    ).not.toContain(hex);
    p.sads.b.delete('inbound', 0x1001);
    expect(sa.keysDestroyed).toBe(true);
    p.net.run(p.net.scheduler.now() + 1500); // the layer's housekeeping
    expect(describeGraph(p.b.graph).nodes.map((n) => n.name)).not.toContain('esp-fsm 0x00001001');
  });

  test('AH outside ESP: each SA its own Protocol, and the packet decorated with both SAs, outermost first', () => {
    const rnd = new SeededRandom(9);
    const sas: SaConfig[] = [
      {
        spi: 0x10,
        direction: 'outbound',
        mode: 'transport',
        transform: gcm,
        encryptionKey: rnd.bytes(20),
      },
      {
        spi: 0x20,
        protocol: 'ah',
        direction: 'outbound',
        mode: 'transport',
        transform: sha256,
        encryptionKey: new Uint8Array(0),
        integrityKey: rnd.bytes(32),
      },
    ];
    const sadA = new SecurityAssociationDatabase();
    const sadB = new SecurityAssociationDatabase();
    for (const c of sas) {
      sadA.create(c);
      sadB.create({ ...c, direction: 'inbound' });
    }
    const spdA = new SecurityPolicyDatabase();
    spdA.addOutbound({
      selector: { nextHeader: NextHeader.UDP },
      action: 'protect',
      sa: [spi(0x10), spi(0x20)],
    });
    const spdB = new SecurityPolicyDatabase();
    spdB.addInbound({ selector: { nextHeader: NextHeader.UDP }, accept: [['ah', 'esp']] });
    const net = new Network(9);
    const A = '2001:db8:3::1';
    const B = '2001:db8:3::2';
    const a = net.host('a', A, {
      security: ipsecLayer({ sad: sadA, spd: spdA, address: parseIpv6(A) }).conduit,
    });
    const b = net.host('b', B, {
      security: ipsecLayer({ sad: sadB, spd: spdB, address: parseIpv6(B) }).conduit,
    });
    net.connect(a, b);
    const got = received(b.bind(7));
    a.bind(9).send(b.address, 7, Uint8Array.of(1, 2));
    net.run();
    // protectionCode: AH (2) outside ESP (1) = 2 * 4 + 1.
    expect(got).toEqual([{ spis: [0x20, 0x10], applied: 9 }]);
    // AH is an FSM / Coder / Cipher Protocol too.
    expect(describeGraph(b.graph).nodes.map((n) => n.name)).toEqual(
      expect.arrayContaining([
        'ah-fsm 0x00000020',
        'ah-coder 0x00000020',
        'ah-cipher 0x00000020',
        'esp-cipher 0x00000010',
      ]),
    );
  });
});
