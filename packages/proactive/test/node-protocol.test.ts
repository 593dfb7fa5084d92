/**
 * The node as a conduits Protocol of FSM / Coder / Cipher sessions: the layout, the keys only in
 * the Cipher (wiped on close, after which frames are dropped), and an altered frame dropped by
 * the Cipher as a security event on the graph's alert edge.
 */
import type { Alert, Session } from '@conduits/core';
import { engines, nobleGroup } from '@conduits/crypto';
import { Dkg, NodeCipherState, SimulatedServers } from '@conduits/proactive';
import { seededRandom } from '@conduits/proactive/testing';
import { range } from './helpers.js';

const g = nobleGroup('ed25519');
const engine = engines.noble;

describe('ProactiveNode as a Protocol of FSM / Coder / Cipher sessions', () => {
  test('three stacked sessions; a DKG runs through them; an altered frame is a security alert; close wipes the Cipher', () => {
    const servers = range(4);
    let tamper = true;
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('node-protocol'),
      intercept: (from, to, frame) => {
        if (!tamper || from !== 2 || to !== 1) return frame;
        tamper = false;
        const t = Uint8Array.from(frame);
        t[12]! ^= 1;
        return t;
      },
    });
    const node1 = sim.nodes.get(1)!;
    const byName = new Map(
      (node1.protocol.children.filter((c) => c.kind === 'session') as Session[]).map((s) => [
        s.name,
        s,
      ]),
    );
    const sessions = ['fsm', 'coder', 'cipher'].map((n) => byName.get(n)!);
    expect([...byName.keys()].sort()).toEqual(['cipher', 'coder', 'fsm']);
    expect(sessions[0]!.neighbour('A')).toBe('coder.B');
    expect(sessions[1]!.neighbour('A')).toBe('cipher.B');
    expect(sessions[2]!.neighbour('A')).toBe('net-1.A');
    expect(sessions[2]!.state).toBeInstanceOf(NodeCipherState);
    const alerts: Alert[] = [];
    node1.graph.alerts$.subscribe((a) => alerts.push(a));
    const results = new Map<number, boolean>();
    for (const [i, node] of sim.nodes)
      node.run(
        1,
        new Dkg({
          group: g,
          self: i,
          servers,
          threshold: 1,
          random: seededRandom(`node-protocol/${i}`),
        }),
        'dkg',
        (o) => results.set(i, o.ok),
      );
    sim.scheduler.run();
    expect([...results.values()]).toEqual([true, true, true, true]);
    // Server 2's altered first frame was dropped by node 1's Cipher (its retransmission got through).
    expect(node1.channel.drops['bad-signature']).toBe(1);
    expect(node1.receipts.get('dropped')).toBe(1);
    expect(alerts.map((a) => [a.kind, a.conduit, a.reason])).toEqual([
      ['security', 'cipher', 'proactive-bad-signature'],
    ]);
    expect(node1.graph.drops.get('proactive-bad-signature', 'cipher')).toBe(1);
    sim.close();
    expect(node1.wiped).toBe(true);
    expect((sessions[2]!.state as NodeCipherState).wiped).toBe(true);
    // After close a frame reaching the node is dropped by the Cipher, not processed.
    const before = node1.receipts.get('processed') ?? 0;
    node1.receive(new Uint8Array(100));
    expect(node1.receipts.get('processed') ?? 0).toBe(before);
  });
});
