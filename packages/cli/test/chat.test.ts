import { engines, type CryptoEngine } from '@conduits/crypto';
import { buildChat } from '../src/examples/chat/scenario.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const both = Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]);

describe.each(both)('chat example on the %s engine', (_n, engine) => {
  test('two conversations, one factory clone each, replies reach the right app', () => {
    const sc = buildChat(engine);
    const got: string[][] = [[], []];
    sc.apps.forEach((app, i) => app.messages$.subscribe((d) => got[i]!.push(new TextDecoder().decode(d.data))));
    sc.apps[0]!.send(enc('one'));
    sc.apps[1]!.send(enc('two'));
    sc.apps[0]!.send(enc('three'));
    sc.scheduler.run();
    expect(got).toEqual([['echo: one', 'echo: three'], ['echo: two']]);
    expect((sc.server.find('conversation-factory') as unknown as { created: number }).created).toBe(2);
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
    expect(sc.alerts.filter((a) => a.kind === 'security').map((a) => a.reason)).toEqual(['cipher-bad-tag']);
    expect(sc.log.some((l) => l.includes('[ 200 ms] conv 1 client: HELLO timed out'))).toBe(true);
  });
});
