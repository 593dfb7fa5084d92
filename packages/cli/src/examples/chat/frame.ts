/**
 * The chat protocol's frames. Inside the cipher: `type u8 ‖ payload`. On the wire, the
 * cipher session frames that as `conversation u16 ‖ seq u64 ‖ AEAD(type ‖ payload) ‖ tag16`,
 * with the direction, conversation and seq authenticated as associated data; each direction
 * has its own key.
 */
import { attribute } from '@conduits/core';

export const FrameType = { HELLO: 1, HELLO_ACK: 2, DATA: 3, BYE: 4 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Set by the FSM on the way down, read by the Coder. */
export const frameType = attribute<FrameType>('chat.frameType', 'stack');

export const CIPHER_HEADER = 2 + 8;
export const TAG = 16;
