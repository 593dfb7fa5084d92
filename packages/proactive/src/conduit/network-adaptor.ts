/**
 * Where a node's Protocol meets the broadcast network (its side A): frames leave through
 * `send` (a simulated bus, or UDP to every peer) and come in through `receive`, which hands
 * the frame to the Cipher at once, on the caller's turn of the scheduler (the bus's delivery
 * timer, or the socket's callback), so the node's receipts are current when it returns.
 */
import { Adaptor, type Conduit, type Message, type Port } from '@conduits/core';
import { nodePool } from './node-messages.js';

export class NetworkAdaptor extends Adaptor {
  readonly #send: (frame: Uint8Array) => void;

  constructor(name: string, send: (frame: Uint8Array) => void) {
    super(name);
    this.#send = send;
  }

  clone(): Conduit {
    return new NetworkAdaptor(this.name, this.#send);
  }

  /** A frame from the network into the node. */
  receive(frame: Uint8Array): void {
    this.sendVia(this.a, nodePool.from(frame));
  }

  deliver(msg: Message, _from: Port): void {
    // The frame is signed and its shares sealed: a copy may go to the wire and be kept by it.
    const frame = msg.buffer.copy();
    msg.release();
    this.#send(frame);
  }
}
