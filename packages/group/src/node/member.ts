/**
 * A group member: joins (authenticating itself and the leader), sends and receives group
 * messages through the leader's relay, gossips, follows rekeys along its key path, watches
 * the leader with heartbeats, leaves. Its exchanges with the leader (join, leave, key
 * retransmission) are tasks on one TaskHost; one-way leader messages (rekey, membership,
 * close, heartbeat answers, forwarded gossip) are checked here, each refusal counted by reason.
 */
import { TaskHost, type Scheduler, type Task, type TaskError, type Timer } from '@conduits/core';
import { type CryptoEngine, type KeyAgreementKey } from '@conduits/crypto';
import {
  macProof,
  macProofOk,
  proofInput,
  sessionKey,
  sigma,
  transcript,
} from '../auth/join-crypto.js';
import { Method, type MemberCredential } from '../auth/credentials.js';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { FrameType } from '../channel/frame.js';
import { GroupChannel, type Delivered } from '../channel/group-channel.js';
import { linkKeys } from '../channel/link-keys.js';
import { Refusals } from '../channel/refusals.js';
import { ReplayWindow } from '../channel/replay-window.js';
import {
  Ctl,
  ControlSealer,
  decodeControl,
  OutMessage,
  type ControlMessage,
} from '../control/control-message.js';
import { GroupStateError } from '../errors.js';
import { KeyPath } from '../lkh/key-path.js';
import type { GroupPolicy } from '../preset.js';
import { repaired } from '../preset.js';
import type { StarNet } from '../sim/star-net.js';
import type { Inbound } from '../tasks/inbound.js';
import { ExpelRequestInitiator } from '../tasks/expel-request.js';
import { JoinInitiator, type JoinMemberSide } from '../tasks/join-initiator.js';
import { KeyRequestInitiator } from '../tasks/key-request.js';
import { RekeyAccept } from '../tasks/rekey-push.js';
import { LeaveInitiator } from '../tasks/leave.js';
import { controlWire, encode } from './control-wire.js';
import type { GroupAlert } from './group-alert.js';
import { readSequenceTrailer, TRAILER } from './sequence-trailer.js';
import { readPath, readMembers } from './wire-bodies.js';

export type MemberState = 'idle' | 'joining' | 'member' | 'left' | 'expelled' | 'denied' | 'failed';

export interface MemberOptions {
  readonly name: string;
  readonly credential: MemberCredential;
  /** The leader's long-term Ed25519 public key (members with an Ed25519 credential check the leader's proof with it). */
  readonly leaderPublicKey?: Uint8Array;
  readonly leaderName?: string;
  readonly policy?: GroupPolicy;
  readonly engine: CryptoEngine;
  /** Heartbeat period, ms. @default 1000 */
  readonly heartbeat?: number;
  /** The leader is declared dead after this long without a fresh answer, ms. @default 3500 */
  readonly deadAfter?: number;
  /** Test hook modelling the compromise of a pairwise key (Antigone's σ reuse attack). Never set in production. */
  readonly compromise?: (pairKey: Uint8Array) => void;
}

export interface GossipDelivered {
  readonly origin: number;
  readonly data: Uint8Array;
}

const NO_ID = 0xffffffff;

export class Member {
  readonly name: string;
  readonly policy: GroupPolicy;
  readonly refusals: Refusals;
  readonly alerts: GroupAlert[] = [];
  readonly delivered: Delivered[] = [];
  readonly gossip: GossipDelivered[] = [];
  /** The leader's answers to our expulsion requests. */
  readonly expelAnswers: { target: number; accepted: boolean }[] = [];
  /** The membership as last announced: id → name. */
  readonly view = new Map<number, string>();
  readonly endpoint: number;
  state: MemberState = 'idle';
  id = NO_ID;
  /** Set when the leader stopped answering heartbeats. */
  leaderDead = false;
  readonly #engine: CryptoEngine;
  readonly #net: StarNet;
  readonly #leaderEndpoint: number;
  readonly #options: MemberOptions;
  readonly #host: TaskHost<Inbound, OutMessage>;
  /** Exchanges the leader starts (acknowledged rekeys). */
  readonly #pull: TaskHost<Inbound, OutMessage>;
  #group = new Uint8Array(8);
  #channel: GroupChannel | null = null;
  #path: KeyPath | null = null;
  #up: ControlSealer | null = null;
  #down: ControlSealer | null = null;
  #ka: Uint8Array | null = null;
  #sessionPub: Uint8Array | null = null;
  #downWindow = new ReplayWindow(256);
  #exchange = 0;
  #membersVersion = -1;
  #lastFresh = 0;
  #hbTimer: Timer | null = null;
  #hbNonce: Uint8Array | null = null;
  #hbPrevious: Uint8Array | null = null;
  #leaderChallenge = new Uint8Array(16);
  #hbCounter = 0;
  #gossipSeq = 0;
  /** S_SL as the welcome gave it; the clear trailer it came in (published Antigone). */
  #sequence = -1;
  #trailer: Uint8Array | null = null;
  /** Recent epochs and membership versions taken, to tell a replay from a late arrival. */
  readonly #seenEpochs = new Set<number>();
  readonly #seenVersions = new Set<number>();

  constructor(
    readonly scheduler: Scheduler,
    net: StarNet,
    leaderEndpoint: number,
    options: MemberOptions,
  ) {
    this.name = options.name;
    this.policy = options.policy ?? repaired;
    this.#engine = options.engine;
    this.#net = net;
    this.#leaderEndpoint = leaderEndpoint;
    this.#options = options;
    this.refusals = new Refusals((reason, detail) =>
      this.alerts.push({ time: scheduler.now(), at: this.name, reason, detail }),
    );
    this.endpoint = net.attach((_from, bytes) => this.#receive(bytes));
    const self = this;
    this.#host = new TaskHost<Inbound, OutMessage>(
      scheduler,
      controlWire({
        get group() {
          return self.#group;
        },
        get from() {
          return self.id;
        },
        to: 0,
        get sealer() {
          return self.#up;
        },
        transmit: (bytes) => net.send(this.endpoint, leaderEndpoint, bytes),
      }),
      {
        completed: (task) => this.#completed(task),
        failed: (task, error) => this.#failed(task, error),
        refused: (_m, reason) => void this.refusals.refuse(reason),
      },
      { name: `member ${this.name}` },
    );
    this.#pull = new TaskHost<Inbound, OutMessage>(
      scheduler,
      controlWire({
        get group() {
          return self.#group;
        },
        get from() {
          return self.id;
        },
        to: 0,
        get sealer() {
          return self.#up;
        },
        transmit: (bytes) => net.send(this.endpoint, leaderEndpoint, bytes),
      }),
      { completed: () => {}, failed: () => {} },
      { name: `member ${this.name} (leader's exchanges)` },
    );
  }

  /** The epoch of the group key in use (-1 before the welcome). */
  get epoch(): number {
    return this.#channel?.keys.epoch ?? -1;
  }

  /** S_SL (Antigone's leader sequence number) as received in the welcome. */
  get sequence(): number {
    return this.#sequence;
  }

  get group(): Uint8Array {
    return this.#group;
  }

  /** Start joining. */
  join(): void {
    if (this.state !== 'idle')
      throw new GroupStateError(`${this.name}: join from state ${this.state}`);
    this.state = 'joining';
    this.#host.initiate(
      new JoinInitiator(this.#joinSide(), !this.policy.authDenial),
      ++this.#exchange,
    );
  }

  /** Multicast `data` to the group through the leader. */
  send(data: Uint8Array): void {
    if (this.state !== 'member' || this.#channel === null)
      throw new GroupStateError(`${this.name}: send from state ${this.state}`);
    this.#net.send(this.endpoint, this.#leaderEndpoint, this.#channel.seal(data));
  }

  /** Seal a frame without sending it (for attack scripts and benches). */
  seal(data: Uint8Array): Uint8Array {
    if (this.#channel === null) throw new GroupStateError(`${this.name}: no channel`);
    return this.#channel.seal(data);
  }

  /** What this member's keys can read of a frame it overheard (not delivered; for secrecy checks and attack scripts). */
  tryOpen(frame: Uint8Array): Uint8Array | null {
    return this.#channel?.decrypt(frame) ?? null;
  }

  /** Send `data` to some members only, through the leader. */
  sendGossip(to: readonly number[], data: Uint8Array): void {
    if (this.state !== 'member')
      throw new GroupStateError(`${this.name}: gossip from state ${this.state}`);
    const w = new Writer(32 + data.length).u16(to.length);
    for (const id of to) w.u32(id);
    w.bytes(data);
    const out = new OutMessage(++this.#gossipSeq);
    out.set(Ctl.gossip, 0, w.finish(), true);
    this.#net.send(this.endpoint, this.#leaderEndpoint, encode(this.#ends(), out));
  }

  leave(): void {
    if (this.state !== 'member')
      throw new GroupStateError(`${this.name}: leave from state ${this.state}`);
    this.#host.initiate(new LeaveInitiator(this.policy.authLeave), ++this.#exchange);
  }

  /** Ask the leader to expel member `target`; its policy decides (`expelAnswers` gets the answer). */
  requestExpulsion(target: number): void {
    if (this.state !== 'member')
      throw new GroupStateError(`${this.name}: expel request from state ${this.state}`);
    this.#host.initiate(new ExpelRequestInitiator(target), ++this.#exchange);
  }

  /** Ask the leader for the current keys (after a missed rekey). */
  requestKeys(): void {
    if (this.state !== 'member' || this.#host.task !== null) return;
    this.#host.initiate(
      new KeyRequestInitiator(this.policy.authRetransmit, (p) => this.#takeKeys(p)),
      ++this.#exchange,
    );
  }

  /** Stop: keys wiped, no timer fires, nothing sent. */
  close(state: MemberState = 'left'): void {
    if (this.#hbTimer !== null) this.scheduler.cancel(this.#hbTimer);
    this.#hbTimer = null;
    this.#host.close();
    this.#pull.close();
    this.#channel?.destroy();
    this.#path?.destroy();
    this.#up?.destroy();
    this.#down?.destroy();
    this.#ka?.fill(0);
    this.#ka = null;
    this.#up = this.#down = null;
    if (this.state === 'member' || this.state === 'joining') this.state = state;
  }

  // --- receiving -----------------------------------------------------------------------

  #receive(bytes: Uint8Array): void {
    let msg: ControlMessage | null;
    if (bytes[0] === FrameType.bound || bytes[0] === FrameType.published) {
      const d = this.#channel?.open(bytes) ?? null;
      if (d !== null) this.delivered.push(d);
      return;
    }
    msg = decodeControl(bytes);
    if (msg === null) return void this.refusals.refuse('malformed');
    if (this.state !== 'joining' && this.state !== 'member')
      return void this.refusals.refuse('not-member');
    if (this.state === 'member' && !sameBytes(msg.group, this.#group))
      return void this.refusals.refuse('wrong-group');
    let plain = msg.body;
    if (msg.type === Ctl.welcome && !this.policy.sealSequence && msg.sealed) {
      // Antigone: S_SL and its K_g MAC follow the σ-sealed part in clear.
      const cut = decodeControl(msg.bytes.subarray(0, Math.max(0, msg.bytes.length - TRAILER)));
      if (cut === null) return void this.refusals.refuse('malformed');
      this.#trailer = msg.bytes.slice(msg.bytes.length - TRAILER);
      msg = cut;
    }
    if (msg.sealed) {
      const opened = this.#down?.open(msg) ?? null;
      if (opened === null)
        return void this.refusals.refuse(
          this.#down === null ? 'no-key' : 'aead-failed',
          `type ${msg.type}`,
        );
      plain = opened;
    }
    const inbound: Inbound = { msg, plain };
    switch (msg.type) {
      case Ctl.challenge:
      case Ctl.welcome:
      case Ctl.denied:
      case Ctl.leaveAck:
      case Ctl.expelAck:
      case Ctl.keyReply: {
        const r = this.#host.receive(inbound);
        if (r === 'refused')
          this.refusals.refuse(this.#host.lastRefusal?.reason ?? 'refused', `type ${msg.type}`);
        else if (r === 'stale' || r === 'idle' || r === 'ahead')
          this.refusals.refuse('stale-exchange');
        return;
      }
      case Ctl.rekey:
        if (msg.step === 1) return this.#rekeyExchange(inbound);
        return this.#onRekey(msg);
      case Ctl.members:
        return this.#onMembers(msg);
      case Ctl.close:
        return this.#onClose(msg);
      case Ctl.heartbeatAck:
        return this.#onHeartbeatAck(msg, plain);
      case Ctl.leaderHeartbeat:
        return this.#onLeaderHeartbeat(msg);
      case Ctl.gossipForward:
        return this.#onGossip(msg, plain);
      default:
        this.refusals.refuse('unexpected', `type ${msg.type}`);
    }
  }

  /** One-way leader messages under K_a must be new (bound control): a per-member sequence window. */
  #freshDown(msg: ControlMessage): boolean {
    if (!this.policy.boundControl) return true;
    const v = this.#downWindow.check(msg.exchange);
    if (v !== 'fresh') {
      this.refusals.refuse('replay', `type ${msg.type} seq ${msg.exchange}`);
      return false;
    }
    this.#downWindow.mark(msg.exchange);
    return true;
  }

  #signed(msg: ControlMessage): Uint8Array | null {
    const body = msg.body;
    if (!this.policy.signedRekey) return body;
    if (body.length < 64 || this.#sessionPub === null)
      return this.refusals.refuse('signature-invalid', `type ${msg.type}`);
    const signed = msg.bytes.subarray(0, msg.bytes.length - 64);
    if (!this.#engine.verify('ed25519', this.#sessionPub, signed, body.subarray(body.length - 64)))
      return this.refusals.refuse('signature-invalid', `type ${msg.type}`);
    return body.subarray(0, body.length - 64);
  }

  #onRekey(msg: ControlMessage): void {
    const why = this.#applyRekey(msg);
    if (why !== null && why !== 'counted') this.refusals.refuse(why, `rekey ${msg.exchange}`);
  }

  /** Take a rekey; null when applied, else why not ('counted': already counted here). */
  #applyRekey(msg: ControlMessage): string | null {
    if (this.state !== 'member' || this.#path === null || this.#channel === null)
      return 'not-member';
    const body = this.#signed(msg);
    if (body === null) return 'counted';
    const r = new Reader(body);
    const epoch = r.u32();
    const count = r.u16();
    const entries = r.rest();
    if (!r.ok || entries.length !== count * 68) return 'malformed';
    if (this.policy.signedRekey && epoch <= this.#channel.keys.epoch)
      return this.#seenEpochs.has(epoch) ? 'not-fresh' : 'stale';
    const changed = this.#path.apply(epoch, entries);
    if (changed === null || !changed.includes(1)) {
      // Not for us (we were removed) or we missed a rekey: ask for the keys again.
      if (changed === null) this.scheduler.defer(() => this.requestKeys());
      return 'cannot-unwrap';
    }
    this.#channel.keys.install(epoch, this.#path.root as Uint8Array);
    remember(this.#seenEpochs, epoch);
    return null;
  }

  /**
   * An authentic message older than what we hold: seen before, it is a replay (alerted); never
   * seen, it is one the network reordered or delayed past a newer one (counted, not alerted).
   */
  #old(what: string, n: number, seen: Set<number>): void {
    this.refusals.refuse(seen.has(n) ? 'not-fresh' : 'stale', `${what} ${n}`);
  }

  /** An acknowledged rekey: a task on the host for the leader's exchanges (a repeat is answered with the stored ack). */
  #rekeyExchange(m: Inbound): void {
    let r = this.#pull.receive(m);
    if (r === 'ahead') r = this.#pull.respond(new RekeyAccept((msg) => this.#applyRekey(msg)), m);
    if (r === 'refused') {
      const why = this.#pull.lastRefusal?.reason ?? 'refused';
      if (why !== 'counted') this.refusals.refuse(why, `rekey ${m.msg.exchange}`);
    } else if (r === 'stale' || r === 'idle')
      this.refusals.refuse('stale', `rekey ${m.msg.exchange}`);
  }

  #onMembers(msg: ControlMessage): void {
    if (this.state !== 'member') return void this.refusals.refuse('not-member');
    const body = this.#signed(msg);
    if (body === null) return;
    const r = new Reader(body);
    const version = r.u32();
    const members = readMembers(r);
    if (members === null || !r.complete) return void this.refusals.refuse('malformed');
    if (this.policy.signedRekey && version <= this.#membersVersion)
      return void this.#old('membership', version, this.#seenVersions);
    this.#membersVersion = version;
    remember(this.#seenVersions, version);
    this.view.clear();
    for (const [id, name] of members) this.view.set(id, name);
  }

  #onClose(msg: ControlMessage): void {
    if (this.state !== 'member') return;
    if (this.policy.authClose && !msg.sealed)
      return void this.refusals.refuse('bad-auth', 'clear close');
    if (!this.#freshDown(msg)) return;
    this.close('expelled');
  }

  #onHeartbeatAck(msg: ControlMessage, plain: Uint8Array): void {
    if (!msg.sealed) return void this.refusals.refuse('bad-auth', 'clear heartbeat');
    if (!this.#freshDown(msg)) return;
    const r = new Reader(plain);
    const echo = r.raw(16);
    const next = r.raw(16);
    const epoch = r.u32();
    if (!r.complete) return void this.refusals.refuse('malformed');
    if (this.policy.heartbeat === 'challenge') {
      // The answer to our last heartbeat, or (arriving late) to the one before.
      const ok =
        (this.#hbNonce !== null && sameBytes(echo, this.#hbNonce)) ||
        (this.#hbPrevious !== null && sameBytes(echo, this.#hbPrevious));
      if (!ok) return void this.refusals.refuse('not-fresh', 'heartbeat answer');
      this.#hbNonce = this.#hbPrevious = null;
      this.#leaderChallenge = Uint8Array.from(next);
    }
    this.#lastFresh = this.scheduler.now();
    if (epoch > this.epoch) this.requestKeys();
  }

  #onLeaderHeartbeat(msg: ControlMessage): void {
    if (this.policy.heartbeat !== 'counter') return void this.refusals.refuse('unexpected');
    // Antigone: g, SL, S_SL signed with Pr_G. The same bytes each time: a replay passes.
    if (this.#sessionPub === null || msg.body.length < 64)
      return void this.refusals.refuse('signature-invalid');
    if (
      !this.#engine.verify(
        'ed25519',
        this.#sessionPub,
        msg.bytes.subarray(0, msg.bytes.length - 64),
        msg.body.subarray(msg.body.length - 64),
      )
    )
      return void this.refusals.refuse('signature-invalid');
    this.#lastFresh = this.scheduler.now();
  }

  #onGossip(msg: ControlMessage, plain: Uint8Array): void {
    if (!msg.sealed) return void this.refusals.refuse('bad-auth', 'clear gossip');
    if (this.policy.gossipFresh && !this.#freshDown(msg)) return;
    const r = new Reader(plain);
    const origin = r.u32();
    const data = r.bytes();
    if (!r.complete) return void this.refusals.refuse('malformed');
    this.gossip.push({ origin, data: Uint8Array.from(data) });
  }

  // --- the join ------------------------------------------------------------------------

  #joinSide(): JoinMemberSide {
    const engine = this.#engine;
    const cred = this.#options.credential;
    const method = cred.kind === 'ed25519' ? Method.ed25519 : Method.password;
    let t: Uint8Array | null = null;
    return {
      name: this.name,
      method,
      nonce: () => engine.randomBytes(16),
      ephemeral: () => engine.keyAgreement('x25519'),
      challenge: (group, id, n1, n2, ea: KeyAgreementKey, el, proof) => {
        t = transcript(engine, {
          group,
          name: this.name,
          id,
          method,
          n1,
          n2,
          ea: ea.publicKey,
          el,
        });
        const ok =
          cred.kind === 'ed25519'
            ? this.#options.leaderPublicKey !== undefined &&
              engine.verify('ed25519', this.#options.leaderPublicKey, proofInput('L', t), proof)
            : macProofOk(engine, cred.passwordKey, 'L', t, proof);
        if (!ok) return null;
        let ka: Uint8Array;
        if (this.policy.freshPairKey) {
          const shared = ea.deriveShared(el);
          ka = sessionKey(engine, shared, n1, n2, t);
          shared.fill(0);
        } else {
          ka = sigma(
            engine,
            cred.kind === 'password' ? cred.passwordKey : cred.key.publicKey,
            this.#options.leaderName ?? 'leader',
          );
        }
        this.#options.compromise?.(Uint8Array.from(ka));
        this.#group = Uint8Array.from(group);
        this.id = id;
        this.#setKeys(ka);
        return t;
      },
      proof: (tr) =>
        cred.kind === 'ed25519'
          ? cred.key.sign(proofInput('A', tr))
          : macProof(engine, cred.passwordKey, 'A', tr),
      welcome: (plain) => this.#welcome(plain),
      denied: () => {
        this.state = 'denied';
      },
    };
  }

  #setKeys(ka: Uint8Array): void {
    this.#ka = ka;
    const lk = linkKeys(
      this.#engine,
      ka,
      this.policy.boundControl ? this.#group : new Uint8Array(0),
    );
    this.#up = new ControlSealer(
      this.#engine.aead('aes-256-gcm', lk.controlUp),
      this.policy.boundControl,
    );
    this.#down = new ControlSealer(
      this.#engine.aead('aes-256-gcm', lk.controlDown),
      this.policy.boundControl,
    );
    lk.controlUp.fill(0);
    lk.controlDown.fill(0);
    this.#channel = new GroupChannel(
      this.#engine,
      this.#group,
      this.id,
      this.policy.channel,
      this.refusals,
    );
    this.#channel.setLinkKeys(lk.up, lk.down);
  }

  #welcome(plain: Uint8Array): boolean {
    const r = new Reader(plain);
    const epoch = r.u32();
    const leaf = r.u32();
    const sessionPub = r.raw(32);
    const challenge = r.raw(16);
    const path = readPath(r);
    const version = r.u32();
    const members = readMembers(r);
    const sequence = this.policy.sealSequence ? r.u32() : -1;
    if (!r.complete || path === null || members === null || this.#channel === null) return false;
    this.#sessionPub = Uint8Array.from(sessionPub);
    this.#leaderChallenge = Uint8Array.from(challenge);
    this.#path = new KeyPath(
      { engine: this.#engine, group: this.#group, bound: this.policy.bindWraps },
      leaf,
      path,
    );
    for (const p of path) p.key.fill(0);
    const root = this.#path.root;
    if (root === null) return false;
    if (this.policy.sealSequence) this.#sequence = sequence;
    else {
      const s =
        this.#trailer === null ? null : readSequenceTrailer(this.#engine, root, this.#trailer);
      if (s === null) return false;
      this.#sequence = s;
    }
    this.#channel.keys.install(epoch, root);
    remember(this.#seenEpochs, epoch);
    this.#membersVersion = version;
    remember(this.#seenVersions, version);
    for (const [id, name] of members) this.view.set(id, name);
    return true;
  }

  #takeKeys(plain: Uint8Array): boolean {
    const r = new Reader(plain);
    const epoch = r.u32();
    const path = readPath(r);
    if (!r.complete || path === null || this.#path === null || this.#channel === null) return false;
    this.#path.replace(path);
    for (const p of path) p.key.fill(0);
    const root = this.#path.root;
    if (root === null) return false;
    if (epoch !== this.#channel.keys.epoch) this.#channel.keys.install(epoch, root);
    return true;
  }

  // --- exchanges end -------------------------------------------------------------------

  #completed(task: Task<Inbound, OutMessage>): void {
    if (task instanceof JoinInitiator) {
      this.state = 'member';
      this.#lastFresh = this.scheduler.now();
      if (this.policy.heartbeat !== 'none')
        this.#hbTimer = this.scheduler.unref(
          this.scheduler.every(this.#options.heartbeat ?? 1000, () => this.#heartbeat()),
        );
    } else if (task instanceof ExpelRequestInitiator) {
      this.expelAnswers.push({ target: task.target, accepted: task.accepted === true });
    } else if (task instanceof LeaveInitiator) {
      this.close('left');
    }
  }

  #failed(task: Task<Inbound, OutMessage>, error: TaskError): void {
    if (task instanceof JoinInitiator) {
      if (this.state !== 'denied') this.state = 'failed';
      this.close(this.state);
    }
    this.refusals.refuse('exchange-failed', `${task.kind}: ${error.name}`);
  }

  // --- heartbeats ----------------------------------------------------------------------

  #heartbeat(): void {
    if (this.state !== 'member') return;
    const deadAfter = this.#options.deadAfter ?? 3500;
    if (!this.leaderDead && this.scheduler.now() - this.#lastFresh > deadAfter) {
      this.leaderDead = true;
      this.alerts.push({
        time: this.scheduler.now(),
        at: this.name,
        reason: 'leader-dead',
        detail: `no fresh answer for ${this.scheduler.now() - this.#lastFresh} ms`,
      });
      this.refusals.counts.set('leader-dead', 1);
    }
    const out = new OutMessage(++this.#hbCounter);
    if (this.policy.heartbeat === 'challenge') {
      this.#hbPrevious = this.#hbNonce;
      this.#hbNonce = this.#engine.randomBytes(16);
      out.set(
        Ctl.heartbeat,
        0,
        new Writer(40)
          .raw(this.#leaderChallenge)
          .raw(this.#hbNonce)
          .u32(Math.max(0, this.epoch))
          .finish(),
        true,
      );
    } else {
      // Antigone: g, A, S_A, H(g, S_A)_σ — a counter, no challenge.
      out.set(
        Ctl.heartbeat,
        0,
        new Writer(40)
          .raw(new Uint8Array(16))
          .raw(new Uint8Array(16))
          .u32(Math.max(0, this.epoch))
          .finish(),
        true,
      );
    }
    this.#net.send(this.endpoint, this.#leaderEndpoint, encode(this.#ends(), out));
  }

  #ends() {
    return { group: this.#group, from: this.id, to: 0, sealer: this.#up, transmit: () => {} };
  }
}

/** Keep the last 64 numbers seen. */
function remember(seen: Set<number>, n: number): void {
  seen.add(n);
  if (seen.size > 64) seen.delete(seen.values().next().value as number);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}
