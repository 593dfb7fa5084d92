/**
 * Test-only knobs live in the test kit, not in production configuration (issue 11): NULL
 * encryption without integrity (RFC 4303 §3.2 forbids it) is only for benchmarks of the
 * framework's own cost, and only a configuration the test kit marked can ask for it.
 */
import { SecurityAssociation, type SaConfig } from '@conduits/protocols-ipsec';
import { allowNoProtection } from '@conduits/protocols-ipsec/testing';

const nothing: SaConfig = {
  spi: 0x100,
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'null', encryptionKeyLength: 0, integrity: 'none' },
  encryptionKey: new Uint8Array(0),
};

test('a production configuration cannot ask for ESP that protects nothing, even with the old knob set', () => {
  expect(() => new SecurityAssociation(nothing)).toThrow(/protects nothing/);
  const legacy = { ...nothing, allowNoProtection: true } as SaConfig;
  expect(() => new SecurityAssociation(legacy)).toThrow(/protects nothing/);
});

test('the test kit marks a configuration (that object only) for benchmarks', () => {
  const marked = allowNoProtection({ ...nothing });
  expect(new SecurityAssociation(marked).spi).toBe(0x100);
  expect(() => new SecurityAssociation({ ...marked })).toThrow(/protects nothing/);
});
