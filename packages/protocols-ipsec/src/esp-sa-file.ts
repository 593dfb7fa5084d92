/**
 * tshark's esp_sa table as a text format (one SA per line, the fields tshark's "ESP SAs"
 * UAT takes): "IPv6","SRC","DST","0xSPI","ENCRYPTION","0xKEY","AUTHENTICATION","0xAUTHKEY".
 * Captures from the simulator come with such a file, `conduits pcap decode --esp-sa` reads
 * it, and a user can key a host with it (manual keying). Our extension: optional extra
 * fields after the eight, `"tunnel"`, `"esn"`, `"window=N"`; tshark's own file must not have them.
 */
import { formatIpv6, parseIpv6 } from '@conduits/protocols-inet';
import type { SaConfig } from './security-association.js';
import {
  integrityMac,
  saltLength,
  tsharkNames,
  type EncryptionAlgorithm,
  type IntegrityAlgorithm,
  type TransformSpec,
} from './transforms.js';

export interface EspSaEntry {
  readonly protocol: 'IPv4' | 'IPv6' | 'Any';
  /** Text as written ("*" is a wildcard). */
  readonly source: string;
  readonly destination: string;
  readonly spi: number;
  readonly transform: TransformSpec;
  readonly encryptionKey: Uint8Array;
  readonly integrityKey: Uint8Array | undefined;
  readonly mode: 'transport' | 'tunnel';
  readonly esn: boolean;
  readonly replayWindow: number | undefined;
}

export class EspSaParseError extends Error {
  override readonly name = 'EspSaParseError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`esp_sa line ${line}: ${reason}`);
  }
}

const integrityByName: Record<string, IntegrityAlgorithm> = {
  NULL: 'none',
  'HMAC-SHA-1-96 [RFC2404]': 'hmac-sha1-96',
  'HMAC-SHA-256-128 [RFC4868]': 'hmac-sha256-128',
  'HMAC-SHA-384-192 [RFC4868]': 'hmac-sha384-192',
  'HMAC-SHA-512-256 [RFC4868]': 'hmac-sha512-256',
};

function encryptionOf(
  name: string,
  keyBytes: number,
): { encryption: EncryptionAlgorithm; keyLength: number; icv?: number } | undefined {
  if (name === 'NULL') return { encryption: 'null', keyLength: 0 };
  if (name === 'AES-CBC [RFC3602]') return { encryption: 'aes-cbc', keyLength: keyBytes };
  if (name === 'AES-CTR [RFC3686]') return { encryption: 'aes-ctr', keyLength: keyBytes - 4 };
  const gcm = /^AES-GCM with (8|12|16) octet ICV \[RFC4106\]$/.exec(name);
  if (gcm) return { encryption: 'aes-gcm', keyLength: keyBytes - 4, icv: Number(gcm[1]) };
  if (name === 'ChaCha20-Poly1305 [RFC7634]')
    return { encryption: 'chacha20-poly1305', keyLength: 32, icv: 16 };
  return undefined;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1) : f;
}

function hexKey(s: string, line: number): Uint8Array {
  const h = s.replace(/^0x/i, '');
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h))
    throw new EspSaParseError(line, `not a hex key: ${s.length} characters`);
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/** Parse an esp_sa file. Blank lines and lines starting with # are skipped. */
export function parseEspSa(text: string): EspSaEntry[] {
  const out: EspSaEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const f = (raw.match(/"[^"]*"|[^,]+/g) ?? []).map(unquote);
    if (f.length < 8) throw new EspSaParseError(line, `expected 8 fields, found ${f.length}`);
    const [
      protocol,
      source,
      destination,
      spiText,
      encName,
      encKeyText,
      authName,
      authKeyText,
      ...extra
    ] = f as [string, string, string, string, string, string, string, string, ...string[]];
    if (protocol !== 'IPv4' && protocol !== 'IPv6' && protocol !== 'Any')
      throw new EspSaParseError(line, `protocol must be IPv4, IPv6 or Any`);
    const spi = Number(spiText);
    if (!Number.isInteger(spi) || spi < 0 || spi > 0xffffffff)
      throw new EspSaParseError(line, `bad SPI ${spiText}`);
    const encryptionKey = hexKey(encKeyText, line);
    const enc = encryptionOf(encName, encryptionKey.length);
    if (enc === undefined) throw new EspSaParseError(line, `unsupported encryption ${encName}`);
    const integrity = integrityByName[authName];
    if (integrity === undefined)
      throw new EspSaParseError(line, `unsupported authentication ${authName}`);
    const integrityKey = integrity === 'none' ? undefined : hexKey(authKeyText, line);
    if (
      integrityKey !== undefined &&
      integrityKey.length !==
        integrityMac[integrity as Exclude<IntegrityAlgorithm, 'none'>].keyLength
    )
      throw new EspSaParseError(
        line,
        `${authName} key must be ${integrityMac[integrity as Exclude<IntegrityAlgorithm, 'none'>].keyLength} bytes`,
      );
    const window = extra.find((x) => x.startsWith('window='));
    out.push({
      protocol,
      source,
      destination,
      spi,
      transform: {
        encryption: enc.encryption,
        encryptionKeyLength: enc.keyLength,
        integrity,
        ...(enc.icv ? { icvLength: enc.icv } : {}),
      },
      encryptionKey,
      integrityKey,
      mode: extra.includes('tunnel') ? 'tunnel' : 'transport',
      esn: extra.includes('esn'),
      replayWindow: window ? Number(window.slice(7)) : undefined,
    });
  });
  return out;
}

/** One esp_sa line for tshark (its eight fields only). */
export function formatEspSa(entry: {
  protocol?: 'IPv6' | 'IPv4';
  source: string | Uint8Array;
  destination: string | Uint8Array;
  spi: number;
  transform: TransformSpec;
  encryptionKey: Uint8Array;
  integrityKey?: Uint8Array | undefined;
}): string {
  const names = tsharkNames(entry.transform) ?? {
    encryption: 'ChaCha20-Poly1305 [RFC7634]',
    integrity: 'NULL',
  };
  const text = (a: string | Uint8Array): string => (typeof a === 'string' ? a : formatIpv6(a));
  const hex = (b: Uint8Array | undefined): string =>
    b === undefined || b.length === 0 ? '' : `0x${Buffer.from(b).toString('hex')}`;
  return [
    entry.protocol ?? 'IPv6',
    text(entry.source),
    text(entry.destination),
    `0x${entry.spi.toString(16).padStart(8, '0')}`,
    names.encryption,
    hex(entry.encryptionKey),
    names.integrity,
    hex(entry.integrityKey),
  ]
    .map((x) => `"${x}"`)
    .join(',');
}

/**
 * Manual keying: turn esp_sa entries into SA configurations for the host at `local`. An
 * entry whose source is `local` is outbound, one whose destination is `local` inbound.
 */
export function saConfigsFor(local: string, entries: readonly EspSaEntry[]): SaConfig[] {
  const me = formatIpv6(parseIpv6(local));
  const out: SaConfig[] = [];
  for (const e of entries) {
    const src = e.source === '*' ? '*' : formatIpv6(parseIpv6(e.source));
    const dst = e.destination === '*' ? '*' : formatIpv6(parseIpv6(e.destination));
    const direction = src === me ? 'outbound' : dst === me ? 'inbound' : undefined;
    if (direction === undefined) continue;
    if (
      e.transform.encryption !== 'null' &&
      e.encryptionKey.length !==
        e.transform.encryptionKeyLength + saltLength(e.transform.encryption)
    )
      continue;
    out.push({
      spi: e.spi,
      direction,
      mode: e.mode,
      transform: e.transform,
      encryptionKey: e.encryptionKey,
      ...(e.integrityKey ? { integrityKey: e.integrityKey } : {}),
      ...(src !== '*' ? { source: parseIpv6(src) } : {}),
      ...(dst !== '*' ? { destination: parseIpv6(dst) } : {}),
      esn: e.esn,
      ...(e.replayWindow !== undefined ? { replayWindow: e.replayWindow } : {}),
    });
  }
  return out;
}
