/**
 * An esp_sa file checked when it is read, line by line, beyond what the parser checks: SPI
 * syntax, key lengths for each algorithm, no authentication key on an AEAD, addresses that
 * parse. A bad line is refused before any packet is decoded, with its line number.
 */
import { parseIpv6 } from '@conduits/protocols-inet';
import {
  EspSaParseError,
  isAead,
  parseEspSa,
  saltLength,
  SecurityAssociation,
  type EspSaEntry,
} from '@conduits/protocols-ipsec';
import { isIPv4 } from 'node:net';

function fields(raw: string): string[] {
  return (raw.match(/"[^"]*"|[^,]+/g) ?? []).map((f) => {
    const t = f.trim();
    return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  });
}

function address(a: string, protocol: EspSaEntry['protocol'], line: number, which: string): void {
  if (a === '*') return;
  const v4 = isIPv4(a);
  let v6 = false;
  try {
    parseIpv6(a);
    v6 = true;
  } catch {
    v6 = false;
  }
  if (!v4 && !v6)
    throw new EspSaParseError(line, `${which} address ${a} is not an IPv4 or IPv6 address (or *)`);
  if ((protocol === 'IPv4' && !v4) || (protocol === 'IPv6' && !v6))
    throw new EspSaParseError(line, `${which} address ${a} is not an ${protocol} address`);
}

/** Parse and check an esp_sa file; every fault an EspSaParseError naming its line. */
export function checkedEspSa(text: string): EspSaEntry[] {
  const entries = parseEspSa(text);
  const lines = text
    .split(/\r?\n/)
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.trim().startsWith('#'));
  entries.forEach((e, i) => {
    const { raw, line } = lines[i] as { raw: string; line: number };
    const f = fields(raw);
    const spiText = f[3] ?? '';
    if (!/^(0x[0-9a-f]{1,8}|[0-9]{1,10})$/i.test(spiText) || Number(spiText) > 0xffffffff)
      throw new EspSaParseError(line, `bad SPI ${spiText} (hex 0x... or decimal, 32 bits)`);
    address(e.source, e.protocol, line, 'source');
    address(e.destination, e.protocol, line, 'destination');
    const t = e.transform;
    const keyBytes = e.encryptionKey.length;
    const salt = saltLength(t.encryption);
    if (t.encryption === 'null' && keyBytes !== 0)
      throw new EspSaParseError(line, `NULL encryption takes no key (${keyBytes} bytes given)`);
    if (t.encryption.startsWith('aes') && ![16, 24, 32].includes(t.encryptionKeyLength))
      throw new EspSaParseError(
        line,
        `${f[4]} key is ${keyBytes} bytes; it must be ${[16, 24, 32].map((n) => n + salt).join(', ')} bytes${salt ? ` (AES key and ${salt}-byte salt)` : ''}`,
      );
    if (t.encryption === 'chacha20-poly1305' && keyBytes !== 36)
      throw new EspSaParseError(
        line,
        `${f[4]} key is ${keyBytes} bytes; it must be 36 (key and 4-byte salt)`,
      );
    if (
      isAead(t.encryption) &&
      ((f[6] ?? 'NULL') !== 'NULL' || (f[7] ?? '').replace(/^0x/i, '') !== '')
    )
      throw new EspSaParseError(
        line,
        `${f[4]} is an AEAD: it takes no authentication algorithm or key`,
      );
    if (t.encryption === 'null' && t.integrity === 'none')
      throw new EspSaParseError(line, 'NULL encryption and NULL authentication protect nothing');
    try {
      new SecurityAssociation({
        spi: e.spi,
        direction: 'inbound',
        mode: e.mode,
        transform: t,
        encryptionKey: e.encryptionKey,
        ...(e.integrityKey ? { integrityKey: e.integrityKey } : {}),
        esn: e.esn,
        replayWindow: 0,
      }).destroy();
    } catch (err) {
      throw new EspSaParseError(line, (err as Error).message);
    }
  });
  return entries;
}
