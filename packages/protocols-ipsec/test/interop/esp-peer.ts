/**
 * Runs inside a network namespace in the strongSwan interop test: acts as the IKE peer whose
 * charon was stopped, with the ESP keys charon logged. `send`: build an inner IPv6/UDP packet,
 * seal it as tunnel-mode ESP with our stack and send it in UDP from port 4500 (RFC 3948).
 * `receive`: wait for one ESP-in-UDP datagram on port 4500, open it with our stack, print the result.
 * Arguments: a JSON object (see InteropArgs).
 */
import { MessagePool } from '@conduits/core';
import { NextHeader, parseIpv6, writeIpv6Header, writeUdp, checkIpv6Header, formatIpv6 } from '@conduits/protocols-inet';
import { SecurityAssociation } from '@conduits/protocols-ipsec';
import { createSocket } from 'node:dgram';

interface InteropArgs {
  mode: 'send' | 'receive';
  local: string;
  peer: string;
  spi: string;
  key: string;
  innerSrc?: string;
  innerDst?: string;
  port?: number;
  text?: string;
  tamper?: boolean;
  /** The sequence number to send. @default 1 */
  seq?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as InteropArgs;
const transform = { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 } as const;
const sa = new SecurityAssociation({ spi: parseInt(args.spi, 16), direction: args.mode === 'send' ? 'outbound' : 'inbound', mode: 'tunnel', transform, encryptionKey: Uint8Array.from(Buffer.from(args.key, 'hex')), replayWindow: 0, initialSequence: (args.seq ?? 1) - 1 });
const socket = createSocket({ type: 'udp6' });

socket.bind(4500, args.local, () => {
  if (args.mode === 'send') {
    const pool = new MessagePool();
    const inner = parseIpv6(args.innerSrc ?? '');
    const target = parseIpv6(args.innerDst ?? '');
    const m = pool.from(new TextEncoder().encode(args.text ?? 'hello'));
    writeUdp(m.buffer, 40000, args.port ?? 5555, inner, target);
    writeIpv6Header(m.buffer, NextHeader.UDP, 64, inner, target);
    const r = sa.encapsulate(m.buffer, NextHeader.IPV6);
    if (r !== null) throw new Error(r);
    const bytes = m.buffer.copy();
    if (args.tamper) bytes[bytes.length - 20]! ^= 1;
    socket.send(bytes, 4500, args.peer, (err) => {
      if (err) throw err;
      process.stdout.write(JSON.stringify({ sent: bytes.length }) + '\n');
      socket.close();
    });
    return;
  }
  const timer = setTimeout(() => {
    process.stdout.write(JSON.stringify({ error: 'timeout' }) + '\n');
    socket.close();
  }, 8000);
  socket.on('message', (data) => {
    if (data.length < 12 || data.readUInt32BE(0) === 0) return; // keepalive or IKE
    const m = new MessagePool().from(new Uint8Array(data));
    const nh = sa.decapsulate(m.buffer);
    const out: Record<string, unknown> = { spi: data.readUInt32BE(0).toString(16), nextHeader: nh };
    if (nh === NextHeader.IPV6 && checkIpv6Header(m.buffer) === null) {
      const b = m.buffer;
      out['innerSrc'] = formatIpv6(b.bytes, b.start + 8);
      out['innerDst'] = formatIpv6(b.bytes, b.start + 24);
      out['text'] = new TextDecoder().decode(b.bytes.subarray(b.start + 48, b.end));
    }
    process.stdout.write(JSON.stringify(out) + '\n');
    clearTimeout(timer);
    socket.close();
  });
});
