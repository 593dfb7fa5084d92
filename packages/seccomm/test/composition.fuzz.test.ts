/**
 * The composition resolver under fuzzing (issue 10; part of `pnpm test:fuzz`: 100k random JSON
 * configurations with CONDUITS_FUZZ=1, fewer otherwise): whatever the JSON — any value, or
 * something shaped like a composition with wrong types, unknown fields, unknown names and
 * out-of-range parameters — resolveComposition returns a composition or throws a
 * CompositionError, nothing else.
 */
import fc from 'fast-check';
import {
  catalog,
  CompositionError,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';

const RUNS = process.env['CONDUITS_FUZZ'] ? Number(process.env['FUZZ_RUNS'] ?? 100_000) : 2_000;

const anything = fc.jsonValue({ maxDepth: 4 });
const name = fc.oneof(fc.constantFrom(...Object.keys(catalog)), fc.string(), anything);
const small = fc.oneof(
  fc.integer({ min: -3, max: 260 }),
  fc.double(),
  fc.constantFrom('1', null, true, [], {}),
  anything,
);
const params = fc.oneof(
  fc.dictionary(
    fc.constantFrom(
      'file',
      'skew',
      'timeout',
      'tries',
      'nonceLimit',
      'kdc',
      'masterKey',
      'seed',
      'algorithm',
      'ca',
      'offsets',
      'kye',
    ),
    small,
    { maxKeys: 3 },
  ),
  anything,
);
const micro = fc.oneof(
  fc.record(
    {
      use: name,
      key: small,
      order: small,
      direction: fc.oneof(fc.constantFrom('CS', 'SC', 'BOTH', 'directon'), anything),
      mode: fc.oneof(fc.constantFrom('DATA', 'KEYS', 'BOTH'), anything),
      creation: small,
      distribution: small,
      params,
      kye: small,
    },
    { requiredKeys: ['use'] },
  ),
  anything,
);
const config = fc.oneof(
  anything,
  fc.record(
    {
      name: fc.oneof(fc.string(), anything),
      keys: fc.oneof(
        fc.record(
          {
            predefined: fc.oneof(fc.array(small, { maxLength: 3 }), anything),
            privateKey: fc.oneof(fc.boolean(), anything),
            publicKeys: fc.oneof(fc.constantFrom('predefined', 'acquire'), anything),
          },
          { requiredKeys: [] },
        ),
        anything,
      ),
      ca: fc.oneof(fc.string(), anything),
      microProtocols: fc.oneof(fc.array(micro, { maxLength: 6 }), anything),
    },
    { requiredKeys: ['microProtocols'] },
  ),
);

test(`random JSON configurations only ever give a composition or a CompositionError (${RUNS} cases)`, () => {
  let accepted = 0;
  fc.assert(
    fc.property(config, (c) => {
      try {
        resolveComposition(c as unknown as CompositionConfig);
        accepted++;
      } catch (e) {
        if (!(e instanceof CompositionError)) throw e;
      }
    }),
    { numRuns: RUNS, seed: 10 },
  );
  // The generator reaches valid compositions too, not only refusals.
  expect(accepted).toBeGreaterThan(0);
});
