/**
 * The express lane's differential test at fuzzing scale (`pnpm test:fuzz`): 100k packets,
 * mostly mutated UDP datagrams to bound and unbound ports, given to a host with the lane and
 * to one without; every outcome must be the same.
 */
import { differential, expressCases } from './express-pair.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);

test(`the express lane changes no outcome (${RUNS} packets)`, () => {
  const r = differential(expressCases, RUNS);
  expect(r.taken).toBeGreaterThan(RUNS / 100);
  expect(r.faults).toBe(0);
  process.stdout.write(
    `express fuzz: ${RUNS} packets, ${r.taken} through the lane, ${r.delivered} delivered\n`,
  );
});
