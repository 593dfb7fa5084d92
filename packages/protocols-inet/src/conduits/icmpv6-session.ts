/**
 * ICMPv6 (RFC 4443): answers echo requests, reports echo replies and error messages on an
 * Observable edge, and counts what it drops.
 */
import { Session, defaultPool, type Message, type State } from '@conduits/core';
import { edge } from '@conduits/core/internal';
import { Subject, type Observable } from 'rxjs';
import { copyAddress, isMulticast, type Ipv6Address } from '../codec/address.js';
import { Icmpv6Type, NextHeader } from '../codec/constants.js';
import { securityRelevant } from '../codec/drop-reasons.js';
import { checkIcmpv6, checkPacketTooBig, ERROR_EXCERPT, sealIcmpv6 } from '../codec/icmpv6.js';
import { SRC } from '../codec/ipv6-header.js';
import { ipOffset, nextHeader, remoteAddress } from '../attributes.js';
import type { PathMtuCache } from './path-mtu.js';

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
  /** Errors sent and suppressed (by the RFC 4443 §2.4 rules or the rate limit). */
  readonly errorStats: { sent: number; suppressed: number };
  /**
   * Report an error about the packet `invoking` (still holding its IPv6 header at the
   * `ipOffset` attribute) to its source: RFC 4443 §2.4 rules and a token-bucket rate limit
   * apply. Does not take ownership of `invoking`.
   */
  sendError(type: number, code: number, value: number, invoking: Message): void;
}

export interface Icmpv6Options {
  /** Packet Too Big messages lower the path MTU here (RFC 8201). */
  readonly pathMtu?: PathMtuCache;
  /** Errors per second, sustained. @default 10 */
  readonly errorRate?: number;
  /** Errors in a burst. @default 10 */
  readonly errorBurst?: number;
}

export function icmpv6(localAddress: Ipv6Address, options: Icmpv6Options = {}): Icmpv6Endpoint {
  const events = new Subject<IcmpEvent>();
  const rate = options.errorRate ?? 10;
  const burst = options.errorBurst ?? 10;
  let tokens = burst;
  let lastRefill = 0;
  const errorStats = { sent: 0, suppressed: 0 };
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
      // The invoking packet follows the 8-byte header: its destination is the path that is too
      // narrow, if it could be a packet of ours at all (a spoofed PTB is dropped and counted).
      if (type === Icmpv6Type.PACKET_TOO_BIG && options.pathMtu !== undefined) {
        const bad = checkPacketTooBig(b, localAddress, value, options.pathMtu.linkMtu);
        if (bad !== null) return s.drop(msg, bad, securityRelevant.has(bad));
        options.pathMtu.lower(b.bytes, b.start + 8 + 24, value, s.graph.scheduler.now());
      }
      events.next({
        type,
        code: b.bytes[b.start + 1] as number,
        from: src,
        value,
        time: s.graph.scheduler.now(),
      });
      msg.release();
    },
  };
  const session = new Session('icmpv6', { initial: state, terminal: 'B' });
  const sendError = (type: number, code: number, value: number, invoking: Message): void => {
    const b = invoking.buffer;
    const ipAt = invoking.get(ipOffset);
    if (ipAt === undefined) return;
    const src = b.bytes.subarray(ipAt + SRC, ipAt + SRC + 16);
    const unspecified = src.every((x) => x === 0);
    const toMulticastDst =
      b.bytes[ipAt + 24] === 0xff &&
      type !== Icmpv6Type.PACKET_TOO_BIG &&
      !(type === Icmpv6Type.PARAMETER_PROBLEM && code === 2);
    // §2.4(e): never about an ICMPv6 error message, nor to a multicast or unspecified source.
    const aboutError =
      invoking.get(nextHeader) === NextHeader.ICMPV6 && (b.bytes[b.start] as number) < 128;
    const now = session.graph.scheduler.now();
    tokens = Math.min(burst, tokens + ((now - lastRefill) * rate) / 1000);
    lastRefill = now;
    if (unspecified || isMulticast(src) || toMulticastDst || aboutError || tokens < 1) {
      errorStats.suppressed++;
      return;
    }
    tokens -= 1;
    errorStats.sent++;
    const to = copyAddress(b.bytes, ipAt + SRC);
    const excerpt = b.bytes.subarray(ipAt, Math.min(b.end, ipAt + ERROR_EXCERPT));
    const m = defaultPool.acquire();
    const at = m.buffer.append(8);
    m.buffer.bytes[at] = type;
    m.buffer.bytes[at + 1] = code;
    m.buffer.view.setUint32(at + 4, value >>> 0);
    m.buffer.appendBytes(excerpt);
    sealIcmpv6(m.buffer, localAddress, to);
    m.set(remoteAddress, to);
    m.set(nextHeader, NextHeader.ICMPV6);
    session.graph.scheduler.defer(() => session.send('A', m));
  };
  return {
    session,
    errorStats,
    sendError,
    // An Edge: a listener that throws is a counted fault of the ICMPv6 session, not the end of the process.
    events$: edge(events, (error) => session.graph.edgeFault(session.name, error)),
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
