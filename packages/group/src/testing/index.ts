/** @conduits/group/testing: a whole group on the simulator, and the attack scripts. */
export { GroupSim, type GroupSimOptions } from './group-sim.js';
export {
  attackNames,
  attacks,
  runAttack,
  type Attack,
  type AttackName,
  type AttackResult,
} from './attacks.js';
export { runGroup, type RunOptions, type RunSummary } from './run-summary.js';
