/**
 * Attacks on the simulator, each refused: replayed phase-1 and Quick Mode messages, a
 * modified encrypted message (HASH fails, the SA survives), a Quick Mode for selectors the
 * policy does not allow, a proposal downgrade by a man in the middle, unauthenticated
 * Delete and notification, a flood of first Main Mode packets, a wrong pre-shared key.
 */
import {
  decodeMessage,
  decodePayloads,
  encodeMessage,
  ExchangeType,
  IPSEC_DOI,
  NotifyType,
  ProtocolId,
  type Payload,
} from '@conduits/protocols-isakmp';
import { encrypted, exchangeTypeOf, ikeOf, udpFrame, withIke } from './frames.js';
import { A, B, pair, type Pair } from './scenario.js';

const run = (p: Pair, ms = 20_000) => p.net.run(p.net.scheduler.now() + ms);
const kinds = (p: Pair, side: 'a' | 'b') =>
  p.events[side].filter((e) => e.kind !== 'dropped').map((e) => e.kind);
const drops = (p: Pair, side: 'a' | 'b') => Object.fromEntries(p[side].manager.drops);

/** Bring up IKE and one child, by ACQUIRE. */
function establish(p: Pair): void {
  p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
  run(p);
  expect(kinds(p, 'a')).toEqual(['ike-up', 'child-up']);
}

/** The IKE frames the adversary saw, a->b, in order. */
const ikeFrames = (p: Pair, dir: 'a->b' | 'b->a') =>
  p.adversary.seen.filter((f) => f.direction === dir && ikeOf(f.data) !== undefined);

describe('attacks on IKEv1', () => {
  test('replayed Main Mode and Quick Mode messages make no new state and no new SA', () => {
    const p = pair();
    establish(p);
    const sas = p.b.sad.all().length;
    const frames = ikeFrames(p, 'a->b');
    expect(frames.map((f) => exchangeTypeOf(ikeOf(f.data)!))).toEqual([2, 2, 2, 32, 32]);
    for (const f of frames) p.adversary.replay(p.adversary.seen.indexOf(f));
    run(p);
    expect(kinds(p, 'b')).toEqual(['ike-up', 'child-up']);
    expect(p.b.sad.all()).toHaveLength(sas);
    expect(p.b.manager.status()).toHaveLength(1);
    expect(p.b.manager.status()[0]!.state).toBe('ESTABLISHED');
    // Each replay was recognised as a repeat (never decrypted again), or as from a finished exchange.
    expect(p.b.isakmp.associations).toHaveLength(1);
  });

  test('a modified encrypted Quick Mode message fails its HASH; the ISAKMP SA survives and the real one completes', () => {
    const p = pair();
    let done = false;
    p.adversary.modify(
      (f) =>
        !done &&
        ikeOf(f.data) !== undefined &&
        exchangeTypeOf(ikeOf(f.data)!) === ExchangeType.QUICK_MODE &&
        f.direction === 'a->b',
      (frame) => {
        done = true;
        const ike = Uint8Array.from(ikeOf(frame)!);
        ike[ike.length - 20]! ^= 0x01; // a bit in the ciphertext
        return withIke(frame, ike);
      },
    );
    establish(p);
    expect(
      Object.keys(drops(p, 'b')).some((r) => /^task-refused:qm-(hash-failed|undecodable)$/.test(r)),
    ).toBe(true);
    expect(p.b.manager.status()[0]!.state).toBe('ESTABLISHED');
    expect(kinds(p, 'b')).toEqual(['ike-up', 'child-up']);
  });

  test('a Quick Mode for selectors the policy does not allow: INVALID-ID-INFORMATION, no SA', () => {
    // A asks for its whole /64; B allows only A's own address.
    const p = pair({ childA: { local: '2001:db8::/64', start: 'none' } });
    p.a.manager.initiate('b');
    run(p);
    const failed = p.events.b.find((e) => e.kind === 'child-failed');
    expect(failed && 'reason' in failed && failed.reason).toBe('invalid-id-information');
    expect(p.b.sad.all()).toHaveLength(0);
    expect(p.a.sad.all()).toHaveLength(0);
    expect(drops(p, 'a')['peer-notify:INVALID-ID-INFORMATION']).toBe(1);
    expect(p.b.manager.status()[0]!.state).toBe('ESTABLISHED');
  });

  test('a man in the middle cutting the proposals to the weak one is caught by HASH_I: no SA', () => {
    const p = pair({ ike: ['aes256-sha256-modp2048', 'aes128-sha1-modp1024'] });
    p.adversary.modify(
      (f) =>
        f.direction === 'a->b' &&
        ikeOf(f.data) !== undefined &&
        ikeOf(f.data)![16] === 1 /* SA first: Main Mode message 1 */,
      (frame) => {
        const m = decodeMessage(ikeOf(frame)!);
        if (!m.ok) return frame;
        const ps = decodePayloads(m.value.body, m.value.header.nextPayload);
        if (!ps.ok || ps.value[0]?.kind !== 'sa') return frame;
        const sa = ps.value[0];
        const weak: Payload = {
          kind: 'sa',
          doi: sa.doi,
          situation: sa.situation,
          proposals: [{ ...sa.proposals[0]!, transforms: [sa.proposals[0]!.transforms[1]!] }],
        };
        return withIke(frame, encodeMessage({ ...m.value.header }, [weak]));
      },
    );
    p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
    run(p);
    expect(p.events.b.find((e) => e.kind === 'ike-down')).toMatchObject({
      reason: 'authentication-failed',
    });
    expect(kinds(p, 'a')).not.toContain('ike-up');
    expect(p.a.sad.all()).toHaveLength(0);
    expect(p.b.sad.all()).toHaveLength(0);
  });

  test('an unauthenticated Delete or notification changes nothing', () => {
    const p = pair();
    establish(p);
    const [ci, cr] = p.b.manager
      .status()[0]!
      .cookies.split(' ')
      .map((c) => Uint8Array.from(Buffer.from(c.slice(0, 16), 'hex')));
    const header = {
      initiatorCookie: ci!,
      responderCookie: cr!,
      exchangeType: ExchangeType.INFORMATIONAL,
      flags: 0,
      messageId: 0x1234,
    };
    const spis = p.b.sad
      .all()
      .map((s) =>
        Uint8Array.of(s.spi >>> 24, (s.spi >>> 16) & 255, (s.spi >>> 8) & 255, s.spi & 255),
      );
    const forged = [
      encodeMessage(header, [
        {
          kind: 'd',
          doi: IPSEC_DOI,
          protocolId: ProtocolId.ISAKMP,
          spis: [Uint8Array.from([...ci!, ...cr!])],
        },
      ]),
      encodeMessage(header, [
        { kind: 'd', doi: IPSEC_DOI, protocolId: ProtocolId.IPSEC_ESP, spis },
      ]),
      encodeMessage(header, [
        {
          kind: 'n',
          doi: IPSEC_DOI,
          protocolId: ProtocolId.ISAKMP,
          spi: new Uint8Array(0),
          notifyType: NotifyType.AUTHENTICATION_FAILED,
          data: new Uint8Array(0),
        },
      ]),
    ];
    // And one claiming encryption, with a body that is not under the SA's keys.
    const fake = Uint8Array.from(
      encodeMessage({ ...header, messageId: 0x5678 }, [{ kind: 'hash', data: new Uint8Array(28) }]),
    );
    fake[19] = 1;
    for (const m of [...forged, fake]) p.adversary.inject('a->b', udpFrame(A, B, 500, 500, m));
    run(p);
    expect(drops(p, 'b')['unauthenticated-informational']).toBe(3);
    expect(
      drops(p, 'b')['informational-undecodable'] ?? drops(p, 'b')['informational-hash-failed'],
    ).toBe(1);
    expect(p.b.manager.status()[0]!.state).toBe('ESTABLISHED');
    expect(p.b.sad.all()).toHaveLength(2);
    expect(kinds(p, 'b')).toEqual(['ike-up', 'child-up']);
  });

  test('a flood of first Main Mode packets keeps bounded state and the legitimate peer gets through', () => {
    const C = '2001:db8::3';
    const p = pair({
      extraPeersB: [
        { name: 'c', address: C, psk: 'c-secret', ike: ['aes128-sha256-modp2048'], children: [] },
      ],
    });
    const first = (i: number) => {
      const cky = new Uint8Array(8);
      new DataView(cky.buffer).setUint32(4, i + 1);
      return encodeMessage(
        {
          initiatorCookie: cky,
          responderCookie: new Uint8Array(8),
          exchangeType: ExchangeType.IDENTITY_PROTECTION,
          flags: 0,
          messageId: 0,
        },
        [
          {
            kind: 'sa',
            doi: 1,
            situation: 1,
            proposals: [
              {
                number: 1,
                protocolId: 1,
                spi: new Uint8Array(0),
                transforms: [
                  {
                    number: 1,
                    id: 1,
                    attributes: [
                      { type: 1, value: 7 },
                      { type: 14, value: 128 },
                      { type: 2, value: 4 },
                      { type: 3, value: 1 },
                      { type: 4, value: 14 },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      );
    };
    // 500 from a configured peer's address (C), 500 from addresses nobody configured.
    for (let i = 0; i < 500; i++) p.adversary.inject('a->b', udpFrame(C, B, 500, 500, first(i)));
    for (let i = 0; i < 500; i++)
      p.adversary.inject(
        'a->b',
        udpFrame(`2001:db8:ffff::${(i + 1).toString(16)}`, B, 500, 500, first(1000 + i)),
      );
    let peak = 0;
    p.b.manager.events$.subscribe(() => (peak = Math.max(peak, p.b.isakmp.associations.length)));
    run(p, 5);
    expect(p.b.isakmp.associations.length).toBeLessThanOrEqual(4);
    expect(p.b.manager.halfOpen).toBeLessThanOrEqual(4);
    establish(p);
    expect(peak).toBeLessThanOrEqual(5);
    expect(drops(p, 'b')['unknown-peer']).toBe(500);
    expect(drops(p, 'b')['half-open-per-peer']).toBe(496);
    // The flood's half-open SAs give up (nobody answers from C) and leave nothing behind.
    run(p, 60_000);
    expect(p.b.isakmp.associations).toHaveLength(1);
    expect(p.b.manager.halfOpen).toBe(0);
  });

  test('first Main Mode messages with a broken SA payload leave no half-open SA behind (the peer is not locked out)', () => {
    const p = pair();
    for (let i = 0; i < 4; i++) {
      const cky = Uint8Array.of(9, 9, 9, 9, 0, 0, 0, i + 1);
      const m = encodeMessage(
        {
          initiatorCookie: cky,
          responderCookie: new Uint8Array(8),
          exchangeType: ExchangeType.IDENTITY_PROTECTION,
          flags: 0,
          messageId: 0,
        },
        [{ kind: 'vid', data: new Uint8Array(16) }],
      );
      m[16] = 1; // claims an SA payload: the chain does not decode
      p.adversary.inject('a->b', udpFrame(A, B, 500, 500, m));
    }
    run(p, 5);
    expect(p.b.manager.halfOpen).toBe(0);
    establish(p);
  });

  test('a wrong pre-shared key: AUTHENTICATION-FAILED, no SA on either side', () => {
    const p = pair({ pskB: 'not the same key' });
    p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
    run(p);
    expect(p.events.b.find((e) => e.kind === 'ike-down')).toMatchObject({
      reason: 'authentication-failed',
    });
    // B told A (in clear, RFC 2408 §5); A does not act on an unauthenticated notification and gives up by itself.
    const notify = ikeFrames(p, 'b->a')
      .map((f) => ikeOf(f.data)!)
      .find((m) => exchangeTypeOf(m) === ExchangeType.INFORMATIONAL && !encrypted(m));
    expect(notify).toBeDefined();
    expect(drops(p, 'a')['unauthenticated-informational']).toBeGreaterThanOrEqual(1);
    expect(p.events.a.find((e) => e.kind === 'ike-down')).toMatchObject({
      reason: 'retransmit-limit',
    });
    expect(p.a.sad.all()).toHaveLength(0);
    expect(p.b.sad.all()).toHaveLength(0);
    expect(p.a.isakmp.associations).toHaveLength(0);
  });

  test('Aggressive Mode with a wrong pre-shared key: the initiator finds HASH_R wrong, no SA', () => {
    const p = pair({ aggressive: true, pskB: 'not the same key' });
    p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
    run(p);
    expect(p.events.a.find((e) => e.kind === 'ike-down')).toMatchObject({
      reason: 'authentication-failed',
    });
    expect(kinds(p, 'a')).not.toContain('ike-up');
    expect(p.a.sad.all()).toHaveLength(0);
    expect(p.b.sad.all()).toHaveLength(0);
  });
});
