/**
 * What travels between the node's three sessions besides bytes: the envelope (FSM ↔ Coder) and
 * a request to send a stored frame of a round again (FSM → Cipher, which alone holds the
 * sealed bytes).
 */
import { attribute, MessagePool } from '@conduits/core';
import type { Envelope } from './broadcast-channel.js';

export const envelopeAttr = attribute<Envelope>('proactive.envelope', 'stack');
export const resendAttr = attribute<{ readonly exchange: number; readonly round: number }>(
  'proactive.resend',
  'stack',
);

/** The node's own carriers: their buffers held plain shares for a moment and are zeroed before release. */
export const nodePool = new MessagePool(2048, 16, 64);
