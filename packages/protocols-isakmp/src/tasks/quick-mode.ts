/**
 * What both Quick Mode tasks share (RFC 2409 §5.5): traffic selectors as ID payloads
 * (RFC 2407 §4.6.2: ID_IPV6_ADDR or ID_IPV6_ADDR_SUBNET, protocol, port), the HASHes, and the
 * result handed to the policy manager.
 */
import type { Ipv6Address } from '@conduits/protocols-inet';
import type { AddressRange } from '@conduits/protocols-ipsec';
import { IdType } from '../codec/constants.js';
import type { Payload } from '../codec/payloads.js';
import type { EspSuite } from '../policy/algorithms.js';
import type { ChildRuntime } from '../policy/peer-runtime.js';

export function selectorId(r: AddressRange, protocol: number): Payload & { kind: 'id' } {
  if (r.prefix === 128)
    return { kind: 'id', idType: IdType.IPV6_ADDR, protocolId: protocol, port: 0, data: r.address };
  const data = new Uint8Array(32);
  data.set(maskOf(r.address, r.prefix));
  for (let i = 0; i < 16; i++) data[16 + i] = bitsAt(r.prefix, i);
  return { kind: 'id', idType: IdType.IPV6_ADDR_SUBNET, protocolId: protocol, port: 0, data };
}

function bitsAt(prefix: number, byte: number): number {
  const n = Math.max(0, Math.min(8, prefix - byte * 8));
  return (0xff << (8 - n)) & 0xff;
}
function maskOf(a: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (a[i] ?? 0) & bitsAt(prefix, i);
  return out;
}

/** An ID payload as a range; undefined for types we do not take as selectors. */
export function idRange(p: { idType: number; data: Uint8Array }): AddressRange | undefined {
  if (p.idType === IdType.IPV6_ADDR && p.data.length === 16)
    return { address: p.data.slice() as Ipv6Address, prefix: 128 };
  if (p.idType === IdType.IPV6_ADDR_SUBNET && p.data.length === 32) {
    let prefix = 0;
    for (let i = 16; i < 32; i++) {
      const b = p.data[i]!;
      // A mask must be contiguous ones.
      let x = b;
      let ones = 0;
      while (x & 0x80) {
        ones++;
        x = (x << 1) & 0xff;
      }
      if (x !== 0 || (ones < 8 && i < 31 && p.data.subarray(i + 1, 32).some((v) => v !== 0)))
        return undefined;
      prefix += ones;
      if (ones < 8) break;
    }
    return { address: maskOf(p.data.subarray(0, 16), prefix) as Ipv6Address, prefix };
  }
  return undefined;
}

/** `inner` lies within `outer`. */
export function within(inner: AddressRange, outer: AddressRange): boolean {
  if (inner.prefix < outer.prefix) return false;
  const a = maskOf(inner.address, outer.prefix);
  const b = maskOf(outer.address, outer.prefix);
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const mid4 = (mid: number): Uint8Array =>
  Uint8Array.of(mid >>> 24, (mid >>> 16) & 0xff, (mid >>> 8) & 0xff, mid & 0xff);

/** A child SA pair negotiated by Quick Mode, keys included (the policy manager installs and wipes them). */
export interface ChildSaResult {
  readonly child: ChildRuntime;
  readonly suite: EspSuite;
  readonly mode: 'tunnel' | 'transport';
  readonly inbound: { readonly spi: number; readonly keymat: Uint8Array };
  readonly outbound: { readonly spi: number; readonly keymat: Uint8Array };
  readonly local: AddressRange;
  readonly remote: AddressRange;
  readonly messageId: number;
}

export const spiBytes = (spi: number): Uint8Array => mid4(spi);
export const spiOf = (b: Uint8Array): number =>
  b.length === 4 ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0;
