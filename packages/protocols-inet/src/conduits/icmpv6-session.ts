/**
 * ICMPv6 (RFC 4443): answers echo requests, reports echo replies and error messages on an
 * Observable edge, and counts what it drops.
 */
import { Session, defaultPool, type State } from '@conduits/core';
import { Subject, type Observable } from 'rxjs';
import { copyAddress, type Ipv6Address } from '../codec/address.js';
import { Icmpv6Type, NextHeader } from '../codec/constants.js';
import { checkIcmpv6, sealIcmpv6 } from '../codec/icmpv6.js';
import { SRC } from '../codec/ipv6-header.js';
import { ipOffset, nextHeader, remoteAddress } from '../attributes.js';

export interface IcmpEvent {
  readonly type: number;
  readonly code: number;
  readonly from: Ipv6Address;
  /** Echo: identifier and sequence; Packet Too Big: the MTU; Parameter Problem: the pointer. */
  readonly value: number;
  readonly time: number;
}

export interface Icmpv6Endpoint {
  readonly session: Session;
  readonly events$: Observable<IcmpEvent>;
  /** Send an echo request (ping). */
  ping(to: Ipv6Address, id: number, seq: number, payload?: Uint8Array): void;
}

export function icmpv6(localAddress: Ipv6Address): Icmpv6Endpoint {
  const events = new Subject<IcmpEvent>();
  const state: State = {
    name: 'icmpv6',
    accept(s, msg, from) {
      const b = msg.buffer;
      if (from === 'B') return s.drop(msg, 'icmpv6-unknown-type');
      const ipAt = msg.get(ipOffset) ?? 0;
      const r = checkIcmpv6(b, ipAt);
      if (r !== null) return s.drop(msg, r);
      const type = b.bytes[b.start] as number;
      const src = copyAddress(b.bytes, ipAt + SRC);
      if (type === Icmpv6Type.ECHO_REQUEST) {
        // Answer in the same carrier: same identifier, sequence and data.
        b.bytes[b.start] = Icmpv6Type.ECHO_REPLY;
        sealIcmpv6(b, localAddress, src);
        msg.set(remoteAddress, src);
        msg.set(nextHeader, NextHeader.ICMPV6);
        s.send('A', msg);
        return;
      }
      const value = b.view.getUint32(b.start + 4);
      events.next({ type, code: b.bytes[b.start + 1] as number, from: src, value, time: s.graph.scheduler.now() });
      msg.release();
    },
  };
  const session = new Session('icmpv6', { initial: state, terminal: 'B' });
  return {
    session,
    events$: events.asObservable(),
    ping(to, id, seq, payload = new Uint8Array(0)) {
      const m = defaultPool.acquire();
      const b = m.buffer;
      const at = b.append(8 + payload.length);
      b.bytes[at] = Icmpv6Type.ECHO_REQUEST;
      b.bytes[at + 1] = 0;
      b.view.setUint16(at + 4, id);
      b.view.setUint16(at + 6, seq);
      b.bytes.set(payload, at + 8);
      sealIcmpv6(b, localAddress, to);
      m.set(remoteAddress, to);
      m.set(nextHeader, NextHeader.ICMPV6);
      session.graph.scheduler.defer(() => session.send('A', m));
    },
  };
}
