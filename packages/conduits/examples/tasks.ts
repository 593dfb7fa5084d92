/** The README's task example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this; test/task-readme.test.ts runs it). */
import {
  done,
  needMore,
  refused,
  Scheduler,
  TaskHost,
  type Task,
  type TaskWire,
} from '@conduits/core';

interface Msg {
  exchange: number;
  step: number;
  text: string;
}

class Ping implements Task<Msg, Msg> {
  readonly kind = 'ping';
  build(out: Msg) {
    out.step = 1;
    out.text = 'ping';
    return needMore;
  }
  process(m: Msg) {
    return m.step === 2 ? done : refused('not-a-pong');
  }
}
class Pong implements Task<Msg, Msg> {
  readonly kind = 'pong';
  process(m: Msg) {
    return m.step === 1 ? needMore : refused('not-a-ping');
  }
  build(out: Msg) {
    out.step = 2;
    out.text = 'pong';
    return done;
  }
}

const scheduler = new Scheduler(); // virtual time
const log: string[] = [];
let pings = 0;
// The first PING is lost; everything else arrives 10 ms after it is sent.
const wire = (deliver: (m: Msg) => void): TaskWire<Msg, Msg> => ({
  exchangeOf: (m) => m.exchange,
  stepOf: (m) => m.step,
  create: (exchange) => ({ exchange, step: 0, text: '' }),
  send: (m) => {
    log.push(`${scheduler.now()} ms: ${m.text}`);
    if (m.text !== 'ping' || pings++ > 0) scheduler.after(10, () => deliver(m));
  },
});
const owner = {
  completed: (t: Task<Msg, Msg>) => void log.push(`${t.kind} done`),
  failed: (t: Task<Msg, Msg>) => void log.push(`${t.kind} failed`),
};
const a = new TaskHost<Msg, Msg>(
  scheduler,
  wire((m) => b.receive(m) === 'ahead' && b.respond(new Pong(), m)),
  owner,
);
const b = new TaskHost<Msg, Msg>(
  scheduler,
  wire((m) => a.receive(m)),
  owner,
);
a.initiate(new Ping(), 1);
scheduler.run();
// log: ['0 ms: ping', '200 ms: ping', '210 ms: pong', 'pong done', 'ping done']
export { log }; // test/task-readme.test.ts checks it
