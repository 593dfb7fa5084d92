/**
 * Compositions that promise more than they give (issue 10): malleable privacy warns loudly,
 * replay prevention outside the authenticating micro-protocol is refused, parameters are
 * schema-checked, unknown fields are errors, any JSON at all gives a CompositionError or a
 * composition, and non-repudiation needs its file.
 */
import {
  CompositionError,
  presets,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';

const refusal = (c: unknown): CompositionError => {
  try {
    resolveComposition(c as CompositionConfig);
  } catch (e) {
    if (e instanceof CompositionError) return e;
    throw e;
  }
  throw new Error('the composition was accepted');
};

describe('privacy without integrity is malleable: a loud warning', () => {
  test.each<[string, CompositionConfig]>([
    [
      'AES-CTR',
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }] },
    ],
    [
      'AES-CBC',
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-256-cbc-privacy', key: 1 }] },
    ],
    [
      'a one-time pad',
      { microProtocols: [{ use: 'one-time-pad-privacy', params: { file: '/tmp/pad' } }] },
    ],
    [
      'AES-CTR with a plain digest under it',
      {
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }, { use: 'sha256-digest' }],
      },
    ],
  ])('%s', (_n, config) => {
    expect(resolveComposition(config).warnings.join('\n')).toMatch(
      /^MALLEABLE: .* anyone on the path can change/m,
    );
  });

  test('not with keyed integrity or authenticity over it, nor with an AEAD', () => {
    expect(
      resolveComposition({
        keys: { predefined: [1, 2] },
        microProtocols: [
          { use: 'aes-128-cbc-privacy', key: 1 },
          { use: 'hmac-sha256-integrity', key: 2 },
        ],
      }).warnings,
    ).toEqual([]);
    expect(
      resolveComposition({
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
      }).warnings,
    ).toEqual([]);
  });
});

describe('replay prevention must sit inside what authenticates it', () => {
  test('sequence numbers outside HMAC (a higher order: added after the MAC) are refused', () => {
    const e = refusal({
      keys: { predefined: [1] },
      microProtocols: [
        { use: 'hmac-sha256-integrity', key: 1, order: 20 },
        { use: 'sequence-replay-prevention', order: 30 },
      ],
    });
    expect(e.conflict).toMatch(/outside/);
    expect(e.wayOut).toMatch(/lower order/);
  });
  test('timestamps outside an AEAD are refused too; inside is fine', () => {
    expect(
      refusal({
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'timestamp-replay-prevention', order: 45 },
        ],
      }).conflict,
    ).toMatch(/outside/);
    expect(
      resolveComposition({
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'timestamp-replay-prevention' },
        ],
      }).microProtocols,
    ).toHaveLength(2);
  });
});

describe('parameters are schema-checked', () => {
  const gcm = { use: 'aes-128-gcm-privacy', key: 1 };
  test.each<[string, unknown, RegExp]>([
    [
      'a non-numeric skew',
      {
        keys: { predefined: [1] },
        microProtocols: [gcm, { use: 'timestamp-replay-prevention', params: { skew: 'abc' } }],
      },
      /skew/,
    ],
    [
      'a negative skew',
      {
        keys: { predefined: [1] },
        microProtocols: [gcm, { use: 'timestamp-replay-prevention', params: { skew: -5 } }],
      },
      /skew/,
    ],
    [
      'a non-numeric timeout',
      {
        microProtocols: [gcm, { use: 'dh-key-distribution', key: 1, params: { timeout: 'soon' } }],
      },
      /timeout/,
    ],
    [
      'a zero timeout',
      { microProtocols: [gcm, { use: 'dh-key-distribution', key: 1, params: { timeout: 0 } }] },
      /timeout/,
    ],
    [
      'endless tries',
      { microProtocols: [gcm, { use: 'dh-key-distribution', key: 1, params: { tries: 1e9 } }] },
      /tries/,
    ],
    [
      'fractional tries',
      { microProtocols: [gcm, { use: 'dh-key-distribution', key: 1, params: { tries: 2.5 } }] },
      /tries/,
    ],
    [
      'a nonce limit of zero',
      { keys: { predefined: [1] }, microProtocols: [{ ...gcm, params: { nonceLimit: 0 } }] },
      /nonceLimit/,
    ],
    [
      'an unknown parameter',
      { keys: { predefined: [1] }, microProtocols: [{ ...gcm, params: { nonceLimt: 5 } }] },
      /nonceLimt/,
    ],
    [
      'a signature algorithm that does not exist',
      {
        keys: { privateKey: true },
        microProtocols: [{ use: 'signature-authenticity', params: { algorithm: 'rsa' } }],
      },
      /algorithm/,
    ],
  ])('%s is refused', (_n, config, what) => {
    expect(refusal(config).conflict).toMatch(what);
  });
});

describe('unknown fields are errors, not silently ignored', () => {
  test.each<[string, unknown, RegExp]>([
    ['"directon"', { microProtocols: [{ use: 'sha256-digest', directon: 'CS' }] }, /directon/],
    [
      '"kye"',
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-gcm-privacy', kye: 1 }] },
      /kye/,
    ],
    ['a top-level typo', { microProtocol: [] }, /microProtocol\b/],
    ['a typo in keys', { keys: { predefind: [1] }, microProtocols: [] }, /predefind/],
  ])('%s', (_n, config, what) => {
    expect(refusal(config).conflict).toMatch(what);
  });
});

describe('any JSON gives a composition or a CompositionError, nothing else', () => {
  test.each<[string, unknown]>([
    ['[]', []],
    ['null', null],
    ['{}', {}],
    ['a number', 5],
    ['a string', 'esp-like'],
    ['microProtocols not an array', { microProtocols: 'aes' }],
    ['a null entry', { microProtocols: [null] }],
    ['an array entry', { microProtocols: [[]] }],
    ['use not a string', { microProtocols: [{ use: 5 }] }],
    ['key a string', { microProtocols: [{ use: 'aes-128-gcm-privacy', key: '1' }] }],
    ['params an array', { microProtocols: [{ use: 'sha256-digest', params: [] }] }],
    [
      'params with an object value',
      { microProtocols: [{ use: 'one-time-pad-privacy', params: { file: {} } }] },
    ],
    ['keys an array', { keys: [], microProtocols: [] }],
    ['predefined a string', { keys: { predefined: '1' }, microProtocols: [] }],
    ['predefined with a null', { keys: { predefined: [null] }, microProtocols: [] }],
    ['publicKeys unknown', { keys: { publicKeys: 'maybe' }, microProtocols: [] }],
    ['name a number', { name: 5, microProtocols: [] }],
    ['ca a number', { ca: 5, microProtocols: [] }],
    ['use "__proto__"', { microProtocols: [{ use: '__proto__' }] }],
    ['use "constructor"', { microProtocols: [{ use: 'constructor' }] }],
  ])('%s', (_n, config) => {
    expect(refusal(config)).toBeInstanceOf(CompositionError);
  });
});

describe('non-repudiation', () => {
  test('without its proof file is refused by the resolver', () => {
    expect(
      refusal({ keys: { privateKey: true }, microProtocols: [{ use: 'non-repudiation' }] }).wayOut,
    ).toMatch(/params.file/);
  });
  test('the paranoid preset names its file and resolves', () => {
    const r = resolveComposition(presets.paranoid);
    expect(r.microProtocols.find((m) => m.class === 'non-repudiation')?.params['file']).toEqual(
      expect.any(String),
    );
  });
});
