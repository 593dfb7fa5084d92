/**
 * How a TaskHost reaches the peer and reads messages, for one protocol. It holds no exchange
 * state: the exchange id and step of a message are read from the message itself (charon's
 * message ID and exchange type; SecComm's target epoch and message type).
 */
export interface TaskWire<In, Out> {
  /** The exchange `msg` belongs to; exchanges are numbered upwards. */
  exchangeOf(msg: In): number;
  /** Its step within the exchange (its type): a second message of the same step is a duplicate. */
  stepOf(msg: In): number;
  /** A message for `build` to fill, in exchange `exchange`. */
  create(exchange: number): Out;
  /** Put `msg` on the wire; a retransmission passes the same message again. */
  send(msg: Out): void;
  /** The host is done with a message it held (dropped for space, an exchange over, closed). */
  release?(msg: In): void;
  /** The host forgets a message it sent (a new exchange, closed): wipe it if it held secrets. */
  discard?(msg: Out): void;
}
