/** The README's example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this). */
import { ApplicationAdaptor, GraphBuilder, Scheduler, type State } from '@conduits/core';

// A layer that adds a one-byte header going down (from B) and checks it coming up (from A).
const Tag: State = {
  name: 'tag',
  accept(s, msg, from) {
    if (from === 'B') msg.buffer.prependByte(0x7e);
    else if (msg.buffer.bytes[msg.buffer.start] === 0x7e) msg.buffer.pull(1);
    else return s.drop(msg, 'bad-tag', true);
    s.forward(msg, from);
  },
};

// The bottom of this small stack: whatever comes down goes back up. It never sends through
// its side A, so A is `terminal` (allowed to stay unconnected when the graph is built).
const Echo: State = {
  name: 'echo',
  accept(s, msg) {
    s.send('B', msg);
  },
};

const g = new GraphBuilder('tagged-echo');
const app = g.add(new ApplicationAdaptor('app')); // where application code meets the graph
g.stack(
  app,
  g.session('tag', { initial: Tag }),
  g.session('echo', { initial: Echo, terminal: 'A' }),
);
const graph = g.build(new Scheduler()); // virtual clock by default
app.messages$.subscribe((d) => console.log(new TextDecoder().decode(d.data))); // hi
app.send(new TextEncoder().encode('hi')); // enqueued: runs when the scheduler does
graph.scheduler.run();
