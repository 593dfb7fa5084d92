/**
 * UDP datagrams per second through the host stack on the carrier loop, no crypto, against a
 * hand-written function that checks the same headers (version, length, address, next header,
 * UDP length and checksum, port lookup) on the same bytes, in the same run:
 *  - udp-host-stack-64: the host as built by default, where the express lane (UdpExpress)
 *    carries these ordinary datagrams from the IPv6 session to the ports Mux;
 *  - udp-host-stack-64-layered: the same host with `express: false`, every datagram through
 *    adaptor → IPv6 → Fragment → next-header Mux → UDP → ports Mux → endpoint.
 */
import { Adaptor, MessagePool, Scheduler, type Conduit, type Message, type Port } from '@conduits/core';
import { compare, emit, heapCost, round2 } from '@conduits/core/bench';
import { Host, parseIpv6, pseudoHeaderChecksum, writeIpv6Header, writeUdp } from '../src/index.js';

class Wire extends Adaptor {
  clone(): Conduit {
    return new Wire(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    msg.release();
  }
}

const src = parseIpv6('2001:db8::1');
const dst = parseIpv6('2001:db8::2');
const pool = new MessagePool();
const m = pool.from(new Uint8Array(64).fill(0x42));
writeUdp(m.buffer, 40000, 7, src, dst);
writeIpv6Header(m.buffer, 17, 64, src, dst);
const packet = m.buffer.copy();

let got = 0;

function stack(express: boolean) {
  const scheduler = new Scheduler();
  const wire = new Wire('wire');
  const host = new Host({ name: 'bench', address: dst, link: wire, pool, express }, scheduler);
  const counted = { n: 0 };
  host.bind(7).onDatagram(() => counted.n++);
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const msg = pool.acquire();
      msg.buffer.appendBytes(packet); // the adaptor's copy into a pooled buffer, as a NIC driver does
      wire.inject(msg);
      scheduler.step();
    }
  };
  return { host, run, counted };
}

// The baseline: the same checks, hand-written, on a reused buffer.
const buf = new Uint8Array(2048);
const view = new DataView(buf.buffer);
const handlers = new Map<number, () => void>([[7, () => got++]]);
function handParse(len: number): boolean {
  if (len < 40 || buf[0]! >> 4 !== 6) return false;
  const plen = view.getUint16(4);
  if (plen === 0 || plen + 40 > len) return false;
  if (buf[8] === 0xff) return false;
  let mine = true;
  for (let i = 0; i < 16; i++) if (buf[24 + i] !== dst[i]) mine = false;
  if (!mine && buf[24] !== 0xff) return false;
  // The extension header walk (Hop-by-Hop, Routing, Destination Options), then no fragment header.
  let nh = buf[6]!;
  let at = 40;
  for (let n = 0; nh === 0 || nh === 43 || nh === 60; n++) {
    if (n >= 8 || at + 8 > 40 + plen) return false;
    nh = buf[at]!;
    at += (buf[at + 1]! + 1) * 8;
  }
  if (nh === 44) return false;
  if (nh !== 17 || 40 + plen - at < 8) return false;
  if (view.getUint16(at + 4) !== 40 + plen - at || view.getUint16(at + 6) === 0) return false;
  if (pseudoHeaderChecksum(view, 8, 24, null, null, 17, at, 40 + plen) !== 0) return false;
  const h = handlers.get(view.getUint16(at + 2));
  if (h === undefined) return false;
  h();
  return true;
}
const byHand = (n: number): void => {
  for (let i = 0; i < n; i++) {
    buf.set(packet, 0);
    if (!handParse(packet.length)) throw new Error('baseline rejected the packet');
  }
};

for (const [name, express] of [['udp-host-stack-64', true], ['udp-host-stack-64-layered', false]] as const) {
  const { host, run, counted } = stack(express);
  const [g, h, ratio] = compare(run, byHand, 1_000_000, 9);
  if (counted.n < 1_000_000 || host.graph.drops.total > 0) throw new Error(`stack dropped packets: ${JSON.stringify(host.graph.drops.snapshot())}`);
  if (express && host.express?.taken !== counted.n) throw new Error('the express lane did not carry the datagrams');
  // Allocation per datagram through the same stack (the adaptor's pooled copy included): 0 means no allocation per hop.
  const alloc = await heapCost(run, 1_000_000);
  emit({ bench: `${name}-alloc`, unit: 'B/datagram', value: alloc === undefined ? Number.NaN : round2(alloc.perOp), heapDelta: alloc?.heapDelta, target: '0 amortised' });
  emit({ bench: name, unit: 'datagram/s', value: g, baseline: 'hand-written IPv6+UDP parse with the same checks', baselineValue: h, ratio: round2(ratio), target: 'value >= 1000000, ratio >= 0.5' });
}
