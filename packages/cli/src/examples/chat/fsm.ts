import type { Message, MessagePool, Session, State } from '@conduits/core';
import { FrameType, frameType } from './frame.js';

export interface FsmData {
  readonly role: 'client' | 'server';
  /** App messages held while the handshake runs ("the message stops at the conduit"). */
  readonly pending: Message[];
  retries: number;
  readonly log: (line: string) => void;
  /** Where frames the FSM originates (HELLO) come from. */
  readonly pool: MessagePool;
}

/** The chat protocol's state interface: one command per frame type, called by the Coder's messengers. */
export interface ChatState extends State<FsmData> {
  hello(s: Session<FsmData>, msg: Message): void;
  helloAck(s: Session<FsmData>, msg: Message): void;
  data(s: Session<FsmData>, msg: Message): void;
  bye(s: Session<FsmData>, msg: Message): void;
}

const HELLO_TIMEOUT = 200;
const MAX_RETRIES = 3;
const text = (m: Message): string => new TextDecoder().decode(m.buffer.subarray());

/** Turn `msg` into a frame of `type` and send it down. */
function sendFrame(s: Session<FsmData>, msg: Message, type: FrameType): void {
  msg.set(frameType, type);
  s.send('A', msg);
}

function sendHello(s: Session<FsmData>): void {
  sendFrame(s, s.data.pool.acquire(), FrameType.HELLO);
  s.setTimer(HELLO_TIMEOUT, 'hello');
}

/** Frames that make no sense in a state are protocol errors: drop and count. */
const unexpected = (name: string) => (s: Session<FsmData>, msg: Message) =>
  s.drop(msg, `chat-unexpected-${name}`);

const base = {
  hello: unexpected('hello'),
  helloAck: unexpected('hello-ack'),
  data: unexpected('data'),
  bye: unexpected('bye'),
};

const Closed: ChatState = {
  ...base,
  name: 'closed',
  accept(s, msg) {
    s.drop(msg, 'chat-closed');
  },
  enter(s) {
    for (const m of s.data.pending.splice(0)) m.release();
    s.cancelTimer('hello');
  },
};

const Established: ChatState = {
  ...base,
  name: 'established',
  enter(s) {
    s.cancelTimer('hello');
    s.data.log(`${s.data.role}: established`);
    for (const m of s.data.pending.splice(0)) sendFrame(s, m, FrameType.DATA);
  },
  accept(s, msg) {
    // From the application above.
    sendFrame(s, msg, FrameType.DATA);
  },
  data(s, msg) {
    const t = text(msg);
    s.data.log(`${s.data.role}: received "${t}"`);
    if (s.data.role === 'server') {
      msg.buffer.set(new TextEncoder().encode(`echo: ${t}`));
      sendFrame(s, msg, FrameType.DATA);
    } else s.send('B', msg);
  },
  hello(s, msg) {
    // A retransmitted HELLO whose ACK was lost: acknowledge again.
    sendFrame(s, msg, FrameType.HELLO_ACK);
  },
  helloAck(_s, msg) {
    msg.release();
  },
  bye(s, msg) {
    s.data.log(`${s.data.role}: peer said bye`);
    msg.release();
    s.changeState(Closed);
  },
};

const Handshaking: ChatState = {
  ...base,
  name: 'handshaking',
  accept(s, msg) {
    s.data.pending.push(msg);
  },
  helloAck(s, msg) {
    msg.release();
    s.changeState(Established);
  },
  timeout(s, tag) {
    if (tag !== 'hello') return;
    if (++s.data.retries > MAX_RETRIES) {
      s.data.log(`${s.data.role}: no answer after ${MAX_RETRIES} retries, giving up`);
      s.changeState(Closed);
      return;
    }
    s.data.log(
      `${s.data.role}: HELLO timed out, retransmitting (${s.data.retries}/${MAX_RETRIES})`,
    );
    sendHello(s);
  },
};

/** Client: the first app message starts the handshake. */
export const Idle: ChatState = {
  ...base,
  name: 'idle',
  accept(s, msg) {
    s.data.pending.push(msg);
    s.data.log(`${s.data.role}: sending HELLO`);
    s.changeState(Handshaking);
    sendHello(s);
  },
};

/** Server: waits for a HELLO. */
export const Listening: ChatState = {
  ...base,
  name: 'listening',
  accept(s, msg) {
    s.drop(msg, 'chat-not-established');
  },
  hello(s, msg) {
    s.data.log('server: HELLO received, answering HELLO_ACK');
    sendFrame(s, msg, FrameType.HELLO_ACK);
    s.changeState(Established);
  },
};
