/**
 * Jest setup for every package (jest.config.js, setupFilesAfterEnv): each test runs with
 * carrier checks, so a use after release, a double release or a leaked carrier fails it.
 */
import { checkCarriers } from '@conduits/core/testing';

checkCarriers({ beforeEach, afterEach });
