/**
 * The TaskWire of one leader–member pair: the host reads exchange and step from decoded
 * messages; what a task builds is encoded (and sealed, if the task asks) once, on first send,
 * so retransmissions and stored replies go out byte for byte the same.
 */
import type { TaskWire } from '@conduits/core';
import type { ControlSealer } from '../control/control-message.js';
import { encodeHeader, OutMessage } from '../control/control-message.js';
import type { Inbound } from '../tasks/inbound.js';

export interface PairEnds {
  readonly group: Uint8Array;
  readonly from: number;
  readonly to: number;
  /** The sealer of our sending direction (null before the keys exist). */
  readonly sealer: ControlSealer | null;
  transmit(bytes: Uint8Array): void;
}

export function controlWire(ends: PairEnds): TaskWire<Inbound, OutMessage> {
  return {
    exchangeOf: (m) => m.msg.exchange,
    stepOf: (m) => m.msg.step,
    create: (exchange) => new OutMessage(exchange),
    send(out) {
      if (out.bytes === null) out.bytes = encode(ends, out);
      ends.transmit(out.bytes);
    },
    discard: (out) => out.wipe(),
  };
}

export function encode(ends: PairEnds, out: OutMessage): Uint8Array {
  const b = encodeBody(ends, out);
  if (out.trailer === null) return b;
  const t = new Uint8Array(b.length + out.trailer.length);
  t.set(b);
  t.set(out.trailer, b.length);
  return t;
}

function encodeBody(ends: PairEnds, out: OutMessage): Uint8Array {
  const header = encodeHeader(
    out.type,
    ends.group,
    ends.from,
    ends.to,
    out.exchange,
    out.step,
    out.seal,
  );
  if (!out.seal) {
    const b = new Uint8Array(header.length + out.body.length);
    b.set(header);
    b.set(out.body, header.length);
    return b;
  }
  if (ends.sealer === null) throw new RangeError('no control key for a sealed message');
  return ends.sealer.seal(header, out.body);
}
