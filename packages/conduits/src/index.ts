/**
 * @conduits/core: protocols as graphs of small objects (Java Conduits, Hueni/Johnson/Engel's
 * Conduits+), with the Cactus micro-protocol runtime for composite protocols.
 */
export type { Accessor } from './accessor.js';
export { Adaptor } from './adaptor.js';
export { ApplicationAdaptor, type Delivery } from './application-adaptor.js';
export { attribute, peerAttribute, type AttrKey, type AttrScope } from './attributes.js';
export { GraphBuilder, connect, disconnect } from './builder.js';
export type { AttributeUse, Declaration } from './declaration.js';
export { RealClock, VirtualClock, type Clock } from './clock.js';
export { ConduitBase, type Conduit, type ConduitKind } from './conduit.js';
export { ConduitFactory, type FactoryOptions } from './conduit-factory.js';
export { DropCounters } from './drop-counters.js';
export {
  AttributeDecodeError,
  CarrierLeakError,
  ConduitError,
  DanglingSideError,
  DoubleReleaseError,
  DuplicateKeyError,
  MissingAttributeError,
  ReleasedMessageError,
  SideAlreadyConnectedError,
  UnknownKeyError,
  WiringError,
} from './errors.js';
export {
  Describe,
  describeGraph,
  type EdgeDescription,
  type GraphDescription,
  type NodeDescription,
} from './export/describe.js';
export { toDot } from './export/dot.js';
export { toMermaid } from './export/mermaid.js';
export { Graph, type Alert, type Hop } from './graph.js';
export { Message, MessagePool, defaultPool } from './message.js';
export { Deliver, defineMessenger, defineTag, type Messenger } from './messenger.js';
export {
  CompositeProtocol,
  type CompositeOptions,
  type MicroProtocol,
  type MicroProtocolFactory,
} from './micro/composite-protocol.js';
export {
  EventRuntime,
  RaiseHandle,
  type BindingId,
  type Handler,
  type RaiseMode,
} from './micro/event-runtime.js';
export { EventType, defineEvent } from './micro/event-type.js';
export { msgFromAbove, msgFromBelow } from './micro/events.js';
export { SharedData, sharedKey, type SharedKey } from './micro/shared-data.js';
export { Mux } from './mux.js';
export { Port } from './port.js';
export { Protocol, type ProtocolDefinition } from './protocol.js';
export { SeededRandom } from './random.js';
export { Scheduler, type SchedulerFault } from './scheduler.js';
export { Session, type SessionOptions } from './session.js';
export { opposite, type Side } from './side.js';
export { PassThrough, type State } from './state.js';
export { Timer } from './timer-heap.js';
export type { Visitor } from './visitor.js';
export { TaskHost, type Receipt, type TaskHostOptions, type TaskOwner } from './task/task-host.js';
export type { Task } from './task/task.js';
export type { TaskWire } from './task/task-wire.js';
export {
  done,
  failed,
  later,
  needMore,
  refused,
  waiting,
  type BuildResult,
  type ProcessResult,
  type TaskDone,
  type TaskFailed,
  type TaskLater,
  type TaskNeedMore,
  type TaskRefused,
  type TaskResult,
  type TaskWaiting,
} from './task/task-result.js';
export {
  RetransmitLimitError,
  RetransmitPolicyError,
  TaskError,
  TaskHostClosedError,
  TaskRejectedError,
} from './task/task-errors.js';
export {
  retransmission,
  retransmitDelay,
  type RetransmitPolicy,
  type Retransmission,
} from './task/retransmit-policy.js';
