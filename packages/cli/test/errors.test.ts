/**
 * Every command, fed the mistakes a user makes: exit code 2, one line on stderr (and at most
 * a hint line), no stack trace, nothing half-done on stdout. `--help` on every command exits 0
 * without doing anything else.
 */
import { PcapWriter } from '@conduits/netsim';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../src/main.js';

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function run(...argv: string[]): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** Exit 2, one message line (plus at most a hint line), no stack trace, nothing on stdout unless allowed. */
function refused(r: Run, message: RegExp, stdoutLines = 0): void {
  expect({ code: r.code, first: r.err[0] }).toEqual({
    code: 2,
    first: expect.stringMatching(message),
  });
  expect(r.err.length).toBeLessThanOrEqual(2);
  for (const line of r.err) {
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(/^\s*at |\.ts:\d+/);
  }
  expect(r.out).toHaveLength(stdoutLines);
}

let dir: string;
const file = (name: string, content: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'conduits-cli-errors-'));
  mkdirSync(join(dir, 'a-directory'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every command: --help prints its help and exits 0 with no side effects', () => {
  test.each([
    [['--help']],
    [['demo', '--help']],
    [['graph', '--help']],
    [['pcap', '--help']],
    [['pcap', 'decode', '--help']],
    [['seccomm', '--help']],
    [['seccomm', 'check', '--help']],
    [['seccomm', 'graph', '--help']],
    [['seccomm', 'run', 'paranoid', '--help']],
    [['seccomm', 'verify-proof', '-h']],
  ])('%j', (argv) => {
    const r = run(...argv);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/usage: conduits/);
    expect(r.err).toEqual([]);
  });

  test('demo --help --out DIR writes nothing', () => {
    const out = join(dir, 'demo-help');
    expect(run('demo', '--out', out, '--help').code).toBe(0);
    expect(existsSync(out)).toBe(false);
  });
});

describe('options: unknown, without a value, not a decimal integer in range', () => {
  test.each([
    [['demo', '--mesages', '3'], /^unknown option --mesages$/],
    [['graph', 'chat', '--fromat', 'dot'], /^unknown option --fromat$/],
    [['pcap', 'decode', 'x.pcap', '--esp', 'sa'], /^unknown option --esp$/],
    [['seccomm', 'run', 'esp-like', '--mesages', '5'], /^unknown option --mesages$/],
    [['seccomm', 'check', 'esp-like', '--seed', '1'], /^unknown option --seed$/],
    [['seccomm', 'verify-proof', 'f', '--key', 'ab'], /^unknown option --key$/],
    [['seccomm', 'run', 'esp-like', '-m', '5'], /^unknown option -m$/],
    [
      ['seccomm', 'run', 'esp-like', '--seed', 'abc'],
      /^--seed is a decimal integer from 0 to \d+ \(not abc\)$/,
    ],
    [['seccomm', 'run', 'esp-like', '--seed', '0x10'], /^--seed is a decimal integer/],
    [
      ['seccomm', 'run', 'esp-like', '--messages', '99999999999999999999'],
      /^--messages is a decimal integer from 1 to 10000000/,
    ],
    [['seccomm', 'run', 'esp-like', '--messages', '0'], /^--messages is a decimal integer from 1/],
    [['seccomm', 'run', 'esp-like', '--messages', '1.5'], /^--messages is a decimal integer/],
    [
      ['seccomm', 'run', 'esp-like', '--size', '60001'],
      /^--size is a decimal integer from 1 to 60000/,
    ],
    [['seccomm', 'run', 'esp-like', '--seed'], /^--seed needs a value$/],
    [['seccomm', 'run', 'esp-like', '--seed', '--messages', '3'], /^--seed needs a value$/],
    [['seccomm', 'run', 'esp-like', '--messages='], /^--messages needs a value$/],
    [['seccomm', 'run', 'esp-like', '--adversary', 'nuke'], /^--adversary is one of none, tamper/],
    [['demo', '--seed', '-1'], /^--seed is a decimal integer from 0/],
    [['demo', '--seed', '7', '--seed', '8'], /^--seed given twice$/],
    [['demo', 'extra'], /^unexpected argument extra$/],
    [['graph', 'chat', '--format'], /^--format needs a value$/],
  ])('%j', (argv, message) => refused(run(...argv), message));

  test('commands that do not exist', () => {
    refused(run(), /^a command is needed/);
    refused(run('dmeo'), /^unknown command dmeo$/);
    refused(run('--mesages'), /^unknown command --mesages$/);
    refused(run('pcap', 'encode', 'x'), /^unknown command pcap encode$/);
    refused(run('seccomm', 'nuke', 'x'), /^unknown command seccomm nuke$/);
    refused(run('seccomm'), /needs a command: check, graph, run, verify-proof$/);
    refused(run('graph'), /^missing example$/);
    refused(run('graph', 'nope'), /^unknown example nope$/);
    refused(run('pcap', 'decode'), /^missing argument/);
  });
});

describe('--engine: an unknown name is refused by every command that takes one', () => {
  test.each([
    [['demo', '--engine', 'openssl']],
    [['seccomm', 'run', 'esp-like', '--engine', 'openssl']],
    [['seccomm', 'verify-proof', 'f', '--public-key', 'ab', '--engine', 'openssl']],
  ])('%j', (argv) => refused(run(...argv), /^--engine is one of noble, node \(not openssl\)$/));
});

describe('demo --out naming an existing file', () => {
  test('refused before anything runs', () =>
    refused(
      run('demo', '--out', file('not-a-dir', 'x')),
      /^--out .*not-a-dir exists and is not a directory$/,
    ));
});

describe('pcap decode: bad captures', () => {
  const capture = (n: number): Uint8Array => {
    const w = new PcapWriter();
    for (let i = 0; i < n; i++)
      w.add(i, Uint8Array.of(0x60, 0, 0, 0, 0, 0, 59, 64, ...new Uint8Array(32)));
    return w.toBytes();
  };

  test('a missing file, a directory, an empty file, a bad magic number', () => {
    refused(
      run('pcap', 'decode', join(dir, 'missing.pcap')),
      /^no such capture file: .*missing\.pcap$/,
    );
    refused(
      run('pcap', 'decode', join(dir, 'a-directory')),
      /^capture file .*a-directory is a directory$/,
    );
    refused(run('pcap', 'decode', file('empty.pcap', '')), /empty\.pcap: empty file/);
    refused(
      run('pcap', 'decode', file('magic.pcap', new Uint8Array(40).fill(0x42))),
      /magic\.pcap: not a pcap or pcapng file \(magic 0x42424242\)/,
    );
  });

  test('a truncated pcap: the complete records first, then where it was cut', () => {
    const whole = capture(3);
    const r = run('pcap', 'decode', file('cut.pcap', whole.subarray(0, whole.length - 5)));
    refused(r, /cut\.pcap: file cut in frame 3 \(35 of 40 bytes\) \(at byte 136\)$/, 2);
    expect(r.out.map((l) => (JSON.parse(l) as { frame: number }).frame)).toEqual([1, 2]);
  });

  test('a truncated pcapng (converted by editcap): the complete records first', () => {
    const pcap = file('ng-src.pcap', capture(3));
    const ng = join(dir, 'ng.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', pcap, ng]);
    const bytes = new Uint8Array(readFileSync(ng));
    const r = run('pcap', 'decode', file('cut.pcapng', bytes.subarray(0, bytes.length - 6)));
    refused(r, /cut\.pcapng: file cut in a block/, 2);
  });

  test('a short enhanced packet block and an absurd record length', () => {
    const shb = [
      0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255,
      255, 255, 255, 255, 28, 0, 0, 0,
    ];
    const idb = [1, 0, 0, 0, 20, 0, 0, 0, 229, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0];
    const epb = [6, 0, 0, 0, 24, 0, 0, 0, ...new Uint8Array(12), 24, 0, 0, 0];
    refused(
      run('pcap', 'decode', file('short-epb.pcapng', Uint8Array.from([...shb, ...idb, ...epb]))),
      /enhanced packet block of 24 bytes \(at least 32\)/,
    );
    const huge = capture(1);
    new DataView(huge.buffer).setUint32(16, 0xffffffff, true); // snap length
    new DataView(huge.buffer).setUint32(24 + 8, 0xfffffff0, true); // this record's length
    refused(
      run('pcap', 'decode', file('huge.pcap', huge)),
      /frame 1 claims 4294967280 bytes, more than the 262144-byte maximum/,
    );
  });

  test('a 1.5 MB gzip that would expand to 1.5 GB: refused at the cap, promptly', () => {
    const member = gzipSync(new Uint8Array(1 << 20));
    const bomb = new Uint8Array(member.length * 1500);
    for (let i = 0; i < 1500; i++) bomb.set(member, i * member.length);
    refused(
      run('pcap', 'decode', file('bomb.pcap.gz', bomb)),
      /bomb\.pcap\.gz: gzip data expands beyond 134217728 bytes \(the limit\)/,
    );
  });

  test('esp_sa files: each bad line refused when the file is read, with its line number, before any packet', () => {
    const cap = file('ok.pcap', capture(2));
    const key16 = '0x' + '11'.repeat(16);
    const good = `"IPv6","2001:db8::1","2001:db8::2","0x00000100","AES-CBC [RFC3602]","${key16}","HMAC-SHA-256-128 [RFC4868]","0x${'22'.repeat(32)}"`;
    const gcm = (auth: string, authKey: string): string =>
      `"IPv6","*","*","0x101","AES-GCM with 16 octet ICV [RFC4106]","0x${'33'.repeat(20)}","${auth}","${authKey}"`;
    const cases: [string, RegExp][] = [
      [good.replace(key16, '0x' + 'zz'.repeat(16)), /line 2: not a hex key/],
      [good.replace(key16, key16 + '1'), /line 2: not a hex key/],
      [good.replace('AES-CBC [RFC3602]', 'AES-XTS'), /line 2: unsupported encryption AES-XTS/],
      [good.replace('0x00000100', '0xfg'), /line 2: bad SPI 0xfg/],
      [good.replace('0x00000100', ''), /line 2: (bad SPI|expected 8 fields)/],
      ['"IPv6","*","*","0x1"', /line 2: expected 8 fields, found 4/],
      [
        gcm('HMAC-SHA-1-96 [RFC2404]', '0x' + '44'.repeat(20)),
        /line 2: AES-GCM with 16 octet ICV \[RFC4106\] is an AEAD: it takes no authentication/,
      ],
      [
        good.replace(key16, '0x' + '11'.repeat(5)),
        /line 2: AES-CBC \[RFC3602\] key is 5 bytes; it must be 16, 24, 32 bytes/,
      ],
      [
        good.replace('2001:db8::2', '2001:db8::zz'),
        /line 2: destination address 2001:db8::zz is not an IPv4 or IPv6 address/,
      ],
      [
        good.replace('"IPv6"', '"IPv4"'),
        /line 2: source address 2001:db8::1 is not an IPv4 address/,
      ],
    ];
    for (const [line, message] of cases) {
      const sa = file('esp_sa', `# comment\n${line}\n`);
      refused(
        run('pcap', 'decode', cap, '--esp-sa', sa),
        new RegExp(`^refused: .*esp_sa ${message.source}`),
      );
    }
    refused(
      run('pcap', 'decode', cap, '--esp-sa', join(dir, 'no-esp_sa')),
      /^no such --esp-sa file/,
    );
    expect(run('pcap', 'decode', cap, '--esp-sa', file('esp_sa', `${good}\n`)).code).toBe(0);
  });
});

describe('seccomm: configurations that are JSON but not a composition', () => {
  test.each([
    ['[]', '[]'],
    ['null', 'null'],
    ['{}', '{}'],
    ['a number', '42'],
    ['non-array microProtocols', '{"microProtocols": {"use": "aes-128-gcm-privacy"}}'],
    ['a null entry', '{"keys": {"predefined": [1]}, "microProtocols": [null]}'],
    [
      'use of the wrong type',
      '{"keys": {"predefined": [1]}, "microProtocols": [{"use": 5, "key": 1}]}',
    ],
    [
      'key of the wrong type',
      '{"keys": {"predefined": [1]}, "microProtocols": [{"use": "aes-128-gcm-privacy", "key": "one"}]}',
    ],
    [
      'an unknown field "directon"',
      '{"keys": {"predefined": [1]}, "microProtocols": [{"use": "aes-128-gcm-privacy", "key": 1, "directon": "send"}]}',
    ],
    [
      'an unknown field "kye"',
      '{"keys": {"predefined": [1]}, "microProtocols": [{"use": "aes-128-gcm-privacy", "kye": 1}]}',
    ],
  ])('%s: refused', (_what, json) => {
    const f = file('config.json', json);
    for (const sub of ['check', 'graph', 'run']) refused(run('seccomm', sub, f), /^refused: /);
  });

  test('not JSON, a missing file, a directory', () => {
    refused(
      run('seccomm', 'check', file('bad.json', '{"microProtocols": [')),
      /^refused: .*bad\.json is not JSON/,
    );
    refused(
      run('seccomm', 'check', join(dir, 'missing.json')),
      /^no preset or configuration file .*missing\.json$/,
    );
    refused(
      run('seccomm', 'check', join(dir, 'a-directory')),
      /^configuration file .*a-directory is a directory$/,
    );
  });
});

describe('seccomm verify-proof: bad proof files and keys', () => {
  const record = JSON.stringify({
    sender: 'client',
    receivedAt: 1,
    algorithm: 'ed25519',
    signed: '00',
    signature: '11'.repeat(64),
  });
  test.each([
    [
      'a directory',
      () => ['seccomm', 'verify-proof', join(dir, 'a-directory'), '--public-key', '00'.repeat(32)],
      /^proof file .*a-directory is a directory$/,
    ],
    [
      'a missing file',
      () => [
        'seccomm',
        'verify-proof',
        join(dir, 'missing.jsonl'),
        '--public-key',
        '00'.repeat(32),
      ],
      /^no such proof file/,
    ],
    [
      'an empty file (zero records is not "all verify")',
      () => ['seccomm', 'verify-proof', file('empty.jsonl', '\n'), '--public-key', '00'.repeat(32)],
      /^refused: .*empty\.jsonl holds no proof records/,
    ],
    [
      'a record with missing fields',
      () => [
        'seccomm',
        'verify-proof',
        file('fields.jsonl', `${record}\n{"sender":"client","signed":"00"}\n`),
        '--public-key',
        '00'.repeat(32),
      ],
      /^refused: .*fields\.jsonl line 2 lacks algorithm, signature, receivedAt$/,
    ],
    [
      'a line that is not JSON',
      () => [
        'seccomm',
        'verify-proof',
        file('junk.jsonl', 'junk\n'),
        '--public-key',
        '00'.repeat(32),
      ],
      /^refused: .*junk\.jsonl line 1 is not JSON$/,
    ],
    [
      'a key of the wrong length',
      () => [
        'seccomm',
        'verify-proof',
        file('one.jsonl', `${record}\n`),
        '--public-key',
        '00'.repeat(31),
      ],
      /^--public-key is 31 bytes; ed25519 public keys are 32 bytes$/,
    ],
    [
      'a key that is not hex',
      () => ['seccomm', 'verify-proof', file('one.jsonl', `${record}\n`), '--public-key', 'xyz'],
      /^--public-key is hex/,
    ],
    [
      'no key',
      () => ['seccomm', 'verify-proof', file('one.jsonl', `${record}\n`)],
      /^--public-key HEX is needed/,
    ],
  ])('%s', (_what, argv, message) => refused(run(...argv()), message));
});

describe('the real command line', () => {
  test('pnpm conduits, as the README runs it: stdout empty, one line on stderr, exit 2, no stack trace, no pnpm banner', () => {
    const r = spawnSync('pnpm', ['conduits', 'pcap', 'decode', join(dir, 'a-directory')], {
      encoding: 'utf8',
    });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `capture file ${join(dir, 'a-directory')} is a directory\n`,
    });
  }, 60_000);

  test('no seccomm-run temporary folder is left by a run that writes no proofs', () => {
    // A temporary directory of this test's own (others share the machine's /tmp).
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    try {
      expect(run('seccomm', 'run', 'esp-like', '--messages', '2', '--seed', '1').code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});
