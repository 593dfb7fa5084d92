export { seededRandom } from './seeded-random.js';
export { runLocally, type Flight, type LocalRun, type LocalRunOptions } from './local-rounds.js';
