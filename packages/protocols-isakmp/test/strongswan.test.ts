/**
 * strongSwan 5.9 (charon, kernel-libipsec) judges our IKEv1 on real UDP sockets in network
 * namespaces: Main Mode (and Aggressive Mode) with a pre-shared key, NAT traversal forced by charon (`encap = yes`,
 * as kernel-libipsec needs: IKE floats to 4500, ESP in UDP), Quick Mode (tunnel, with PFS or
 * AES-GCM), our initiator to charon's responder and charon's initiator to our responder.
 * charon must install the child with the SPIs we derived, and a UDP datagram must cross the
 * resulting ESP-in-UDP both ways: ours sealed by our SA reaches a socket in charon's
 * namespace, whose answer, sealed by charon, opens with our SA.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = resolve(process.cwd(), 'packages/protocols-isakmp/test/interop');
const available = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('ip', ['netns', 'add', 'ckprobe'], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', 'ckprobe'], { stdio: 'ignore' });
  return (
    r.status === 0 &&
    spawnSync('test', ['-x', '/usr/lib/ipsec/charon']).status === 0 &&
    spawnSync('which', ['swanctl'], { stdio: 'ignore' }).status === 0
  );
})();
if (!available)
  process.stderr.write(
    '\n*** strongSwan IKEv1 interop SKIPPED: needs root, ip netns, charon and swanctl (see INTEROP notes in the README). ***\n\n',
  );
const maybe = available ? describe : describe.skip;

type Line = Record<string, unknown>;

function ourPeer(args: object): { ready: Promise<void>; done: Promise<Line[]> } {
  let ready: () => void = () => {};
  const readyP = new Promise<void>((r) => (ready = r));
  const done = new Promise<Line[]>((resolveDone, reject) => {
    const p = spawn(
      'ip',
      [
        'netns',
        'exec',
        'ckA',
        process.execPath,
        '--import',
        'tsx',
        join(here, 'ike-peer.ts'),
        JSON.stringify(args),
      ],
      { cwd: process.cwd() },
    );
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"ready"')) ready();
    });
    p.on('error', reject);
    p.on('close', () => {
      ready();
      resolveDone(
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Line),
      );
    });
  });
  return { ready: readyP, done };
}

const echoServer = (): Promise<string> =>
  new Promise((done) => {
    const p = spawn('ip', [
      'netns',
      'exec',
      'ckB',
      'python3',
      '-u',
      '-c',
      "import socket\ns=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('2001:db8:d::1',7777)); s.settimeout(15)\nd,a=s.recvfrom(2000); print(d.decode(), flush=True); s.sendto(b'echo:'+d, a)",
    ]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => done(out.trim()));
  });

const base = {
  local: '2001:db8:2::1',
  peer: '2001:db8:2::2',
  psk: 'conduits-ikev1-psk',
  localTs: '2001:db8:c::/64',
  remoteTs: '2001:db8:d::/64',
  natT: true,
};

function checkFlow(lines: Line[], heard: string, log: string, sas: string, text: string): void {
  const up = lines.find((l) => l['kind'] === 'child-up')!;
  expect(up).toBeDefined();
  const hex = (n: unknown) => (n as number).toString(16).padStart(8, '0');
  // charon installed the child with the SPIs we derived (its inbound is our outbound).
  expect(log).toContain(`established with SPIs ${hex(up['outbound'])}_i ${hex(up['inbound'])}_o`);
  expect(sas).toMatch(/ours: #\d+, ESTABLISHED, IKEv1/);
  expect(sas).toMatch(/net: #\d+, reqid \d+, INSTALLED, TUNNEL-in-UDP/);
  expect(sas).toMatch(
    new RegExp(`in  ${hex(up['outbound'])},[^\n]*\n *out ${hex(up['inbound'])},`),
  );
  // Our ESP reached the socket behind charon; its answer came back through charon's ESP and opened with our SA.
  expect(heard).toBe(text);
  expect(lines.find((l) => l['espIn'])?.['espIn']).toMatchObject({
    spi: hex(up['inbound']),
    innerSrc: '2001:db8:d::1',
    text: `echo:${text}`,
  });
  expect(lines.filter((l) => l['kind'] === 'dropped' || l['kind'] === 'child-deleted')).toEqual([]);
}

const listSas = (dir: string) =>
  spawnSync(
    'ip',
    ['netns', 'exec', 'ckB', 'swanctl', '--list-sas', '--uri', `unix://${dir}/charon.vici`],
    { encoding: 'utf8' },
  ).stdout;

const cases: [string, string, string, string[], string[], boolean][] = [
  [
    'aes128-sha256-modp2048, ESP aes128-sha256 with PFS MODP-2048',
    'aes128-sha256-modp2048',
    'aes128-sha256-modp2048',
    ['aes128-sha256-modp2048'],
    ['aes128-sha256-modp2048'],
    false,
  ],
  [
    'aes256-sha1-ecp256, ESP aes128gcm16',
    'aes256-sha1-ecp256',
    'aes128gcm16',
    ['aes256-sha1-ecp256'],
    ['aes128gcm16'],
    false,
  ],
  [
    'Aggressive Mode aes128-sha256-modp2048, ESP aes128-sha256',
    'aes128-sha256-modp2048',
    'aes128-sha256',
    ['aes128-sha256-modp2048'],
    ['aes128-sha256'],
    true,
  ],
];

maybe(
  'strongSwan judges our IKEv1 (Main Mode PSK + NAT-T + Quick Mode, data through ESP in UDP)',
  () => {
    let dir = '';
    afterEach(() => {
      spawnSync(join(here, 'charon-down.sh'), [dir], { stdio: 'ignore' });
    });

    test.each(cases)(
      'our initiator → charon responder: %s',
      async (_n, ike, esp, ourIke, ourEsp, aggressive) => {
        dir = mkdtempSync(join(tmpdir(), 'conduits-ikev1-'));
        expect(
          spawnSync(join(here, 'charon-up.sh'), [dir, ike, esp, 'yes', aggressive ? 'yes' : 'no'], {
            stdio: 'ignore',
          }).status,
        ).toBe(0);
        const heard = echoServer();
        const lines = await ourPeer({
          ...base,
          role: 'initiator',
          aggressive,
          ike: ourIke,
          esp: ourEsp,
          echo: `hello ${esp}`,
          deadline: 10_000,
        }).done;
        const log = readFileSync(join(dir, 'charon.log'), 'utf8');
        expect(log).toMatch(
          /IKE_SA ours\[\d+\] established between 2001:db8:2::2\[2001:db8:2::2\]\.\.\.2001:db8:2::1\[2001:db8:2::1\]/,
        );
        expect(log).toMatch(/received packet: from 2001:db8:2::1\[4500\] to 2001:db8:2::2\[4500\]/);
        checkFlow(lines, await heard, log, listSas(dir), `hello ${esp}`);
      },
      30_000,
    );

    test('charon initiator → our responder', async () => {
      dir = mkdtempSync(join(tmpdir(), 'conduits-ikev1-'));
      expect(
        spawnSync(
          join(here, 'charon-up.sh'),
          [dir, 'aes128-sha256-modp2048', 'aes128-sha256-modp2048', 'yes'],
          { stdio: 'ignore' },
        ).status,
      ).toBe(0);
      const heard = echoServer();
      const peer = ourPeer({
        ...base,
        role: 'responder',
        ike: ['aes128-sha256-modp2048'],
        esp: ['aes128-sha256-modp2048'],
        echo: 'hello from the responder',
        deadline: 8_000,
      });
      await peer.ready;
      spawnSync(
        'ip',
        [
          'netns',
          'exec',
          'ckB',
          'swanctl',
          '--initiate',
          '--ike',
          'ours',
          '--child',
          'net',
          '--timeout',
          '4',
          '--uri',
          `unix://${dir}/charon.vici`,
        ],
        { stdio: 'ignore' },
      );
      const lines = await peer.done;
      const log = readFileSync(join(dir, 'charon.log'), 'utf8');
      expect(log).toMatch(/IKE_SA ours\[\d+\] established between 2001:db8:2::2/);
      expect(lines.slice(1, 3).map((l) => l['kind'])).toEqual(['ike-up', 'child-up']);
      checkFlow(lines, await heard, log, listSas(dir), 'hello from the responder');
    }, 30_000);
  },
);
