/**
 * Bytes for the round messages. Decoding never throws: a malformed message is null (the
 * caller drops and counts it). Every length is checked against what is left.
 */
import {
  protocols,
  type CommitMessage,
  type DealingMessage,
  type ContributionMessage,
  type RevealMessage,
  type ProtocolTag,
  type SignatureShareMessage,
} from '../messages.js';

export type RoundMessage =
  DealingMessage | ContributionMessage | RevealMessage | CommitMessage | SignatureShareMessage;

const kinds = [
  'deal',
  'share',
  'complaint',
  'answer',
  'contribution',
  'reveal',
  'commit',
  'sig-share',
] as const;

class Writer {
  readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }
  bytes8(b: Uint8Array): this {
    this.u8(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  bytes16(b: Uint8Array): this {
    this.u16(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Thrown inside the reader only, caught by `decodeMessage`. */
class Short {}
const short = new Short();

export class Reader {
  #off = 0;
  constructor(readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.#off;
  }
  u8(): number {
    if (this.#off >= this.b.length) throw short;
    return this.b[this.#off++] as number;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return ((this.u16() << 16) >>> 0) + this.u16();
  }
  take(n: number): Uint8Array {
    if (n > this.left) throw short;
    const out = this.b.slice(this.#off, this.#off + n);
    this.#off += n;
    return out;
  }
  bytes8(): Uint8Array {
    return this.take(this.u8());
  }
  bytes16(): Uint8Array {
    return this.take(this.u16());
  }
}

export function encodeMessage(m: RoundMessage): Uint8Array {
  const w = new Writer()
    .u8(kinds.indexOf(m.kind))
    .u8(protocols.indexOf(m.protocol))
    .u32(m.session)
    .u32(m.period)
    .u8(m.from);
  switch (m.kind) {
    case 'deal':
      w.u8(m.commitments.length);
      for (const c of m.commitments) w.bytes8(c);
      w.bytes16(m.proof);
      break;
    case 'share':
      w.u8(m.to).bytes8(m.share);
      break;
    case 'complaint':
      w.u8(m.against.length);
      for (const a of m.against) w.u8(a);
      w.u8(m.echo?.length ?? 0);
      for (const e of m.echo ?? []) w.u8(e.dealer).bytes8(e.digest);
      break;
    case 'answer':
      w.u8(m.reveals.length);
      for (const r of m.reveals) w.u8(r.to).bytes8(r.share);
      break;
    case 'contribution':
      w.u8(m.to).bytes8(m.value);
      break;
    case 'reveal':
      w.u8(m.round).u8(m.values.length);
      for (const v of m.values) w.u8(v.dealer).bytes8(v.value);
      break;
    case 'commit':
      w.u8(m.commitments.length);
      for (const c of m.commitments) w.u32(c.nonce).bytes8(c.hiding).bytes8(c.binding);
      break;
    case 'sig-share':
      w.u8(m.attempt).bytes8(m.share);
      break;
  }
  return w.done();
}

/** The message, or null when the bytes are not one (wrong kind, short, trailing bytes). */
export function decodeMessage(b: Uint8Array): RoundMessage | null {
  try {
    const r = new Reader(b);
    const kind = kinds[r.u8()];
    const protocol = protocols[r.u8()] as ProtocolTag | undefined;
    if (kind === undefined || protocol === undefined) return null;
    const h = { protocol, session: r.u32(), period: r.u32(), from: r.u8() };
    let m: RoundMessage;
    switch (kind) {
      case 'deal': {
        const commitments = Array.from({ length: r.u8() }, () => r.bytes8());
        m = { ...h, kind, commitments, proof: r.bytes16() };
        break;
      }
      case 'share':
        m = { ...h, kind, to: r.u8(), share: r.bytes8() };
        break;
      case 'complaint':
        {
          const against = Array.from({ length: r.u8() }, () => r.u8());
          const echo = Array.from({ length: r.u8() }, () => ({
            dealer: r.u8(),
            digest: r.bytes8(),
          }));
          m = echo.length === 0 ? { ...h, kind, against } : { ...h, kind, against, echo };
        }
        break;
      case 'answer':
        m = {
          ...h,
          kind,
          reveals: Array.from({ length: r.u8() }, () => ({ to: r.u8(), share: r.bytes8() })),
        };
        break;
      case 'contribution':
        m = { ...h, kind, to: r.u8(), value: r.bytes8() };
        break;
      case 'reveal': {
        const round = r.u8();
        if (round !== 4 && round !== 5) return null;
        m = {
          ...h,
          kind,
          round,
          values: Array.from({ length: r.u8() }, () => ({ dealer: r.u8(), value: r.bytes8() })),
        };
        break;
      }
      case 'commit':
        m = {
          ...h,
          kind,
          commitments: Array.from({ length: r.u8() }, () => ({
            nonce: r.u32(),
            hiding: r.bytes8(),
            binding: r.bytes8(),
          })),
        };
        break;
      case 'sig-share':
        m = { ...h, kind, attempt: r.u8(), share: r.bytes8() };
        break;
    }
    return r.left === 0 ? m : null;
  } catch (e) {
    if (e === short) return null;
    return null;
  }
}

export { Writer };
