/** The socket adaptor sizes its kernel buffers when asked (a busy receiver otherwise drops datagrams). */
import { DgramAdaptor } from '@conduits/protocols-inet';
import { GraphBuilder, Scheduler } from '@conduits/core';

test('DgramAdaptor sets the socket receive and send buffer sizes it is given', async () => {
  const sized = new DgramAdaptor('sized', {
    type: 'udp4',
    receiveBufferSize: 1 << 20,
    sendBufferSize: 1 << 19,
  });
  const plain = new DgramAdaptor('plain', { type: 'udp4' });
  for (const a of [sized, plain]) {
    const g = new GraphBuilder(a.name);
    g.stack(
      g.session('top', {
        initial: { name: 'sink', accept: (s, m) => s.drop(m, 'sink') },
        terminal: 'B',
      }),
      a,
    );
    g.build(new Scheduler());
    await a.open();
  }
  const s = sized.bufferSizes!;
  const p = plain.bufferSizes!;
  await Promise.all([sized.close(), plain.close()]);
  // Linux doubles the request (for its bookkeeping) and caps it at net.core.rmem_max / wmem_max.
  expect(s.receive).toBeGreaterThanOrEqual(Math.min(1 << 20, p.receive + 1));
  expect(s.receive).toBeGreaterThan(p.receive);
  expect(s.send).toBeGreaterThanOrEqual(Math.min(1 << 19, p.send + 1));
});
