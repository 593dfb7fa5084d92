/**
 * Jest setup for every package (jest.config.js, setupFilesAfterEnv): each test runs with
 * carrier checks, so a use after release, a double release, or a carrier a conduit kept
 * without releasing it, fails it. Carriers a test filled and never sent are listed once per
 * file; CONDUITS_CARRIER_LEAKS=all makes those fail too.
 */
import { checkCarriers } from '@conduits/core/testing';

checkCarriers({
  beforeEach,
  afterEach,
  afterAll,
  leaks: process.env.CONDUITS_CARRIER_LEAKS === 'all' ? 'all' : 'sent',
  report: (line) => console.warn(line),
});
