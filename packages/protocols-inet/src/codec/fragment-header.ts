/**
 * Fragment header (RFC 8200 §4.5):
 *   0: next header   1: reserved   2: offset (13 bits, in 8-byte units) | res(2) | M(1)   4: identification
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { FRAGMENT_HEADER } from './constants.js';
import type { InetDropReason } from './drop-reasons.js';

export interface FragmentFields {
  nextHeader: number;
  /** Byte offset of this fragment's data in the original payload. */
  offset: number;
  more: boolean;
  id: number;
}

export function readFragmentHeader(buf: PacketBuffer, out: FragmentFields): InetDropReason | null {
  if (buf.length < FRAGMENT_HEADER) return 'fragment-truncated';
  const at = buf.start;
  const w = buf.view.getUint16(at + 2);
  out.nextHeader = buf.bytes[at] as number;
  out.offset = w & 0xfff8;
  out.more = (w & 1) === 1;
  out.id = buf.view.getUint32(at + 4);
  return null;
}

export function writeFragmentHeader(
  buf: PacketBuffer,
  nextHeader: number,
  offset: number,
  more: boolean,
  id: number,
): void {
  const at = buf.push(FRAGMENT_HEADER);
  buf.bytes[at] = nextHeader;
  buf.bytes[at + 1] = 0;
  buf.view.setUint16(at + 2, (offset & 0xfff8) | (more ? 1 : 0));
  buf.view.setUint32(at + 4, id >>> 0);
}
