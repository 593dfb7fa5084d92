/** `conduits pcap decode`: real kernels' ESP, captures converted by Wireshark's editcap, gzip, bad files. */
import { Network, PcapWriter, LinkType } from '@conduits/netsim';
import { PcapFormatError, readCapture } from '@conduits/netsim/codec';
import { tsharkFields, tsharkMissing } from '@conduits/netsim/internal';
import { formatEspSa, parseEspSa, type TransformSpec } from '@conduits/protocols-ipsec';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeCapture } from '../src/commands/pcap-decode.js';
import { buildIpsecScenario } from '../src/examples/ipsec/scenario.js';

interface KernelRef {
  test: string;
  spi: number;
  seq: number;
  enc_alg: string;
  enc_key: string;
  icv_bits: number | null;
  esp_after_spi_seq: string;
  decrypted_inner_packet_node?: string;
}
const refs = (
  JSON.parse(
    readFileSync(
      resolve(process.cwd(), 'vectors/linux-kernel-esp/linux_xfrm_reference_esp.json'),
      'utf8',
    ),
  ) as { refs: KernelRef[] }
).refs;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** An IPv4 packet 127.0.0.1 > 127.0.0.N carrying `esp`. */
function ipv4Esp(esp: Uint8Array, n: number): Uint8Array {
  const p = new Uint8Array(20 + esp.length);
  const v = new DataView(p.buffer);
  p[0] = 0x45;
  v.setUint16(2, p.length);
  p[8] = 64;
  p[9] = 50;
  p.set([127, 0, 0, 1], 12);
  p.set([127, 0, 0, n], 16);
  p.set(esp, 20);
  return p;
}

const tshark = tsharkMissing();
const withTshark = (name: string): string => `${name}${tshark ? ` (${tshark})` : ''}`;
const judged = tshark ? test.skip : test;
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'conduits-pcap-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pcap decode', () => {
  const supported = refs.filter(
    (r) =>
      ['cbc(aes)', 'rfc3686(ctr(aes))', 'rfc4106(gcm(aes))'].includes(r.enc_alg) &&
      !r.test.includes('ESN'),
  );

  test('ESP made by a Linux kernel decrypts to its inner packet (every transform we support)', () => {
    const w = new PcapWriter(LinkType.IPV4);
    const lines: string[] = [];
    supported.forEach((r, i) => {
      // The kernel used SPI 546 for every SA; AEADs authenticate the SPI, so the SAs are told
      // apart by destination address, as in any capture with several peers.
      const spi = r.spi;
      const esp = new Uint8Array([0, 0, 0, 0, 0, 0, 0, r.seq, ...hex(r.esp_after_spi_seq)]);
      new DataView(esp.buffer).setUint32(0, spi);
      w.add(i, ipv4Esp(esp, i + 1));
      const key = hex(r.enc_key);
      const transform: TransformSpec =
        r.enc_alg === 'cbc(aes)'
          ? { encryption: 'aes-cbc', encryptionKeyLength: key.length, integrity: 'none' }
          : r.enc_alg === 'rfc3686(ctr(aes))'
            ? { encryption: 'aes-ctr', encryptionKeyLength: key.length - 4, integrity: 'none' }
            : {
                encryption: 'aes-gcm',
                encryptionKeyLength: key.length - 4,
                integrity: 'none',
                icvLength: 16,
              };
      lines.push(
        formatEspSa({
          protocol: 'IPv4',
          source: '*',
          destination: `127.0.0.${i + 1}`,
          spi,
          transform,
          encryptionKey: key,
        }),
      );
    });
    const out = decodeCapture(w.toBytes(), parseEspSa(lines.join('\n')));
    expect(out).toHaveLength(supported.length);
    out.forEach((d, i) => {
      const r = supported[i]!;
      expect(d.nextHeader).toBe(4);
      expect(d.payload!.startsWith(r.decrypted_inner_packet_node!)).toBe(true);
      expect(d.icv).toBe(r.enc_alg.startsWith('rfc4106') ? 'good' : 'unchecked');
      expect(d.inner).toMatch(/^IPv4 10\./);
    });
  });

  judged(
    withTshark(
      'pcapng and gzip (converted by editcap, which nobody here wrote) read the same as pcap; our ESP: good, bad on the modified frame',
    ),
    () => {
      const sc = buildIpsecScenario();
      sc.net.run();
      const pcap = join(dir, 'esp.pcap');
      writeFileSync(pcap, sc.pcap.toBytes());
      execFileSync('editcap', ['-F', 'pcapng', pcap, join(dir, 'esp.pcapng')]);
      // Addresses written the long way still match.
      const sas = parseEspSa(
        sc.espSa.replaceAll('2001:db8:e::', '2001:0db8:000e:0000:0000:0000:0000:'),
      );
      const plain = decodeCapture(sc.pcap.toBytes(), sas);
      const ng = decodeCapture(new Uint8Array(readFileSync(join(dir, 'esp.pcapng'))), sas);
      const gz = decodeCapture(gzipSync(readFileSync(join(dir, 'esp.pcapng'))), sas);
      expect(ng).toEqual(plain);
      expect(gz).toEqual(plain);
      expect(plain.map((d) => d.icv)).toEqual(['good', 'good', 'good', 'good', 'bad', 'good']);
      expect(plain[0]).toMatchObject({
        spi: '0x000a11ce',
        seq: 1,
        nextHeader: 17,
        inner: 'UDP 5002 > 5001, 10 bytes of data',
      });
      // Without SAs nothing is decrypted, and says so.
      expect(decodeCapture(sc.pcap.toBytes(), [])[0]).toMatchObject({
        icv: 'unchecked',
        error: 'no SA for this SPI',
      });
      // Ethernet framing (link type 1), as tcpdump on a NIC writes it; tshark confirms the framing.
      const eth = new PcapWriter(LinkType.ETHERNET);
      for (const r of sc.pcap.records)
        eth.add(
          r.time,
          Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd, ...r.data]),
        );
      const ethFile = join(dir, 'esp-eth.pcap');
      writeFileSync(ethFile, eth.toBytes());
      expect(
        execFileSync('tshark', ['-r', ethFile, '-T', 'fields', '-e', 'eth.type', '-e', 'esp.spi'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).split('\n')[0],
      ).toBe('0x86dd\t0x000a11ce');
      const ethBytes = eth.toBytes();
      expect(readCapture(ethBytes)[0]!.linkType).toBe(1);
      expect(decodeCapture(ethBytes, sas)).toEqual(plain);
    },
  );

  judged(
    withTshark(
      'protocols by name, and IPv6 fragments reassembled in the frame that completes them, as tshark does',
    ),
    () => {
      const net = new Network(11);
      const a = net.host('a', '2001:db8:1::1');
      const b = net.host('b', '2001:db8:1::2');
      const link = net.connect(a, b, { delay: 2 });
      const pcap = new PcapWriter();
      link.capture(pcap);
      const ea = a.bind(40000);
      b.bind(47001);
      ea.send(b.address, 47001, new TextEncoder().encode('ping'));
      net.scheduler.at(10, () =>
        ea.send(
          b.address,
          47001,
          Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff),
        ),
      );
      net.scheduler.at(20, () => a.icmp.ping(b.address, 0xbeef, 3, Uint8Array.of(1, 2, 3, 4)));
      net.run();
      const ours = decodeCapture(pcap.toBytes(), []);
      expect(ours.map((d) => d.protocol)).toEqual([
        'UDP',
        'IPv6-fragment',
        'IPv6-fragment',
        'UDP',
        'ICMPv6',
        'ICMPv6',
      ]);
      expect(ours[1]).toMatchObject({
        fragment: { offset: 0, more: true },
        inner: 'IPv6 fragment of UDP, offset 0, 1232 bytes, more follow',
      });
      expect(ours[3]).toMatchObject({
        reassembled: { frames: [2, 3, 4], length: 3008 },
        inner: 'UDP 40000 > 47001, 3000 bytes of data',
      });
      // tshark: the same frames are fragments, reassembled in the same frame to the same length.
      const rows = tsharkFields(pcap.toBytes(), [
        'frame.number',
        'ipv6.fraghdr.offset',
        'ipv6.reassembled.length',
        '_ws.col.Protocol',
      ]);
      expect(rows.filter((r) => r[1] !== '').map((r) => r[0])).toEqual(['2', '3', '4']);
      expect(rows.filter((r) => r[2] !== '').map((r) => [r[0], r[2]])).toEqual([['4', '3008']]);
      expect(rows.map((r) => r[3])).toEqual(['UDP', 'IPv6', 'IPv6', 'UDP', 'ICMPv6', 'ICMPv6']);
    },
  );

  test('a malformed capture is a typed error, never a crash (fuzz)', () => {
    const good = new PcapWriter();
    good.add(0, Uint8Array.of(0x60, 0, 0, 0));
    const base = good.toBytes();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (junk, cut) => {
        for (const input of [
          junk,
          base.subarray(0, cut % (base.length + 1)),
          Uint8Array.from([...base.subarray(0, 24), ...junk]),
        ]) {
          try {
            const packets = decodeCapture(input, []);
            expect(Array.isArray(packets)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(PcapFormatError);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
