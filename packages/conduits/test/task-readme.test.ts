/** The README's task example (examples/tasks.ts, shown verbatim in the README) does what it says. */
import { log } from '../examples/tasks.js';

test('README: PING → PONG on two task hosts, the first PING lost and retransmitted', () => {
  expect(log).toEqual(['0 ms: ping', '200 ms: ping', '210 ms: pong', 'pong done', 'ping done']);
});
