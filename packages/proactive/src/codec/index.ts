/** `@conduits/proactive/codec`: the round messages, their encoding on the broadcast channel and its drop reasons. */
export {
  protocols,
  roundOf,
  type AnswerMessage,
  type ComplaintMessage,
  type ContributionMessage,
  type DealingMessage,
  type DealMessage,
  type Header,
  type ProtocolTag,
  type RevealMessage,
  type ShareMessage,
} from '../messages.js';
export { decodeMessage, encodeMessage, type RoundMessage } from '../conduit/codec.js';
export type { DropReason } from '../conduit/broadcast-channel.js';
