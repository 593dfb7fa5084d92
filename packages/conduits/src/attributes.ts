/**
 * Typed, scoped message attributes (Cactus §2.3): `local` is seen only inside the composite
 * protocol that set it and is cleared when the message leaves it; `stack` travels with the
 * message through the protocols of one machine; `peer` is also packed into the bytes for the
 * peer protocol, under a registered numeric id, and unpacked at the receiver.
 */
import { AttributeDecodeError } from './errors.js';

export type AttrScope = 'local' | 'stack' | 'peer';

/** How a peer attribute's value is written on the wire. */
export interface AttrCodec<T> {
  size(value: T): number;
  write(value: T, bytes: Uint8Array, view: DataView, at: number): void;
  /** Returns the value, or an AttributeDecodeError when `len` is wrong for this type. */
  read(bytes: Uint8Array, view: DataView, at: number, len: number): T | AttributeDecodeError;
}

export interface AttrKey<T> {
  /** Slot in every message's attribute table; for peer attributes also the wire id. */
  readonly id: number;
  readonly name: string;
  readonly scope: AttrScope;
  readonly codec: AttrCodec<T> | undefined;
  /** Phantom field carrying T; never set. */
  readonly __type?: T;
}

const registry: AttrKey<unknown>[] = [];
const peerIds = new Map<number, AttrKey<unknown>>();

/** A local or stack attribute. */
export function attribute<T>(name: string, scope: 'local' | 'stack'): AttrKey<T> {
  // Every key has the same fields in the same order (wireId 0 here), so reading `key.id` on
  // the packet path sees one object shape.
  const key: AttrKey<T> & { wireId: number } = {
    id: registry.length,
    name,
    scope,
    codec: undefined,
    wireId: 0,
  };
  registry.push(key as AttrKey<unknown>);
  return key;
}

/** A peer attribute with a stable wire id (1..65535) chosen by the protocol that owns it. */
export function peerAttribute<T>(name: string, wireId: number, codec: AttrCodec<T>): AttrKey<T> {
  if (!Number.isInteger(wireId) || wireId < 1 || wireId > 0xffff)
    throw new RangeError(`peer attribute ${name}: wire id ${wireId} out of range`);
  if (peerIds.has(wireId))
    throw new RangeError(
      `peer attribute ${name}: wire id ${wireId} already used by ${peerIds.get(wireId)?.name}`,
    );
  const key: AttrKey<T> & { wireId: number } = {
    id: registry.length,
    name,
    scope: 'peer',
    codec,
    wireId,
  };
  registry.push(key as AttrKey<unknown>);
  peerIds.set(wireId, key as AttrKey<unknown>);
  return key;
}

export function attributeCount(): number {
  return registry.length;
}

export function attributeById(id: number): AttrKey<unknown> | undefined {
  return registry[id];
}

export function peerAttributeByWireId(wireId: number): AttrKey<unknown> | undefined {
  return peerIds.get(wireId);
}

export function wireIdOf(key: AttrKey<unknown>): number {
  return (key as AttrKey<unknown> & { wireId: number }).wireId;
}

/** Ready codecs for peer attributes. */
export const codecs = {
  u8: {
    size: () => 1,
    write: (v: number, b: Uint8Array, _d: DataView, at: number) => void (b[at] = v),
    read: (b: Uint8Array, _d: DataView, at: number, len: number) =>
      len === 1 ? (b[at] as number) : new AttributeDecodeError('u8 length'),
  } satisfies AttrCodec<number>,
  u32: {
    size: () => 4,
    write: (v: number, _b: Uint8Array, d: DataView, at: number) => d.setUint32(at, v),
    read: (_b: Uint8Array, d: DataView, at: number, len: number) =>
      len === 4 ? d.getUint32(at) : new AttributeDecodeError('u32 length'),
  } satisfies AttrCodec<number>,
  u64: {
    size: () => 8,
    write: (v: bigint, _b: Uint8Array, d: DataView, at: number) => d.setBigUint64(at, v),
    read: (_b: Uint8Array, d: DataView, at: number, len: number) =>
      len === 8 ? d.getBigUint64(at) : new AttributeDecodeError('u64 length'),
  } satisfies AttrCodec<bigint>,
  bytes: {
    size: (v: Uint8Array) => v.length,
    write: (v: Uint8Array, b: Uint8Array, _d: DataView, at: number) => b.set(v, at),
    read: (b: Uint8Array, _d: DataView, at: number, len: number) => b.slice(at, at + len),
  } satisfies AttrCodec<Uint8Array>,
  utf8: {
    size: (v: string) => new TextEncoder().encode(v).length,
    write: (v: string, b: Uint8Array, _d: DataView, at: number) =>
      void new TextEncoder().encodeInto(v, b.subarray(at)),
    read: (b: Uint8Array, _d: DataView, at: number, len: number) => {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(at, at + len));
      } catch {
        return new AttributeDecodeError('invalid utf-8');
      }
    },
  } satisfies AttrCodec<string>,
} as const;
