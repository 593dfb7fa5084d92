/**
 * tshark (Wireshark's dissectors, written by nobody here) judges the packets our stack puts
 * on a simulated link: fields, UDP/ICMPv6 checksums, fragment reassembly.
 */
import { Network, PcapWriter } from '@conduits/netsim';
import { tsharkFields, tsharkMissing } from '@conduits/netsim/internal';

const skip = tsharkMissing();

(skip ? test.skip : test)(
  `tshark reads our IPv6/UDP/ICMPv6 capture with correct fields and good checksums, and reassembles our fragments${skip ? ` (${skip})` : ''}`,
  () => {
    const net = new Network(11);
    const a = net.host('a', '2001:db8:1::1');
    const b = net.host('b', '2001:db8:1::2');
    const link = net.connect(a, b, { delay: 2 });
    const pcap = new PcapWriter();
    link.capture(pcap);
    const ea = a.bind(40000);
    const eb = b.bind(47001);
    eb.datagrams$.subscribe((d) => eb.send(d.from, d.fromPort, new TextEncoder().encode('pong')));
    ea.send(b.address, 47001, new TextEncoder().encode('ping'));
    net.scheduler.at(10, () =>
      ea.send(
        b.address,
        47001,
        Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff),
      ),
    );
    net.scheduler.at(20, () => a.icmp.ping(b.address, 0xbeef, 3, Uint8Array.of(1, 2, 3, 4)));
    net.scheduler.at(30, () => ea.send(b.address, 47999, Uint8Array.of(7))); // closed port: Destination Unreachable
    net.run();

    const rows = tsharkFields(
      pcap.toBytes(),
      [
        'frame.number',
        'ipv6.src',
        'ipv6.dst',
        'ipv6.plen',
        'ipv6.nxt',
        'udp.srcport',
        'udp.dstport',
        'udp.length',
        'udp.checksum.status',
        'icmpv6.type',
        'icmpv6.checksum.status',
        'icmpv6.echo.identifier',
        'ipv6.reassembled.length',
        'data.data',
      ],
      ['udp.check_checksum:TRUE'],
    );
    const byFrame = rows.map(
      ([frame, src, dst, plen, nxt, sp, dp, ulen, ucs, itype, ics, iid, reass, data]) => ({
        frame,
        src,
        dst,
        plen,
        nxt,
        sp,
        dp,
        ulen,
        ucs,
        itype,
        ics,
        iid,
        reass,
        data,
      }),
    );
    // 1: ping datagram, 2: pong, 3-5: three fragments (1232 + 1232 + 544 bytes of 3008), 6: pong, 7-8: echo request/reply
    expect(byFrame[0]).toMatchObject({
      src: '2001:db8:1::1',
      dst: '2001:db8:1::2',
      plen: '12',
      nxt: '17',
      sp: '40000',
      dp: '47001',
      ulen: '12',
      ucs: '1',
      data: Buffer.from('ping').toString('hex'),
    });
    expect(byFrame[1]).toMatchObject({
      src: '2001:db8:1::2',
      dst: '2001:db8:1::1',
      sp: '47001',
      dp: '40000',
      ucs: '1',
      data: Buffer.from('pong').toString('hex'),
    });
    const frags = byFrame.filter((r) => r.nxt === '44');
    expect(frags).toHaveLength(3);
    expect(frags[2]).toMatchObject({ reass: '3008', ulen: '3008', ucs: '1' });
    const icmp = byFrame.filter((r) => r.nxt!.split(',')[0] === '58'); // an error quotes the invoking packet: 58,17
    expect(icmp.map((r) => [r.itype, r.ics, r.iid])).toEqual([
      ['128', '1', '0xbeef'],
      ['129', '1', '0xbeef'],
      // tshark decodes the invoking packet inside the error: its UDP fields appear too.
      ['1', '1', ''],
    ]);
    expect(icmp[2]).toMatchObject({ dp: '47999', sp: '40000' });
    // And a checksum we break on purpose is reported bad: the judge is not blind.
    const broken = new PcapWriter();
    const first = pcap.records[0]!;
    const t = Uint8Array.from(first.data);
    t[t.length - 1]! ^= 1;
    broken.add(0, t);
    expect(
      tsharkFields(broken.toBytes(), ['udp.checksum.status'], ['udp.check_checksum:TRUE']),
    ).toEqual([['0']]);
  },
);
