/**
 * `conduits pcap decode FILE [--esp-sa FILE]`: one JSON object per packet. ESP (and ESP in
 * UDP on port 4500, RFC 3948) is decrypted with the SAs of an esp_sa file (tshark's format)
 * and its ICV checked: `good`, `bad`, or `unchecked` (no SA, or an SA without integrity).
 */
import { MessagePool } from '@conduits/core';
import {
  CaptureFile,
  captureRecords,
  PcapFormatError,
  type CaptureSource,
  type PcapPacket,
} from '@conduits/netsim/codec';
import { formatIpv6, NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { describePacket, walkExtensionHeaders } from '@conduits/protocols-inet/codec';
import {
  EspSaParseError,
  isAead,
  SecurityAssociation,
  type EspSaEntry,
} from '@conduits/protocols-ipsec';
import { readFileSync } from 'node:fs';
import { positionals, UsageError, type Args, type OptionSpecs } from './args.js';
import { checkedEspSa } from './esp-sa-check.js';
import { readableFile } from './files.js';
import { parseFragment, Reassembler } from './fragments.js';
import type { Io } from './io.js';

export interface DecodedPacket {
  readonly frame: number;
  readonly src?: string;
  readonly dst?: string;
  readonly protocol?: string;
  readonly spi?: string;
  readonly seq?: number;
  readonly icv?: 'good' | 'bad' | 'unchecked';
  readonly nextHeader?: number;
  readonly payload?: string;
  readonly inner?: string;
  /** An IPv6 fragment: its identification, offset and whether more follow. */
  readonly fragment?: { readonly id: string; readonly offset: number; readonly more: boolean };
  /** The frame that completed a fragmented datagram: the frames of its fragments and its length. */
  readonly reassembled?: { readonly frames: readonly number[]; readonly length: number };
  readonly error?: string;
}

/** Protocol names as tshark's columns write them. */
const protocolNames: Record<number, string> = {
  1: 'ICMP',
  4: 'IPv4',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  44: 'IPv6-fragment',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'no-next-header',
  132: 'SCTP',
};

function protocolName(n: number): string {
  return protocolNames[n] ?? `IP protocol ${n}`;
}

const pool = new MessagePool(65536 + 256, 128, 4);

interface Ip {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
}

function ipOf(p: PcapPacket): Ip | string {
  let d = p.data;
  if (p.linkType === 1) {
    if (d.length < 14) return 'truncated Ethernet frame';
    let type = (d[12]! << 8) | d[13]!;
    let at = 14;
    if (type === 0x8100 && d.length >= 18) {
      type = (d[16]! << 8) | d[17]!;
      at = 18;
    }
    if (type !== 0x0800 && type !== 0x86dd) return `ethertype 0x${type.toString(16)}`;
    d = d.subarray(at);
  } else if (p.linkType !== 101 && p.linkType !== 228 && p.linkType !== 229)
    return `unsupported link type ${p.linkType}`;
  const version = d.length > 0 ? d[0]! >> 4 : 0;
  if (version === 4) {
    const ihl = (d[0]! & 0xf) * 4;
    if (d.length < 20 || ihl < 20 || d.length < ihl) return 'truncated IPv4 header';
    const total = Math.min(d.length, (d[2]! << 8) | d[3]!);
    return {
      src: [...d.subarray(12, 16)].join('.'),
      dst: [...d.subarray(16, 20)].join('.'),
      protocol: d[9]!,
      payload: d.subarray(ihl, Math.max(ihl, total)),
    };
  }
  if (version === 6) {
    if (d.length < 40) return 'truncated IPv6 header';
    const m = pool.from(d);
    m.buffer.pull(40);
    const walk = { nextHeader: 0 };
    const r = walkExtensionHeaders(m.buffer, d[6]!, walk);
    const payload = m.buffer.copy();
    m.release();
    if (r !== null) return r;
    return { src: formatIpv6(d, 8), dst: formatIpv6(d, 24), protocol: walk.nextHeader, payload };
  }
  return 'not IP';
}

/** Addresses as the decoder prints them (IPv6 canonical, RFC 5952), so any spelling in the file matches. */
function canonical(a: string): string {
  if (!a.includes(':')) return a;
  try {
    return formatIpv6(parseIpv6(a));
  } catch {
    return a;
  }
}

function matching(entries: readonly EspSaEntry[], spi: number, ip: Ip): EspSaEntry | undefined {
  return entries.find(
    (e) =>
      e.spi === spi &&
      (e.source === '*' || canonical(e.source) === ip.src) &&
      (e.destination === '*' || canonical(e.destination) === ip.dst),
  );
}

function summary(nh: number, inner: Uint8Array): string {
  if (nh === NextHeader.IPV6) return `IPv6: ${describePacket(inner)}`;
  if (nh === NextHeader.IPV4 && inner.length >= 20)
    return `IPv4 ${[...inner.subarray(12, 16)].join('.')} > ${[...inner.subarray(16, 20)].join('.')} protocol ${inner[9]}, ${inner.length} bytes`;
  if (nh === NextHeader.UDP && inner.length >= 8)
    return `UDP ${(inner[0]! << 8) | inner[1]!} > ${(inner[2]! << 8) | inner[3]!}, ${inner.length - 8} bytes of data`;
  if (nh === NextHeader.ICMPV6 && inner.length >= 1) return `ICMPv6 type ${inner[0]}`;
  return `next header ${nh}, ${inner.length} bytes`;
}

/** Decode one packet; `reassembler` collects IPv6 fragments across frames. */
function decodePacket(
  p: PcapPacket,
  entries: readonly EspSaEntry[],
  reassembler: Reassembler,
): DecodedPacket {
  const found = ipOf(p);
  if (typeof found === 'string') return { frame: p.frame, error: found };
  let ip = found;
  let reassembled: DecodedPacket['reassembled'];
  if (ip.protocol === NextHeader.FRAGMENT) {
    const f = parseFragment(ip.payload);
    const base = {
      frame: p.frame,
      src: ip.src,
      dst: ip.dst,
      protocol: protocolName(NextHeader.FRAGMENT),
    };
    if (f === null) return { ...base, error: 'truncated fragment header' };
    const whole = reassembler.add(p.frame, ip.src, ip.dst, f);
    const fragment = {
      id: `0x${f.id.toString(16).padStart(8, '0')}`,
      offset: f.offset,
      more: f.more,
    };
    if (whole === null)
      return {
        ...base,
        fragment,
        inner: `IPv6 fragment of ${protocolName(f.nextHeader)}, offset ${f.offset}, ${f.data.length} bytes${f.more ? ', more follow' : ''}`,
      };
    ip = { ...ip, protocol: whole.nextHeader, payload: whole.payload };
    reassembled = { frames: whole.frames, length: whole.payload.length };
  }
  const r = decodeIp(p.frame, ip, entries);
  return reassembled === undefined ? r : { ...r, reassembled };
}

function decodeIp(frame: number, ip: Ip, entries: readonly EspSaEntry[]): DecodedPacket {
  let esp = ip.protocol === NextHeader.ESP ? ip.payload : undefined;
  // ESP in UDP (RFC 3948): port 4500 and a non-zero first word (zero marks IKE).
  if (
    ip.protocol === NextHeader.UDP &&
    ip.payload.length >= 12 &&
    ((ip.payload[2]! << 8) | ip.payload[3]!) === 4500 &&
    new DataView(ip.payload.buffer, ip.payload.byteOffset).getUint32(8) !== 0
  )
    esp = ip.payload.subarray(8);
  const base = { frame, src: ip.src, dst: ip.dst };
  if (esp === undefined)
    return {
      ...base,
      protocol: protocolName(ip.protocol),
      inner: summary(ip.protocol, ip.payload),
    };
  if (esp.length < 8) return { ...base, protocol: 'ESP', error: 'esp-truncated' };
  const dv = new DataView(esp.buffer, esp.byteOffset);
  const spi = dv.getUint32(0);
  const seq = dv.getUint32(4);
  const spiText = `0x${spi.toString(16).padStart(8, '0')}`;
  const entry = matching(entries, spi, ip);
  if (entry === undefined)
    return {
      ...base,
      protocol: 'ESP',
      spi: spiText,
      seq,
      icv: 'unchecked' as const,
      error: 'no SA for this SPI',
    };
  let sa: SecurityAssociation;
  try {
    sa = new SecurityAssociation({
      spi,
      direction: 'inbound',
      mode: entry.mode,
      transform: entry.transform,
      encryptionKey: entry.encryptionKey,
      ...(entry.integrityKey ? { integrityKey: entry.integrityKey } : {}),
      esn: entry.esn,
      replayWindow: 0,
    });
  } catch (e) {
    return {
      ...base,
      protocol: 'ESP',
      spi: spiText,
      seq,
      icv: 'unchecked' as const,
      error: (e as Error).message,
    };
  }
  const m = pool.from(esp);
  const r = sa.decapsulate(m.buffer);
  const checked = isAead(entry.transform.encryption) || entry.transform.integrity !== 'none';
  sa.destroy();
  if (typeof r === 'string') {
    m.release();
    return {
      ...base,
      protocol: 'ESP',
      spi: spiText,
      seq,
      icv: r === 'esp-icv-failed' ? ('bad' as const) : ('unchecked' as const),
      error: r,
    };
  }
  const inner = m.buffer.copy();
  m.release();
  return {
    ...base,
    protocol: 'ESP',
    spi: spiText,
    seq,
    icv: checked ? ('good' as const) : ('unchecked' as const),
    nextHeader: r,
    payload: Buffer.from(inner).toString('hex'),
    inner: summary(r, inner),
  };
}

/** The packets of a capture decoded one at a time (a malformed capture throws PcapFormatError after the complete ones). */
function* decodePackets(
  capture: Uint8Array | CaptureSource,
  entries: readonly EspSaEntry[],
): Generator<DecodedPacket, void, undefined> {
  const reassembler = new Reassembler();
  for (const p of captureRecords(capture)) yield decodePacket(p, entries, reassembler);
}

/** Every packet of a capture held in memory, decoded. */
export function decodeCapture(file: Uint8Array, entries: readonly EspSaEntry[]): DecodedPacket[] {
  return [...decodePackets(file, entries)];
}

export const pcapUsage = 'conduits pcap decode FILE [--esp-sa FILE]';
export const pcapOptions: OptionSpecs = { 'esp-sa': { kind: 'string' } };

/** `conduits pcap decode FILE [--esp-sa FILE]`: one JSON line per packet, printed as it is read. */
export function pcapCommand(args: Args, io: Io): void {
  const [sub, file] = positionals(args, 2, pcapUsage);
  if (sub !== 'decode') throw new UsageError(`unknown pcap command ${sub}`, `usage: ${pcapUsage}`);
  const saFile = args.options.get('esp-sa');
  let entries: EspSaEntry[] = [];
  if (saFile !== undefined) {
    try {
      entries = checkedEspSa(readFileSync(readableFile(saFile, '--esp-sa'), 'utf8'));
    } catch (e) {
      if (e instanceof EspSaParseError)
        throw new UsageError(`refused: ${saFile} line ${e.line}: ${e.reason}`);
      throw e;
    }
  }
  let capture: CaptureFile;
  try {
    capture = new CaptureFile(readableFile(file as string, 'capture'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot read capture file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    for (const p of decodePackets(capture, entries)) io.out(JSON.stringify(p));
  } catch (e) {
    if (e instanceof PcapFormatError)
      throw new UsageError(`${file}: ${e.reason} (at byte ${e.offset})`);
    throw e;
  } finally {
    capture.close();
  }
}
