/**
 * SecComm between two processes over real UDP (loopback): the client here, the server in a
 * child process; the DH key exchange under a pre-shared key and the data both cross real
 * sockets. No sleeps: the test waits on the messages themselves.
 */
import { RealClock, Scheduler } from '@conduits/core';
import { engines } from '@conduits/crypto';
import { DgramAdaptor, Host } from '@conduits/protocols-inet';
import { presets, resolveComposition, SecureChannel } from '@conduits/seccomm';
import { Keys } from '@conduits/seccomm/internal';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

test('a SecComm channel between two processes over real UDP: keys agreed, messages echoed', async () => {
  const psk = engines.node.randomBytes(32);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(process.cwd(), 'packages/seccomm/test/fixtures/udp-echo-server.ts')],
    {
      env: { ...process.env, SECCOMM_PSK: Buffer.from(psk).toString('hex') },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const scheduler = new Scheduler(new RealClock());
  let socket: DgramAdaptor | null = null;
  let timer: NodeJS.Timeout | undefined;
  // A failure must end the test, not hang it: everything below is bounded by this deadline.
  const deadline = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('no echo within 20 s')), 20_000)),
  );
  try {
    const serverPort = Number(
      await Promise.race([
        new Promise<string>((resolve) =>
          createInterface({ input: child.stdout }).once('line', resolve),
        ),
        deadline,
      ]),
    );
    socket = new DgramAdaptor('client-socket', {
      type: 'udp4',
      peer: { address: '127.0.0.1', port: serverPort },
    });
    const host = new Host({ name: 'client', address: '2001:db8::c', link: socket }, scheduler);
    const port = await socket.open();
    const ch = SecureChannel.open(host, resolveComposition(presets['esp-like']), {
      engine: engines.node,
      role: 'client',
      port: 4000,
      peer: '2001:db8::5',
      peerPort: 4000,
      keys: new Map([[2, psk]]),
      participants: { self: 'client', peer: 'server' },
    });
    const echoes: string[] = [];
    const done = new Promise<void>((resolve) =>
      ch.onMessage((d) => {
        echoes.push(new TextDecoder().decode(d));
        if (echoes.length === 3) resolve();
      }),
    );
    child.stdin.write(`${port}\n`);
    scheduler.start();
    for (const m of ['one', 'two', 'three']) ch.push(new TextEncoder().encode(m)); // wait at the gate until the key is agreed
    await Promise.race([done, deadline]);
    expect(echoes.sort()).toEqual(['ONE', 'THREE', 'TWO']);
    expect(ch.conn.shared.get(Keys).epoch).toBe(1);
    expect(socket.receivedCount).toBeGreaterThanOrEqual(4); // the DH answer and three echoes crossed a real socket
    ch.close();
  } finally {
    clearTimeout(timer);
    scheduler.stop();
    await socket?.close();
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
}, 30_000);
