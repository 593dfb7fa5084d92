/** IPv6 addresses: 16 bytes, text form per RFC 4291 §2.2 in, RFC 5952 (canonical) out. */
declare const brand: unique symbol;
export type Ipv6Address = Uint8Array & { readonly [brand]: 'Ipv6Address' };

export class AddressParseError extends Error {
  override readonly name = 'AddressParseError';
  constructor(readonly text: string) {
    super(`not an IPv6 address: ${text}`);
  }
}

export function parseIpv6(text: string): Ipv6Address {
  const out = new Uint8Array(16);
  let s = text.trim();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const o = v4.slice(1).map(Number);
    if (o.some((x) => x > 255)) throw new AddressParseError(text);
    s =
      s.slice(0, v4.index) +
      `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new AddressParseError(text);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 && head.length !== 8) throw new AddressParseError(text);
  if (head.length + tail.length > (halves.length === 2 ? 7 : 8)) throw new AddressParseError(text);
  const put = (groups: string[], at: number): void => {
    groups.forEach((g, i) => {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new AddressParseError(text);
      const v = parseInt(g, 16);
      out[(at + i) * 2] = v >> 8;
      out[(at + i) * 2 + 1] = v & 0xff;
    });
  };
  put(head, 0);
  put(tail, 8 - tail.length);
  return out as Ipv6Address;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(a: Uint8Array, at = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++)
    g.push(((a[at + 2 * i] as number) << 8) | (a[at + 2 * i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function isMulticast(a: Uint8Array, at = 0): boolean {
  return a[at] === 0xff;
}

/** Compare an address in a buffer with a known address without allocating. */
export function addressEquals(bytes: Uint8Array, at: number, addr: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (bytes[at + i] !== addr[i]) return false;
  return true;
}

export function copyAddress(bytes: Uint8Array, at: number): Ipv6Address {
  return bytes.slice(at, at + 16) as Ipv6Address;
}
