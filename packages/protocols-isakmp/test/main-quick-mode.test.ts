/**
 * Main Mode with a pre-shared key and Quick Mode between two of our peers on the simulator
 * (Figure 9 graph on each host): ACQUIRE from a PROTECT rule starts the negotiation, the
 * policy manager installs the SAs into the SAD behind the rule's bundle, then UDP flows
 * through ESP.
 */
import { engines } from '@conduits/crypto';
import { A, B, pair, type PairOptions } from './scenario.js';

function flow(p: ReturnType<typeof pair>) {
  const got: string[] = [];
  p.b.host.bind(7).datagrams$.subscribe((d) => got.push(new TextDecoder().decode(d.data)));
  const ep = p.a.host.bind(9);
  return {
    got,
    send: (text: string) => ep.send(p.b.host.address, 7, new TextEncoder().encode(text)),
  };
}

describe('Main Mode (PSK) + Quick Mode between two of our peers', () => {
  const cases: [string, PairOptions][] = [
    ['transport, aes128-sha256, MODP-2048', {}],
    [
      'tunnel, aes256-sha1, ECP-256',
      { mode: 'tunnel', ike: ['aes256-sha1-ecp256'], esp: ['aes256-sha1'] },
    ],
    ['transport, AES-GCM-16 with PFS (ECP-256)', { esp: ['aes128gcm16-ecp256'] }],
    [
      'tunnel, PFS MODP-2048, node engine',
      { mode: 'tunnel', esp: ['aes128-sha256-modp2048'], engine: engines.node },
    ],
    ['Aggressive Mode (PSK), then Quick Mode', { aggressive: true, ike: ['aes256-sha256-ecp256'] }],
    [
      'NAT-T offered both ways (vendor ID after the SA in message 1, NAT-D), no NAT: stays on 500',
      { natT: true },
    ],
  ];
  test.each(cases)('%s', (_n, o) => {
    const p = pair(o);
    const f = flow(p);
    f.send('first'); // no SA yet: ACQUIRE starts IKE
    p.net.run(p.net.scheduler.now() + 10_000);
    expect(p.events.a.map((e) => e.kind)).toEqual(['ike-up', 'child-up']);
    expect(p.events.b.map((e) => e.kind)).toEqual(['ike-up', 'child-up']);
    const sa = p.a.manager.status();
    expect(sa).toHaveLength(1);
    expect(sa[0]!.state).toBe('ESTABLISHED');
    expect(sa[0]!.children).toHaveLength(1);
    const child = sa[0]!.children[0]!;
    const other = p.b.manager.status()[0]!.children[0]!;
    expect(child.spiIn).toBe(other.spiOut);
    expect(child.spiOut).toBe(other.spiIn);
    expect(p.a.sad.all().map((s) => s.mode)).toEqual([
      o.mode ?? 'transport',
      o.mode ?? 'transport',
    ]);
    f.send('through ESP');
    p.net.run(p.net.scheduler.now() + 10_000);
    expect(f.got).toEqual(['through ESP']); // the first datagram met no SA (ACQUIRE); it is not queued yet
    // It went as ESP: the SAs the policy manager installed counted it on both ends.
    expect(p.a.sad.outbound(parseInt(child.spiOut, 16))!.stats.packets).toBe(1);
    expect(p.b.sad.inbound(parseInt(other.spiIn, 16))!.stats.packets).toBe(1);
    void A;
    void B;
  });
});

test('Aggressive Mode from a peer configured for Main Mode is refused: no state, no SA', () => {
  const p = pair({ aggressive: 'a' });
  p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
  p.net.run(p.net.scheduler.now() + 20_000);
  expect(p.events.b.filter((e) => e.kind === 'ike-up')).toEqual([]);
  expect(p.b.manager.drops.get('ike:first-message-refused')).toBeGreaterThanOrEqual(1);
  expect(p.b.isakmp.associations).toHaveLength(0);
  expect(p.b.manager.halfOpen).toBe(0);
  expect(p.a.sad.all()).toHaveLength(0);
});
