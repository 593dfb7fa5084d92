/**
 * The one-call forms (`sa.encapsulate` / `sa.decapsulate`, `ahProtect` / `ahVerify`): thin
 * wrappers that run the SA's own FSM / Coder / Cipher Protocol (`saProtocol`), embedded in a
 * graph of its own, so there is one ESP/AH pipeline. The call lends the caller's buffer to a
 * carrier, sends it up into the Protocol and reads what comes back (Sealed / Opened) or why
 * it was dropped — synchronously, in place, as the graph does it.
 */
import {
  Adaptor,
  GraphBuilder,
  MessagePool,
  Scheduler,
  type Message,
  type Conduit,
  type Port,
} from '@conduits/core';
import type { PacketBuffer } from '@conduits/core/codec';
import { ipOffset, nextHeader, remoteAddress } from '@conduits/protocols-inet';
import type { EspDropReason } from '../esp-drop-reasons.js';
import type { SecurityAssociation } from '../security-association.js';
import { ahSource, Open, Opened, Seal, saProtocol, type DropWatcher } from './sa-protocol.js';

/** Shared by every embedded SA graph: the calls never queue, so nothing ever runs on it. */
const scheduler = new Scheduler();

/** The caller's end of the embedded graph: what comes back down is kept for the call to read. */
class Caller extends Adaptor {
  back: Message | null = null;

  clone(): Conduit {
    return new Caller(this.name);
  }

  deliver(msg: Message, _from: Port): void {
    this.back = msg;
  }
}

export class SaOneCall {
  readonly #caller = new Caller('caller');
  /**
   * Carriers without bytes of their own: each call takes one and lends it the caller's bytes.
   * A pool of its own, so a released carrier is never touched again (carrier checks hand out a
   * new generation each time) and nothing is allocated per call once it is warm.
   */
  readonly #carriers = new MessagePool(0, 0, 1);
  #carrier: Message = this.#carriers.acquire();
  #dropped: EspDropReason | null = null;
  #fault: unknown = undefined;

  constructor(sa: SecurityAssociation) {
    const watch: DropWatcher = (r) => (this.#dropped = r);
    const p = saProtocol(sa, watch);
    const g = new GraphBuilder(`one-call ${p.name}`);
    g.add(this.#caller);
    g.add(p);
    g.connect(this.#caller.a, p.a);
    const graph = g.build(scheduler);
    graph.alerts$.subscribe((a) => {
      if (a.kind === 'fault') this.#fault = a.error;
    });
  }

  /** ESP: seal the payload in `buf` (whose protocol is `nh`). */
  seal(buf: PacketBuffer, nh: number): EspDropReason | null {
    const m = this.#lend(buf);
    m.set(nextHeader, nh);
    m.messenger = Seal;
    const r = this.#run(buf);
    return typeof r === 'string' ? r : null;
  }

  /** ESP or AH: open the packet at buf.start (for AH the IPv6 header is at `ipAt`); its next header. */
  open(buf: PacketBuffer, ipAt: number): number | EspDropReason {
    const m = this.#lend(buf);
    m.set(ipOffset, ipAt);
    m.messenger = Open;
    return this.#run(buf);
  }

  /** AH: protect the payload in `buf` (protocol `nh`) of a packet from `src` to `dst`. */
  protectAh(buf: PacketBuffer, nh: number, src: Uint8Array, dst: Uint8Array): EspDropReason | null {
    const m = this.#lend(buf);
    m.set(nextHeader, nh).set(ahSource, src).set(remoteAddress, dst);
    m.messenger = Seal;
    const r = this.#run(buf);
    return typeof r === 'string' ? r : null;
  }

  #lend(buf: PacketBuffer): Message {
    if (this.#carrier.released) this.#carrier = this.#carriers.acquire();
    const m = this.#carrier;
    const b = m.buffer;
    b.bytes = buf.bytes;
    b.view = buf.view;
    b.start = buf.start;
    b.end = buf.end;
    return m;
  }

  /** Up into the SA and back: the next header of what came back, or why it was dropped. */
  #run(buf: PacketBuffer): number | EspDropReason {
    const m = this.#carrier;
    // Taken before the call: a carrier dropped inside is released (under carrier checks, dead), its buffer is still ours.
    const b = m.buffer;
    this.#dropped = null;
    this.#fault = undefined;
    this.#caller.back = null;
    this.#caller.sendVia(this.#caller.a, m);
    // The Protocol may have grown the bytes: the caller's buffer takes them either way.
    buf.bytes = b.bytes;
    buf.view = b.view;
    const back = this.#caller.back as Message | null;
    let r: number | EspDropReason;
    if (back !== null) {
      buf.start = b.start;
      buf.end = b.end;
      r = back.messenger === Opened ? (back.get(nextHeader) ?? 59) : 0;
    } else r = this.#dropped ?? 'esp-unexpected-message';
    b.bytes = empty;
    b.view = emptyView;
    if (!m.released) m.release();
    if (this.#fault !== undefined) throw this.#fault;
    return r;
  }
}

const empty = new Uint8Array(0);
const emptyView = new DataView(empty.buffer);

const oneCalls = new WeakMap<SecurityAssociation, SaOneCall>();

/** The embedded pipeline of `sa`, made on first use (its Cipher session then holds the SA's keys). */
export function espOneCall(sa: SecurityAssociation): SaOneCall {
  let o = oneCalls.get(sa);
  if (o === undefined) oneCalls.set(sa, (o = new SaOneCall(sa)));
  return o;
}
