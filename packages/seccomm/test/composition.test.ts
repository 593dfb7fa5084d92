import {
  CompositionError,
  presets,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';

const names = (c: CompositionConfig): string[] =>
  resolveComposition(c).microProtocols.map(
    (m) =>
      `${m.name}${m.key ? `#${m.key}` : ''}${m.creation && m.class === 'key-creation' ? `@${m.creation}` : ''}`,
  );
const refusal = (c: CompositionConfig): CompositionError => {
  try {
    resolveComposition(c);
  } catch (e) {
    if (e instanceof CompositionError) return e;
    throw e;
  }
  throw new Error('the composition was accepted');
};

describe('the closure adds what a choice requires', () => {
  test('digest-based authenticity gets an integrity micro-protocol to make the digest', () => {
    const r = resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'keyed-digest-authenticity', key: 1 }],
    });
    const added = r.microProtocols.find((m) => m.name === 'sha256-digest');
    expect(added?.addedBecause).toMatch(/authenticates a digest/);
    expect(r.dependencies).toContainEqual({
      from: 'keyed-digest-authenticity[key 1]',
      to: 'sha256-digest',
      why: 'digest',
    });
  });

  test('an existing integrity micro-protocol satisfies it (nothing added)', () => {
    const r = resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'keyed-digest-authenticity', key: 1 }, { use: 'sha512-digest' }],
    });
    expect(r.microProtocols.filter((m) => m.class === 'integrity').map((m) => m.name)).toEqual([
      'sha512-digest',
    ]);
  });

  test('a key that is not predefined gets a distribution, which gets its key creation (transitively)', () => {
    expect(names({ microProtocols: [{ use: 'aes-128-gcm-privacy', key: 3 }] })).toEqual([
      'aes-128-gcm-privacy#3',
      'dh-key-distribution#3',
      'derived-key-creation@3',
    ]);
  });

  test('a predefined key needs no distribution', () => {
    expect(
      names({
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
      }),
    ).toEqual(['aes-128-gcm-privacy#1']);
  });

  test('client, server and KDC distribution get random key creation at their creation index', () => {
    const r = resolveComposition({
      microProtocols: [
        { use: 'aes-256-gcm-privacy', key: 2 },
        { use: 'client-key-distribution', key: 2, creation: 5 },
      ],
    });
    expect(r.microProtocols.find((m) => m.class === 'key-creation')).toMatchObject({
      name: 'random-key-creation',
      creation: 5,
    });
  });

  test('public keys to acquire get a CA public key acquisition', () => {
    const r = resolveComposition({
      keys: { publicKeys: 'acquire' },
      ca: '[2001:db8::ca]:7000',
      microProtocols: [{ use: 'public-key-privacy' }],
    });
    expect(r.microProtocols.find((m) => m.class === 'public-key-acquisition')).toMatchObject({
      name: 'ca-public-key-acquisition',
      params: { ca: '[2001:db8::ca]:7000' },
    });
  });

  test('non-repudiation gets signature authenticity', () => {
    // Since issue 10 the proof file is required by the resolver.
    const r = resolveComposition({
      keys: { privateKey: true },
      microProtocols: [{ use: 'non-repudiation', params: { file: 'proofs.jsonl' } }],
    });
    expect(r.microProtocols.find((m) => m.class === 'authenticity')?.name).toBe(
      'signature-authenticity',
    );
  });

  test('senders run by order; the resolved list is sorted by it', () => {
    const r = resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [
        { use: 'aes-128-cbc-privacy', key: 1, order: 5 },
        { use: 'hmac-sha256-integrity', key: 2, order: 1 },
      ],
    });
    expect(r.microProtocols.map((m) => m.order)).toEqual(
      [...r.microProtocols.map((m) => m.order)].sort((a, b) => a - b),
    );
  });
});

describe('refusals name the conflict and a way out', () => {
  test.each<[string, CompositionConfig, RegExp]>([
    ['unknown micro-protocol', { microProtocols: [{ use: 'rot13' }] }, /use one of/],
    [
      'bad direction',
      { microProtocols: [{ use: 'sha256-digest', direction: 'UP' as 'CS' }] },
      /CS, SC or BOTH/,
    ],
    [
      'bad mode',
      { microProtocols: [{ use: 'sha256-digest', mode: 'ALL' as 'DATA' }] },
      /DATA, KEYS or BOTH/,
    ],
    [
      'bad key index',
      { microProtocols: [{ use: 'aes-128-gcm-privacy', key: 0 }] },
      /positive integer/,
    ],
    [
      'replay prevention alone',
      { microProtocols: [{ use: 'sequence-replay-prevention' }] },
      /add authenticity, privacy or a keyed integrity/,
    ],
    [
      'replay prevention with only a plain digest',
      { microProtocols: [{ use: 'timestamp-replay-prevention' }, { use: 'sha256-digest' }] },
      /keyed integrity/,
    ],
    [
      'consistency check without privacy',
      { microProtocols: [{ use: 'consistency-check' }] },
      /add a privacy micro-protocol/,
    ],
    [
      'public keys to acquire, no CA',
      {
        keys: { publicKeys: 'acquire', privateKey: true },
        microProtocols: [{ use: 'signature-authenticity' }],
      },
      /give "ca"/,
    ],
    [
      'signing without our private key',
      { microProtocols: [{ use: 'signature-authenticity' }] },
      /keys.privateKey: true/,
    ],
    [
      'one key index, two lengths',
      {
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'chacha20-poly1305-privacy', key: 1 },
        ],
      },
      /different key indices/,
    ],
    [
      'two distributions for one key',
      {
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'client-key-distribution', key: 1 },
          { use: 'server-key-distribution', key: 1 },
        ],
      },
      /one distribution per key index/,
    ],
    [
      'one-time pad without its file',
      { microProtocols: [{ use: 'one-time-pad-privacy' }] },
      /params.file/,
    ],
    [
      'KDC without its address',
      {
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'kdc-key-distribution', key: 1 },
        ],
      },
      /params.kdc/,
    ],
    [
      'KDC without a predefined master key',
      {
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'kdc-key-distribution', key: 1, params: { kdc: '[::1]:88', masterKey: 4 } },
        ],
      },
      /params.masterKey, a predefined key index/,
    ],
    [
      'mode KEYS with nothing distributed',
      {
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1, mode: 'KEYS' }],
      },
      /use mode DATA, or add a key distribution/,
    ],
    [
      'securing a distribution that does not exist',
      {
        keys: { predefined: [2] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS', distribution: 3 },
        ],
      },
      /secure one of: 1/,
    ],
    [
      "securing a key's distribution with itself",
      { microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1, mode: 'BOTH' }] },
      /use a predefined key or one distributed before key 1/,
    ],
    [
      'securing with a key distributed later',
      {
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS', distribution: 1 },
        ],
      },
      /distributed before key 1/,
    ],
  ])('%s', (_n, config, wayOut) => {
    const e = refusal(config);
    expect(e.wayOut).toMatch(wayOut);
    expect(e.message).toContain(' — way out: ');
  });
});

describe('mode KEYS: which key distributions a security micro-protocol secures', () => {
  test('by default every distribution; with `distribution`, that one', () => {
    const r = resolveComposition({
      keys: { predefined: [3] },
      microProtocols: [
        { use: 'aes-128-gcm-privacy', key: 1 },
        { use: 'aes-256-gcm-privacy', key: 2 },
        { use: 'hmac-sha256-integrity', key: 3, mode: 'KEYS' },
        { use: 'sequence-replay-prevention', mode: 'BOTH', distribution: 2 },
      ],
    });
    expect(r.microProtocols.find((m) => m.name === 'hmac-sha256-integrity')?.distributions).toEqual(
      [1, 2],
    );
    expect(
      r.microProtocols.find((m) => m.name === 'sequence-replay-prevention')?.distributions,
    ).toEqual([2]);
  });

  test('a key distributed earlier may secure a later distribution', () => {
    const r = resolveComposition({
      microProtocols: [
        { use: 'aes-256-gcm-privacy', key: 1 },
        { use: 'aes-256-gcm-privacy', key: 2, order: 41 },
        { use: 'chacha20-poly1305-privacy', key: 1, mode: 'KEYS', distribution: 2, order: 45 },
      ],
    });
    expect(r.microProtocols.find((m) => m.mode === 'KEYS')?.distributions).toEqual([2]);
  });
});

describe('warnings about weak choices', () => {
  test('a key sent by client or server distribution that nothing in mode KEYS encrypts; unauthenticated Diffie-Hellman', () => {
    expect(
      resolveComposition({
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'client-key-distribution', key: 1 },
        ],
      }).warnings.join('\n'),
    ).toMatch(/sends the key itself and no privacy micro-protocol in mode KEYS encrypts it/);
    expect(
      resolveComposition({
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
      }).warnings.join('\n'),
    ).toMatch(/unauthenticated Diffie-Hellman/);
    expect(
      resolveComposition({
        keys: { predefined: [2] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
        ],
      }).warnings,
    ).toEqual([]);
  });

  test('Caesar, MD5, SHA-1 and unprotected plain digests', () => {
    const r = resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'md5-digest' }, { use: 'sha1-digest' }],
    });
    expect(r.warnings.join('\n')).toMatch(/MD5 is broken/);
    expect(r.warnings.join('\n')).toMatch(/SHA-1/);
    expect(r.warnings.filter((w) => w.includes('unprotected plain digest'))).toHaveLength(2);
    const c = resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'caesar-privacy', key: 1 }, { use: 'sha256-digest' }],
    });
    expect(c.warnings.join('\n')).toMatch(/Caesar/);
    // The digest is under encryption now: not unprotected.
    expect(c.warnings.join('\n')).not.toMatch(/unprotected/);
  });
});

describe('presets', () => {
  test('esp-like, tls-record-like and paranoid resolve without warnings', () => {
    for (const p of Object.values(presets)) expect(resolveComposition(p).warnings).toEqual([]);
  });

  test('paranoid: double encryption, two digests, a signature, replay prevention, non-repudiation', () => {
    const r = resolveComposition(presets.paranoid);
    const classes = r.microProtocols.map((m) => m.class);
    expect(classes.filter((c) => c === 'privacy')).toHaveLength(2);
    expect(classes.filter((c) => c === 'integrity')).toHaveLength(2);
    expect(r.microProtocols.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'signature-digest-authenticity',
        'timestamp-replay-prevention',
        'non-repudiation',
      ]),
    );
    // Keys 1 and 2 are distributed by DH, each with its own derivation.
    expect(
      r.microProtocols.filter((m) => m.class === 'key-distribution').map((m) => m.key),
    ).toEqual([1, 2]);
  });
});
