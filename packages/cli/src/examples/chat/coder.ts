import { defineMessenger, type Messenger, type State } from '@conduits/core';
import type { ChatState, FsmData } from './fsm.js';
import { FrameType, frameType } from './frame.js';

/** Messengers that give decoded frames their meaning at the FSM (Command pattern). */
const messengers: Record<number, Messenger> = {
  [FrameType.HELLO]: defineMessenger<FsmData, ChatState>('chat', 'HELLO', (st, s, m) =>
    st.hello(s, m),
  ),
  [FrameType.HELLO_ACK]: defineMessenger<FsmData, ChatState>('chat', 'HELLO_ACK', (st, s, m) =>
    st.helloAck(s, m),
  ),
  [FrameType.DATA]: defineMessenger<FsmData, ChatState>('chat', 'DATA', (st, s, m) =>
    st.data(s, m),
  ),
  [FrameType.BYE]: defineMessenger<FsmData, ChatState>('chat', 'BYE', (st, s, m) => st.bye(s, m)),
};

/** Binary coding of frames: one type byte. Going up it replaces the Messenger; going down it writes the type the FSM chose. */
export const coderState: State = {
  name: 'coder',
  accept(s, msg, from) {
    const b = msg.buffer;
    if (from === 'B') {
      b.prependByte(msg.get(frameType) ?? FrameType.DATA);
      s.send('A', msg);
      return;
    }
    const type = b.length > 0 ? (b.bytes[b.start] as number) : -1;
    const m = messengers[type];
    if (m === undefined) return s.drop(msg, 'coder-unknown-frame');
    b.pull(1);
    msg.messenger = m;
    s.send('B', msg);
  },
};
