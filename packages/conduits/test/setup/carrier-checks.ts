/**
 * Jest setup for every package (jest.config.js, setupFilesAfterEnv): each test runs with
 * carrier checks, so a use after release, a double release, or a carrier a conduit kept
 * without releasing it, fails it. Carriers a test filled and never sent (scratch packets a
 * test built by hand) are listed once per file with CONDUITS_CARRIER_LEAKS=report, and fail
 * with CONDUITS_CARRIER_LEAKS=all; by default they are not reported, so the test log stays clean.
 */
import { checkCarriers } from '@conduits/core/testing';

checkCarriers({
  beforeEach,
  afterEach,
  afterAll,
  leaks: process.env.CONDUITS_CARRIER_LEAKS === 'all' ? 'all' : 'sent',
  report: (line) => {
    if (process.env.CONDUITS_CARRIER_LEAKS === 'report') console.warn(line);
  },
});
