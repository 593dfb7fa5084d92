/**
 * One ESP/AH pipeline (issue 11): the one-call forms are the SA's FSM / Coder / Cipher graph,
 * and the keys are out of reach of whoever holds the SAD.
 */
import { MessagePool } from '@conduits/core';
import { embed } from '@conduits/core/testing';
import { nextHeader } from '@conduits/protocols-inet';
import {
  retireSaProtocol,
  Seal,
  Sealed,
  SecurityAssociation,
  SecurityAssociationDatabase,
  saProtocol,
  type SaConfig,
} from '@conduits/protocols-ipsec';

const pool = new MessagePool();
const cbc: SaConfig = {
  spi: 0x33,
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'aes-cbc', encryptionKeyLength: 16, integrity: 'hmac-sha256-128' },
  encryptionKey: new Uint8Array(16).fill(1),
  integrityKey: new Uint8Array(32).fill(2),
};
const ah: SaConfig = {
  spi: 0x34,
  protocol: 'ah',
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'null', encryptionKeyLength: 0, integrity: 'hmac-sha1-96' },
  encryptionKey: new Uint8Array(0),
  integrityKey: new Uint8Array(20).fill(3),
};

/** Every function name reachable from `root` through properties and prototypes (what a holder can call). */
function reachableMethods(root: object): Set<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  const visit = (o: unknown): void => {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
    seen.add(o);
    if (o instanceof Uint8Array) return;
    for (
      let p: object | null = o;
      p !== null && p !== Object.prototype && p !== Function.prototype;
      p = Object.getPrototypeOf(p) as object | null
    ) {
      for (const k of Object.getOwnPropertyNames(p)) {
        const d = Object.getOwnPropertyDescriptor(p, k);
        if (d === undefined || d.get !== undefined) continue;
        if (typeof d.value === 'function' && k !== 'constructor') names.add(k);
        if (p === o && k !== 'constructor') visit(d.value);
      }
    }
  };
  visit(root);
  return names;
}

describe('keys out of reach', () => {
  test('holding the SAD gives no cipher: nothing reachable from it seals, opens or computes an ICV over arbitrary bytes', () => {
    const sad = new SecurityAssociationDatabase();
    sad.create(cbc);
    sad.create(ah);
    sad.create({ ...cbc, direction: 'inbound' });
    const methods = reachableMethods({ sad, sas: sad.all() });
    for (const m of ['seal', 'open', 'integrityCheckValue', 'compute', 'encrypt', 'decrypt'])
      expect(methods).not.toContain(m);
  });

  test('a production SA configuration cannot choose the IV (ivFor is a test-kit knob)', () => {
    const iv = new Uint8Array(16).fill(0xab);
    const sa = new SecurityAssociation({ ...cbc, ivFor: () => iv } as SaConfig);
    const m = pool.from(Uint8Array.of(1, 2, 3));
    expect(sa.encapsulate(m.buffer, 17)).toBeNull();
    expect(
      Buffer.from(m.buffer.bytes.subarray(m.buffer.start + 8, m.buffer.start + 24)).toString('hex'),
    ).not.toBe(Buffer.from(iv).toString('hex'));
  });

  test("the one-call forms run the SA's own graph: its Cipher session holds the keys, so no second Cipher can be built", () => {
    const sa = new SecurityAssociation(cbc);
    expect(sa.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBeNull();
    expect(() => saProtocol(sa)).toThrow(/already/);
  });

  test('destroying the SA wipes the keys in its Cipher session; the one-call form then refuses', () => {
    const sa = new SecurityAssociation(cbc);
    expect(sa.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBeNull();
    expect(sa.keysDestroyed).toBe(false);
    sa.destroy();
    expect(sa.keysDestroyed).toBe(true);
    expect(sa.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBe('esp-sa-expired');
  });

  test("retiring the SA's Protocol (as the SA mux does when it takes it off) closes its sessions and wipes the keys; it then refuses", () => {
    const sa = new SecurityAssociation(cbc);
    const p = saProtocol(sa);
    const e = embed(p);
    const seal = (): string[] => {
      e.writeA(Uint8Array.of(1, 2, 3), (m) => {
        m.messenger = Seal;
        m.set(nextHeader, 17);
      });
      return e
        .run()
        .readA()
        .map((c) => c.messenger);
    };
    expect(seal()).toEqual([Sealed.name]);
    retireSaProtocol(p);
    expect(sa.keysDestroyed).toBe(true);
    expect(seal()).toEqual([]);
    expect(e.graph.drops.get('esp-sa-expired')).toBe(1);
  });
});
