/** @conduits/seccomm/testing: a provisioned client/server pair on the network simulator. */
export { simulatedPair, type SimulatedPair, type SimulatedPairOptions } from './simulated-pair.js';
export {
  attackKinds,
  downgradeProposal,
  forger,
  liveAttacks,
  mountAttack,
  reflected,
  seccommPayload,
  withPayload,
  type AttackKind,
  type AttackPlan,
  type KnownTraffic,
} from './attacks.js';
export { runScenario, type ScenarioOptions, type ScenarioSummary } from './run-scenario.js';
