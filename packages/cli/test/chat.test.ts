import { engines, type CryptoEngine } from '@conduits/crypto';
import { buildChat } from '../src/examples/chat/scenario.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const both = Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]);

describe.each(both)('chat example on the %s engine', (_n, engine) => {
  test('two conversations, one factory clone each, replies reach the right app', () => {
    const sc = buildChat(engine);
    const got: string[][] = [[], []];
    sc.apps.forEach((app, i) =>
      app.messages$.subscribe((d) => got[i]!.push(new TextDecoder().decode(d.data))),
    );
    sc.apps[0]!.send(enc('one'));
    sc.apps[1]!.send(enc('two'));
    sc.apps[0]!.send(enc('three'));
    sc.scheduler.run();
    expect(got).toEqual([['echo: one', 'echo: three'], ['echo: two']]);
    expect((sc.server.find('conversation-factory') as unknown as { created: number }).created).toBe(
      2,
    );
    expect(sc.alerts).toHaveLength(0);
  });

  test('a lost HELLO is retransmitted on virtual time; a tampered frame raises an alert and is not delivered', () => {
    const sc = buildChat(engine, { loseFirstHello: true, tamperFrame: 3 });
    const got: string[] = [];
    sc.apps[0]!.messages$.subscribe((d) => got.push(new TextDecoder().decode(d.data)));
    sc.apps[0]!.send(enc('first'));
    sc.scheduler.after(1000, () => sc.apps[0]!.send(enc('second')));
    sc.scheduler.run();
    // frames: 1 HELLO (lost), 2 HELLO again at 200 ms, 3 DATA "first" (tampered), 4 DATA "second"
    expect(got).toEqual(['echo: second']);
    expect(sc.server.drops.get('cipher-bad-tag')).toBe(1);
    expect(sc.alerts.filter((a) => a.kind === 'security').map((a) => a.reason)).toEqual([
      'cipher-bad-tag',
    ]);
    expect(sc.log.some((l) => l.includes('[ 200 ms] conv 1 client: HELLO timed out'))).toBe(true);
  });
});

describe.each(both)(
  'chat directions on the %s engine (nonce reuse and reflection)',
  (_n, engine) => {
    test("the two directions' keystreams differ for equal sequence numbers", () => {
      const wire: Record<'client' | 'server', Uint8Array[]> = { client: [], server: [] };
      const sc = buildChat(engine, { tap: (from, bytes) => wire[from].push(bytes) });
      sc.apps[0]!.send(enc('one'));
      sc.apps[0]!.send(enc('three'));
      sc.scheduler.run();
      // Inside the AEAD: type ‖ payload. Client: HELLO, DATA, DATA; the server: HELLO_ACK and the echoes.
      const plain = {
        client: [
          Uint8Array.of(1),
          Uint8Array.of(3, ...enc('one')),
          Uint8Array.of(3, ...enc('three')),
        ],
        server: [
          Uint8Array.of(2),
          Uint8Array.of(3, ...enc('echo: one')),
          Uint8Array.of(3, ...enc('echo: three')),
        ],
      };
      const seqOf = (f: Uint8Array): bigint => new DataView(f.buffer, f.byteOffset).getBigUint64(2);
      const cipherOf = (f: Uint8Array): Uint8Array => f.subarray(10, f.length - 16);
      expect(wire.client.map(seqOf)).toEqual([1n, 2n, 3n]);
      expect(wire.server.map(seqOf)).toEqual([1n, 2n, 3n]);
      for (let i = 0; i < 3; i++) {
        const c = cipherOf(wire.client[i]!);
        const s = cipherOf(wire.server[i]!);
        const n = Math.min(c.length, s.length);
        // Equal keystreams would make the XOR of the ciphertexts the XOR of the plaintexts.
        const xorCipher = Array.from({ length: n }, (_, k) => c[k]! ^ s[k]!);
        const xorPlain = Array.from(
          { length: n },
          (_, k) => plain.client[i]![k]! ^ plain.server[i]![k]!,
        );
        expect(xorCipher).not.toEqual(xorPlain);
      }
    });

    test("a client's own frame sent back to it is refused, not delivered as the server's", () => {
      const sc = buildChat(engine, { reflectFrame: 2 });
      const got: string[] = [];
      sc.apps[0]!.messages$.subscribe((d) => got.push(new TextDecoder().decode(d.data)));
      sc.apps[0]!.send(enc('pay bob 100'));
      sc.scheduler.run();
      expect(got).toEqual(['echo: pay bob 100']);
      expect(sc.client.drops.get('cipher-bad-tag')).toBe(1);
      expect(sc.alerts.map((a) => a.reason)).toEqual(['cipher-bad-tag']);
    });
  },
);
