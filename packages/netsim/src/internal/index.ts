/** `@conduits/netsim/internal`: tshark as the tests' judge (found or skipped, never installed). No stability promise. */
export {
  ensureTshark,
  TsharkMissingError,
  tsharkAvailable,
  tsharkFields,
  tsharkMissing,
} from '../tshark.js';
