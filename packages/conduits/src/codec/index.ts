/**
 * `@conduits/core/codec`: what codecs are written with — the buffer a message's bytes live in
 * (headroom for headers pushed in front) and the ready codecs of peer attributes' wire values.
 */
export { codecs, type AttrCodec } from '../attributes.js';
export { PacketBuffer } from '../packet-buffer.js';
