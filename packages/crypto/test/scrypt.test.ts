/** scrypt, the memory-hard KDF for password-derived keys: RFC 7914 §12 vector in both engines, bad parameters refused. */
import { InvalidParameterError, nobleEngine as noble, nodeEngine as node } from '@conduits/crypto';
import { toHex } from './vectors.js';

const te = new TextEncoder();

describe('scrypt', () => {
  // RFC 7914 §12, second vector: P = "password", S = "NaCl", N = 1024, r = 8, p = 16, dkLen = 64.
  const expected =
    'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';
  test.each([noble, node])('RFC 7914 vector ($name)', (engine) => {
    expect(
      toHex(
        engine.scrypt(te.encode('password'), te.encode('NaCl'), {
          N: 1024,
          r: 8,
          p: 16,
          dkLen: 64,
        }),
      ),
    ).toBe(expected);
  });

  test.each([noble, node])(
    'N not a power of two, r = 0 or a short output is a typed error ($name)',
    (engine) => {
      for (const params of [
        { N: 1000, r: 8, p: 1, dkLen: 32 },
        { N: 1024, r: 0, p: 1, dkLen: 32 },
        { N: 1024, r: 8, p: 1, dkLen: 8 },
        { N: Number.NaN, r: 8, p: 1, dkLen: 32 },
      ]) {
        expect(() => engine.scrypt(te.encode('pw'), te.encode('salt'), params)).toThrow(
          InvalidParameterError,
        );
      }
    },
  );
});
