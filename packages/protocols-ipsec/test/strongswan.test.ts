/**
 * strongSwan judges our ESP (docs/interop.md): two charons negotiate IKEv2 in network
 * namespaces; with the ESP keys from charon's log, our stack — standing in for the initiator,
 * whose charon is then stopped — sends tunnel-mode ESP in UDP that charon's userspace ESP
 * accepts (the inner datagram reaches a socket in charon's namespace) and refuses when
 * tampered, and opens the ESP charon sends.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = resolve(process.cwd(), 'packages/protocols-ipsec/test/interop');
const namespacesWork = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('ip', ['netns', 'add', 'cdprobe'], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', 'cdprobe'], { stdio: 'ignore' });
  return r.status === 0;
})();
if (!namespacesWork) {
  process.stderr.write('\n*** strongSwan interop SKIPPED: network namespaces are impossible here (not root, or no ip netns). ***\n\n');
}
const maybe = namespacesWork ? describe : describe.skip;

function ensureStrongswan(): void {
  if (spawnSync('test', ['-x', '/usr/lib/ipsec/charon']).status === 0 && spawnSync('which', ['swanctl']).status === 0) return;
  process.stderr.write('strongSwan is missing: installing Debian packages (apt-get)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'strongswan-charon', 'strongswan-swanctl', 'libcharon-extra-plugins', 'libstrongswan-standard-plugins', 'libstrongswan-extra-plugins'], { stdio: 'ignore', env });
  if (r.status !== 0) throw new Error('strongSwan is not installed and could not be installed');
}

/** A key charon logged at level 4: "encryption initiator key => 20 bytes @ ..." then hex dump lines. */
function loggedKey(log: string, which: 'initiator' | 'responder'): string {
  const lines = log.split('\n');
  const at = lines.findIndex((l) => l.includes(`encryption ${which} key =>`));
  if (at < 0) throw new Error(`charon logged no ${which} key`);
  const size = Number(/=> (\d+) bytes/.exec(lines[at]!)![1]);
  let hex = '';
  for (let i = at + 1; hex.length < size * 2; i++) hex += (/\d+: ((?:[0-9A-F]{2} ?)+)/.exec(lines[i]!)?.[1] ?? '').replace(/ /g, '');
  return hex.slice(0, size * 2).toLowerCase();
}

function peer(ns: string, args: object): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(here, 'esp-peer.ts'), JSON.stringify(args)], { cwd: process.cwd() });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', () => resolvePromise(out.trim()));
  });
}

function inNamespace(ns: string, python: string): Promise<string> {
  return new Promise((resolvePromise) => {
    const p = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', python]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', () => resolvePromise(out.trim()));
  });
}

maybe('strongSwan (charon 5.9, kernel-libipsec) as a peer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conduits-strongswan-'));
  let log = '';
  let spiAB = '';
  let spiBA = '';

  beforeAll(() => {
    ensureStrongswan();
    const up = execFileSync('bash', [join(here, 'strongswan-up.sh'), dir], { encoding: 'utf8', timeout: 60_000 });
    expect(up).toContain('initiate completed successfully');
    // The responder's view: "established with SPIs <inbound>_i <outbound>_o".
    for (let i = 0; i < 50 && !/established with SPIs/.test(log); i++) {
      spawnSync('sleep', ['0.1']);
      log = readFileSync(join(dir, 'B/charon.log'), 'utf8');
    }
    const m = /CHILD_SA net\{\d+\} established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o/.exec(log);
    if (!m) throw new Error('charon B established no CHILD_SA');
    spiAB = m[1]!;
    spiBA = m[2]!;
    // Stop the initiator without a DELETE, so our stack can stand in for it on port 4500.
    execFileSync('kill', ['-9', readFileSync(join(dir, 'A/pid'), 'utf8').trim()]);
  }, 120_000);

  afterAll(() => {
    spawnSync('bash', [join(here, 'strongswan-down.sh'), dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('charon accepts our tunnel-mode ESP in UDP and delivers the inner datagram; refuses it tampered', async () => {
    const listener = inNamespace('cdB', "import socket;s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM);s.bind(('2001:db8:b::1',5555));s.settimeout(10);d,a=s.recvfrom(2000);print(d.decode(),a[0],a[1])");
    spawnSync('sleep', ['0.5']);
    const key = loggedKey(log, 'initiator');
    const base = { mode: 'send', local: '2001:db8:1::1', peer: '2001:db8:1::2', spi: spiAB, key, innerSrc: '2001:db8:a::1', innerDst: '2001:db8:b::1' };
    expect(await peer('cdA', { ...base, text: 'hello charon from conduits', seq: 1 })).toContain('"sent"');
    expect(await listener).toBe('hello charon from conduits 2001:db8:a::1 40000');
    expect(await peer('cdA', { ...base, text: 'tampered', seq: 2, tamper: true })).toContain('"sent"');
    spawnSync('sleep', ['1']);
    expect(readFileSync(join(dir, 'B/charon.log'), 'utf8')).toContain('ESP decryption or ICV verification failed');
  }, 60_000);

  test('our stack opens the ESP charon sends', async () => {
    const ours = peer('cdA', { mode: 'receive', local: '2001:db8:1::1', peer: '2001:db8:1::2', spi: spiBA, key: loggedKey(log, 'responder') });
    spawnSync('sleep', ['2']);
    await inNamespace('cdB', "import socket;s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM);s.bind(('2001:db8:b::1',0));s.sendto(b'hello conduits from charon',('2001:db8:a::1',6666))");
    expect(JSON.parse(await ours)).toEqual({ spi: spiBA, nextHeader: 41, innerSrc: '2001:db8:b::1', innerDst: '2001:db8:a::1', text: 'hello conduits from charon' });
  }, 60_000);
});
