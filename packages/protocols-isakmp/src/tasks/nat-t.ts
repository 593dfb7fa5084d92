/**
 * NAT traversal in Main Mode (RFC 3947): the vendor ID says both ends speak it; NAT-D payloads
 * carry HASH(CKY-I | CKY-R | IP | Port) of the destination, then of the source, each side as
 * it sees them; a mismatch means a NAT (or a peer that forces encapsulation, as strongSwan's
 * `encap = yes` does), and the exchange floats to port 4500 from Main Mode message 5 on.
 */
import { NAT_T_VENDOR_ID } from '../codec/constants.js';
import type { DecodedPayload, Payload } from '../codec/payloads.js';
import type { PrfHash } from '../cipher/skeyid.js';
import type { SaContext } from '../sa/context.js';

export const natTVendorId: Payload = { kind: 'vid', data: NAT_T_VENDOR_ID };

export function saysNatT(ps: readonly DecodedPayload[]): boolean {
  return ps.some(
    (p) =>
      p.kind === 'vid' && p.data.length === 16 && p.data.every((b, i) => b === NAT_T_VENDOR_ID[i]),
  );
}

function natHash(ctx: SaContext, hash: PrfHash, address: Uint8Array, port: number): Uint8Array {
  return ctx.engine.hash(hash, ctx.ckyI, ctx.ckyR, address, Uint8Array.of(port >> 8, port & 0xff));
}

/** Our two NAT-D payloads: the peer as we address it, then ourselves. */
export function natD(ctx: SaContext, hash: PrfHash): Payload[] {
  return [
    { kind: 'nat-d', data: natHash(ctx, hash, ctx.peerAddress, 500) },
    { kind: 'nat-d', data: natHash(ctx, hash, ctx.local, 500) },
  ];
}

/** Is there a NAT between us (or does the peer force encapsulation)? From the peer's NAT-D payloads. */
export function natDetected(ctx: SaContext, hash: PrfHash, ps: readonly DecodedPayload[]): boolean {
  const ds = ps.filter((p): p is Extract<DecodedPayload, { kind: 'nat-d' }> => p.kind === 'nat-d');
  if (ds.length < 2) return false;
  const eq = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  // The first names us as the peer sees us; the rest, the peer as it sees itself.
  const me = natHash(ctx, hash, ctx.local, 500);
  const them = natHash(ctx, hash, ctx.peerAddress, 500);
  return !eq(ds[0]!.data, me) || !ds.slice(1).some((d) => eq(d.data, them));
}
