/**
 * The group leader: starts the session (a random group id, a session signing key), admits
 * members after authentication (and an access-control hook), keeps the key hierarchy and
 * rekeys on join, leave and expel as policy says (batched over `batchWindow` ms), relays
 * multicast through its FanOut, forwards gossip, announces the membership in one signed
 * message, answers and checks heartbeats, and declares silent members dead.
 *
 * Each member's exchanges (join, leave, key retransmission) run as tasks on that member's
 * TaskHost; sealed messages are opened here first, so a forgery never starts an exchange.
 */
import { TaskHost, type Scheduler, type Task, type Timer } from '@conduits/core';
import { type CryptoEngine, type KeyAgreementKey, type SigningKey } from '@conduits/crypto';
import {
  macProof,
  macProofOk,
  proofInput,
  sessionKey,
  sigma,
  transcript,
} from '../auth/join-crypto.js';
import { Method, type RegisteredMember } from '../auth/credentials.js';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { FrameType } from '../channel/frame.js';
import { linkKeys } from '../channel/link-keys.js';
import { Refusals } from '../channel/refusals.js';
import { Relay } from '../channel/relay.js';
import { ReplayWindow } from '../channel/replay-window.js';
import {
  Ctl,
  ControlSealer,
  decodeControl,
  encodeHeader,
  OutMessage,
  type ControlMessage,
} from '../control/control-message.js';
import { LkhTree } from '../lkh/lkh-tree.js';
import { repaired, type GroupPolicy } from '../preset.js';
import type { StarNet } from '../sim/star-net.js';
import type { Inbound } from '../tasks/inbound.js';
import { ExpelRequestResponder } from '../tasks/expel-request.js';
import { JoinResponder } from '../tasks/join-responder.js';
import { KeyRequestResponder } from '../tasks/key-request.js';
import { RekeyPush } from '../tasks/rekey-push.js';
import { LeaveResponder } from '../tasks/leave.js';
import { controlWire, encode, type PairEnds } from './control-wire.js';
import type { GroupAlert } from './group-alert.js';
import { sequenceTrailer } from './sequence-trailer.js';
import { writeMembers, writePath } from './wire-bodies.js';

export interface LeaderOptions {
  readonly engine: CryptoEngine;
  readonly name?: string;
  /** The group's name (salts password keys). */
  readonly group?: string;
  readonly policy?: GroupPolicy;
  /** Registered members: name → credential check data. */
  readonly registry: ReadonlyMap<string, RegisteredMember>;
  /** The leader's long-term Ed25519 key (proves the leader to members with Ed25519 credentials). */
  readonly identity?: SigningKey;
  /** May member `requester` have `target` expelled? @default no */
  readonly expelPolicy?: (requester: string, target: string) => boolean;
  /** Access control: may `name` join? @default everyone registered */
  readonly admit?: (name: string) => boolean;
  /** Tree capacity (members at most). @default 1024 */
  readonly capacity?: number;
  /** Send each member its rekey as an acknowledged exchange (retransmitted until acked), not a single multicast. @default false */
  readonly rekeyAcks?: boolean;
  /** Collect membership changes for this long before one rekey, ms. 0: rekey at once. @default 0 */
  readonly batchWindow?: number;
  readonly heartbeat?: number;
  /** A member silent this long is declared dead and removed, ms. @default 3500 */
  readonly deadAfter?: number;
  /** Seed for the group id (simulations print it); random otherwise. */
  readonly groupId?: Uint8Array;
  /** Where a published preset's start-up warning goes. @default console.warn */
  readonly warn?: (text: string) => void;
}

interface MemberRecord {
  readonly name: string;
  readonly id: number;
  readonly endpoint: number;
  readonly host: TaskHost<Inbound, OutMessage>;
  /** Exchanges the leader starts with this member (acknowledged rekeys). */
  readonly push: TaskHost<Inbound, OutMessage>;
  readonly ends: PairEnds & { sealer: ControlSealer | null };
  up: ControlSealer | null;
  state: 'joining' | 'member' | 'gone';
  ka: Uint8Array | null;
  eph: KeyAgreementKey | null;
  t: Uint8Array | null;
  n1: Uint8Array | null;
  downSeq: number;
  lastHeard: number;
  challenge: Uint8Array;
  /** The challenge before `challenge`, still answerable (its answer may have been lost). */
  previousChallenge: Uint8Array | null;
  /** When `challenge` was issued: the previous one is answerable only for `deadAfter` after that (a member that hears nothing is dead). */
  challengeAt: number;
  /** Highest heartbeat number taken (heartbeats count up under K_a). */
  heartbeats: number;
  gossipWindow: ReplayWindow;
  hbWindow: ReplayWindow;
}

export class Leader {
  readonly name: string;
  readonly policy: GroupPolicy;
  readonly refusals: Refusals;
  readonly alerts: GroupAlert[] = [];
  readonly endpoint: number;
  readonly group: Uint8Array;
  readonly tree: LkhTree;
  readonly relay: Relay;
  readonly stats = {
    rekeys: 0,
    rekeyMessages: 0,
    rekeyBytes: 0,
    wrappedKeys: 0,
    announcements: 0,
    keyReplies: 0,
    gossipForwarded: 0,
  };
  readonly #engine: CryptoEngine;
  readonly #net: StarNet;
  readonly #options: LeaderOptions;
  readonly #session: SigningKey;
  /** Members by name. */
  readonly #byName = new Map<string, MemberRecord>();
  /** Joins under way, by name and endpoint. */
  readonly #pending = new Map<string, MemberRecord>();
  readonly #byId = new Map<number, MemberRecord>();
  /** Members by network endpoint, for data frames (a lookup per frame, not a scan). */
  readonly #atEndpoint = new Map<number, number>();
  #nextId = 1;
  /** Antigone's S_SL: counts rekeys; heartbeats and new members' key messages carry it. */
  #sequence = 0;
  #membersVersion = 0;
  #batchTimer: Timer | null = null;
  #hbTimer: Timer | null = null;
  #closed = false;

  constructor(
    readonly scheduler: Scheduler,
    net: StarNet,
    options: LeaderOptions,
  ) {
    this.name = options.name ?? 'leader';
    this.policy = options.policy ?? repaired;
    this.#engine = options.engine;
    this.#net = net;
    this.#options = options;
    this.refusals = new Refusals((reason, detail) => this.#alert(reason, detail));
    this.group =
      options.groupId !== undefined
        ? Uint8Array.from(options.groupId)
        : this.#engine.randomBytes(8);
    this.#session = this.#engine.signingKey('ed25519');
    this.tree = new LkhTree(
      { engine: this.#engine, group: this.group, bound: this.policy.bindWraps },
      options.capacity ?? 1024,
      !this.policy.lkh,
    );
    this.endpoint = net.attach((from, bytes) => this.#receive(from, bytes));
    this.relay = new Relay(
      scheduler,
      this.group,
      this.policy.channel,
      (m, f) => this.#sendTo(m, f),
      this.refusals,
    );
    this.relay.epoch = this.tree.epoch;
    if (this.policy.warning !== null) {
      (options.warn ?? console.warn)(`WARNING ${this.policy.warning}`);
      this.#alert('insecure-preset', this.policy.name);
    }
    if (this.policy.heartbeat !== 'none')
      this.#hbTimer = scheduler.unref(
        scheduler.every(options.heartbeat ?? 1000, () => this.#heartbeat()),
      );
  }

  /** Members now: id → name. */
  members(): Map<number, string> {
    const m = new Map<number, string>();
    for (const r of this.#byId.values()) if (r.state === 'member') m.set(r.id, r.name);
    return m;
  }

  idOf(name: string): number | undefined {
    const r = this.#byName.get(name);
    return r?.state === 'member' ? r.id : undefined;
  }

  get epoch(): number {
    return this.tree.epoch;
  }

  /** S_SL (Antigone's sequence number): how many rekeys so far. */
  get sequence(): number {
    return this.#sequence;
  }

  /** Expel a member: tell it (under K_a), remove it, rekey as policy says. */
  expel(id: number): void {
    const rec = this.#byId.get(id);
    if (rec === undefined || rec.state !== 'member') return;
    this.#oneWay(rec, Ctl.close, new Uint8Array(0), this.policy.authClose);
    this.#remove(rec, 'expelled');
  }

  /** A rekey with no membership change (time-driven policy). */
  rekeyNow(): void {
    this.tree.refreshAll();
    this.#rekey();
  }

  /** Stop the session: every key wiped, no timer fires. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.scheduler.cancel(this.#hbTimer);
    this.scheduler.cancel(this.#batchTimer);
    for (const r of [...this.#byId.values()]) this.#forget(r);
    this.relay.close();
    this.tree.destroy();
    this.#session.destroy();
  }

  /** Bytes held per member at the leader (tree share + record), for the memory bench. */
  get treeBytes(): number {
    return this.tree.bytes;
  }

  // --- receiving -------------------------------------------------------------------------

  #receive(from: number, bytes: Uint8Array): void {
    if (this.#closed) return;
    if (bytes[0] === FrameType.bound || bytes[0] === FrameType.published) {
      const id = this.#memberAt(from);
      if (id === undefined) return void this.refusals.refuse('unknown-member', `endpoint ${from}`);
      this.relay.accept(id, bytes);
      return;
    }
    const msg = decodeControl(bytes);
    if (msg === null) return void this.refusals.refuse('malformed');
    if (msg.type === Ctl.hello) return this.#onHello(from, msg);
    if (!sameBytes(msg.group, this.group) && this.policy.boundControl)
      return void this.refusals.refuse('wrong-group');
    const rec = this.#byId.get(msg.from);
    if (rec === undefined || rec.state === 'gone')
      return void this.refusals.refuse('unknown-member', `id ${msg.from}`);
    let plain = msg.body;
    if (msg.sealed) {
      const opened = rec.up?.open(msg) ?? null;
      if (opened === null)
        return void this.refusals.refuse('aead-failed', `type ${msg.type} from ${rec.name}`);
      plain = opened;
    }
    const inbound: Inbound = { msg, plain };
    switch (msg.type) {
      case Ctl.proof:
      case Ctl.joined:
        return this.#toHost(rec, inbound);
      case Ctl.leave:
        if (this.policy.authLeave && !msg.sealed)
          return void this.refusals.refuse('bad-auth', `clear leave for ${rec.name}`);
        return this.#toHost(rec, inbound, () => new LeaveResponder(this.policy.authLeave));
      case Ctl.keyRequest:
        if (this.policy.authRetransmit && !msg.sealed)
          return void this.refusals.refuse('bad-auth', `clear key request for ${rec.name}`);
        return this.#toHost(
          rec,
          inbound,
          () => new KeyRequestResponder(this.policy.authRetransmit, () => this.#keysFor(rec)),
        );
      case Ctl.expelRequest:
        return this.#toHost(
          rec,
          inbound,
          () => new ExpelRequestResponder((target) => this.#mayExpel(rec, target)),
        );
      case Ctl.rekeyAck: {
        const r = rec.push.receive(inbound);
        if (r !== 'processed' && r !== 'answered')
          this.refusals.refuse(
            r === 'refused' ? (rec.push.lastRefusal?.reason ?? 'refused') : 'stale',
            `rekey ack from ${rec.name}`,
          );
        return;
      }
      case Ctl.heartbeat:
        return this.#onHeartbeat(rec, msg, plain);
      case Ctl.gossip:
        return this.#onGossip(rec, msg, plain);
      default:
        this.refusals.refuse('unexpected', `type ${msg.type}`);
    }
  }

  #toHost(rec: MemberRecord, m: Inbound, responder?: () => Task<Inbound, OutMessage>): void {
    const r = rec.host.receive(m);
    if (r === 'ahead' && responder !== undefined && rec.state === 'member') {
      const r2 = rec.host.respond(responder(), m);
      if (r2 === 'refused')
        this.refusals.refuse(rec.host.lastRefusal?.reason ?? 'refused', `from ${rec.name}`);
      return;
    }
    if (r === 'refused')
      this.refusals.refuse(rec.host.lastRefusal?.reason ?? 'refused', `from ${rec.name}`);
    else if (r === 'stale' || r === 'ahead' || r === 'idle')
      this.refusals.refuse('stale-exchange', `type ${m.msg.type} from ${rec.name}`);
  }

  #onHello(endpoint: number, msg: ControlMessage): void {
    const r = new Reader(msg.body);
    const name = r.text();
    if (!r.ok) return void this.refusals.refuse('malformed');
    // Joins are kept apart by name and endpoint, and a current member stays until a new join
    // under its name has authenticated: an unauthenticated HELLO removes nobody.
    const key = `${name}\u0000${endpoint}`;
    const old = this.#pending.get(key);
    if (old !== undefined) {
      if (old.host.exchange === msg.exchange) return this.#toHost(old, { msg, plain: msg.body });
      this.#forget(old); // the same endpoint started over
    }
    const registered = this.#options.registry.get(name);
    if (registered === undefined) return void this.refusals.refuse('unknown-member', name);
    const rec = this.#record(name, endpoint);
    this.#pending.set(key, rec);
    const receipt = rec.host.respond(new JoinResponder(this.#joinSide(rec, registered)), {
      msg,
      plain: msg.body,
    });
    if (receipt === 'refused')
      this.refusals.refuse(rec.host.lastRefusal?.reason ?? 'refused', name);
    if (rec.host.task === null && rec.state === 'joining') this.#forget(rec); // denied before authentication
  }

  #record(name: string, endpoint: number): MemberRecord {
    const id = this.#nextId++;
    const ends = {
      group: this.group,
      from: 0,
      to: id,
      sealer: null as ControlSealer | null,
      transmit: (b: Uint8Array) => this.#net.send(this.endpoint, endpoint, b),
    };
    const rec: MemberRecord = {
      name,
      id,
      endpoint,
      ends,
      host: new TaskHost<Inbound, OutMessage>(
        this.scheduler,
        controlWire(ends),
        {
          completed: (task) => this.#completed(rec, task),
          failed: (task, error) => {
            this.refusals.refuse('exchange-failed', `${task.kind} with ${name}: ${error.name}`);
            if (task instanceof JoinResponder) this.#forget(rec);
          },
          refused: (_m, reason) => void this.refusals.refuse(reason, name),
        },
        { name: `leader-${name}` },
      ),
      push: new TaskHost<Inbound, OutMessage>(
        this.scheduler,
        controlWire(ends),
        {
          completed: () => {},
          failed: (task, error) =>
            void this.refusals.refuse(
              'exchange-failed',
              `${task.kind} with ${name}: ${error.name}`,
            ),
        },
        { name: `leader-${name} (rekeys)` },
      ),
      up: null,
      state: 'joining',
      ka: null,
      eph: null,
      t: null,
      n1: null,
      downSeq: 0,
      lastHeard: this.scheduler.now(),
      challenge: this.#engine.randomBytes(16),
      previousChallenge: null,
      challengeAt: this.scheduler.now(),
      heartbeats: 0,
      gossipWindow: new ReplayWindow(128),
      hbWindow: new ReplayWindow(64),
    };
    this.#byId.set(id, rec);
    return rec;
  }

  #joinSide(rec: MemberRecord, registered: RegisteredMember) {
    const engine = this.#engine;
    const policy = this.policy;
    const admit = this.#options.admit ?? (() => true);
    return {
      denyBeforeAuth: !policy.authDenial,
      admits: () => admit(rec.name),
      hello: (name: string, method: number, n1: Uint8Array, ea: Uint8Array) => {
        const expected = registered.kind === 'ed25519' ? Method.ed25519 : Method.password;
        if (method !== expected) return null;
        const n2 = engine.randomBytes(16);
        rec.eph = engine.keyAgreement('x25519');
        const el = rec.eph.publicKey;
        const t = transcript(engine, {
          group: this.group,
          name,
          id: rec.id,
          method,
          n1,
          n2,
          ea,
          el,
        });
        rec.t = t;
        rec.n1 = Uint8Array.from(n1);
        let proof: Uint8Array;
        if (registered.kind === 'ed25519') {
          if (this.#options.identity === undefined) return null;
          proof = this.#options.identity.sign(proofInput('L', t));
        } else proof = macProof(engine, registered.passwordKey, 'L', t);
        let ka: Uint8Array;
        if (policy.freshPairKey) {
          const shared = rec.eph.deriveShared(ea);
          ka = sessionKey(engine, shared, n1, n2, t);
          shared.fill(0);
        } else {
          ka = sigma(
            engine,
            registered.kind === 'password' ? registered.passwordKey : registered.publicKey,
            this.name,
          );
        }
        rec.eph.destroy();
        rec.eph = null;
        rec.ka = ka;
        return { id: rec.id, n2, el, proof };
      },
      proof: (proof: Uint8Array) => {
        const t = rec.t;
        if (t === null || rec.ka === null) return false;
        const ok =
          registered.kind === 'ed25519'
            ? engine.verify('ed25519', registered.publicKey, proofInput('A', t), proof)
            : macProofOk(engine, registered.passwordKey, 'A', t, proof);
        if (!ok) return false;
        const lk = linkKeys(engine, rec.ka, policy.boundControl ? this.group : new Uint8Array(0));
        rec.up = new ControlSealer(engine.aead('aes-256-gcm', lk.controlUp), policy.boundControl);
        rec.ends.sealer = new ControlSealer(
          engine.aead('aes-256-gcm', lk.controlDown),
          policy.boundControl,
        );
        lk.controlUp.fill(0);
        lk.controlDown.fill(0);
        lk.up.destroy();
        lk.down.destroy();
        return true;
      },
      admit: () => this.#admit(rec),
    };
  }

  /** Put an authenticated member in the tree and the relay; its welcome's plaintext. */
  #admit(rec: MemberRecord): { body: Uint8Array; trailer: Uint8Array | null } {
    // A member under this name (a rejoin after a crash) ends now that the newcomer authenticated.
    const previous = this.#byName.get(rec.name);
    if (previous !== undefined && previous !== rec) this.#remove(previous, 'rejoined');
    this.#pending.delete(`${rec.name}\u0000${rec.endpoint}`);
    this.#byName.set(rec.name, rec);
    const ka = rec.ka as Uint8Array;
    const leafKey = this.policy.freshPairKey ? this.#engine.randomBytes(32) : Uint8Array.from(ka);
    const leaf = this.tree.add(rec.id, leafKey);
    leafKey.fill(0);
    const lk = linkKeys(
      this.#engine,
      ka,
      this.policy.boundControl ? this.group : new Uint8Array(0),
    );
    lk.controlUp.fill(0);
    lk.controlDown.fill(0);
    this.relay.add(rec.id, lk.up, lk.down);
    rec.state = 'member';
    this.#atEndpoint.set(rec.endpoint, rec.id);
    rec.lastHeard = this.scheduler.now();
    if (this.policy.rekeyOnJoin) this.#rekey();
    else this.tree.acceptJoinsWithoutRekey();
    const path = this.tree.path(rec.id);
    const w = new Writer(1024)
      .u32(this.tree.epoch)
      .u32(leaf)
      .raw(this.#session.publicKey)
      .raw(rec.challenge);
    writePath(w, path);
    w.u32(++this.#membersVersion);
    writeMembers(w, this.members());
    // S_SL: inside the sealed welcome (repaired), or Antigone's way: in clear, under a MAC keyed by K_g, which every member holds.
    if (this.policy.sealSequence) w.u32(this.#sequence);
    for (const p of path) p.key.fill(0);
    const body = w.finish();
    w.wipe();
    const gk = this.tree.groupKey();
    const trailer = this.policy.sealSequence
      ? null
      : sequenceTrailer(this.#engine, gk, this.#sequence);
    gk.fill(0);
    return { body, trailer };
  }

  #completed(rec: MemberRecord, task: Task<Inbound, OutMessage>): void {
    if (task instanceof JoinResponder) {
      if (rec.state === 'member') this.#announce(rec.id);
      else this.#forget(rec);
    } else if (task instanceof LeaveResponder) {
      this.#remove(rec, 'left');
    } else if (task instanceof ExpelRequestResponder) {
      if (task.accepted) this.expel(task.target);
    } else if (task instanceof KeyRequestResponder) {
      this.stats.keyReplies++;
    }
  }

  #mayExpel(rec: MemberRecord, target: number): boolean {
    const t = this.#byId.get(target);
    if (t === undefined || t.state !== 'member' || t === rec) return false;
    return this.#options.expelPolicy?.(rec.name, t.name) ?? false;
  }

  #keysFor(rec: MemberRecord): Uint8Array {
    const path = this.tree.path(rec.id);
    const w = new Writer(600).u32(this.tree.epoch);
    writePath(w, path);
    for (const p of path) p.key.fill(0);
    const b = w.finish();
    w.wipe();
    return b;
  }

  // --- membership changes and rekeys -----------------------------------------------------

  #remove(rec: MemberRecord, reason: string): void {
    if (rec.state !== 'member') return this.#forget(rec);
    this.tree.remove(rec.id);
    this.relay.remove(rec.id);
    this.#forget(rec);
    if (reason === 'member-dead') this.#alert('member-dead', rec.name);
    if (this.policy.rekeyOnLeave) this.#scheduleRekey();
    this.#announce(-1);
  }

  #forget(rec: MemberRecord): void {
    rec.state = 'gone';
    if (this.#atEndpoint.get(rec.endpoint) === rec.id) this.#atEndpoint.delete(rec.endpoint);
    rec.host.close();
    rec.push.close();
    rec.up?.destroy();
    rec.ends.sealer?.destroy();
    rec.up = rec.ends.sealer = null;
    rec.ka?.fill(0);
    rec.ka = null;
    rec.eph?.destroy();
    rec.eph = null;
    if (this.#byName.get(rec.name) === rec) this.#byName.delete(rec.name);
    const key = `${rec.name}\u0000${rec.endpoint}`;
    if (this.#pending.get(key) === rec) this.#pending.delete(key);
    this.#byId.delete(rec.id);
  }

  #scheduleRekey(): void {
    const window = this.#options.batchWindow ?? 0;
    if (window <= 0) return this.#rekey();
    if (this.#batchTimer !== null) return;
    this.#batchTimer = this.scheduler.after(window, () => {
      this.#batchTimer = null;
      this.#rekey();
    });
  }

  #rekey(): void {
    const batch = this.tree.commit();
    this.#sequence++;
    this.relay.epoch = batch.epoch;
    this.stats.rekeys++;
    this.stats.wrappedKeys += batch.count;
    const body = new Writer(8 + batch.entries.length)
      .u32(batch.epoch)
      .u16(batch.count)
      .raw(batch.entries)
      .finish();
    const acked = this.#options.rekeyAcks === true;
    const bytes = this.#signedMulticast(Ctl.rekey, batch.epoch, body, acked ? 1 : 0);
    const joined = new Set(batch.joined);
    for (const r of this.#byId.values()) {
      if (r.state !== 'member' || joined.has(r.id)) continue;
      if (acked) r.push.initiate(new RekeyPush(bytes), batch.epoch);
      else this.#net.send(this.endpoint, r.endpoint, bytes);
      this.stats.rekeyMessages++;
      this.stats.rekeyBytes += bytes.length;
    }
  }

  /** One message listing every member (signed, versioned), to every member but `except`. */
  #announce(except: number): void {
    const w = new Writer(64).u32(++this.#membersVersion);
    writeMembers(w, this.members());
    const bytes = this.#signedMulticast(Ctl.members, this.#membersVersion, w.finish());
    for (const r of this.#byId.values())
      if (r.state === 'member' && r.id !== except) this.#net.send(this.endpoint, r.endpoint, bytes);
    this.stats.announcements++;
  }

  #signedMulticast(type: number, exchange: number, body: Uint8Array, step = 0): Uint8Array {
    const header = encodeHeader(type, this.group, 0, 0xffffffff, exchange, step, false);
    const signed = new Uint8Array(header.length + body.length);
    signed.set(header);
    signed.set(body, header.length);
    if (!this.policy.signedRekey) return signed;
    const out = new Uint8Array(signed.length + 64);
    out.set(signed);
    out.set(this.#session.sign(signed), signed.length);
    return out;
  }

  /** A one-way message to one member, sealed (if asked) under its down key, numbered by its down sequence. */
  #oneWay(rec: MemberRecord, type: number, body: Uint8Array, seal: boolean): void {
    const out = new OutMessage(++rec.downSeq);
    out.set(type, 0, body, seal);
    this.#net.send(this.endpoint, rec.endpoint, encode(rec.ends, out));
  }

  // --- heartbeats and gossip -------------------------------------------------------------

  #onHeartbeat(rec: MemberRecord, msg: ControlMessage, plain: Uint8Array): void {
    if (!msg.sealed || rec.state !== 'member')
      return void this.refusals.refuse('bad-auth', `heartbeat from ${rec.name}`);
    const r = new Reader(plain);
    const echo = r.raw(16);
    const nonce = r.raw(16);
    r.u32();
    if (!r.complete) return void this.refusals.refuse('malformed');
    let alive = true;
    if (this.policy.heartbeat === 'challenge') {
      // Heartbeats count up under K_a: a recorded one is refused. The member is alive if it
      // answers one of our last two challenges (the previous one for a while only): a withheld
      // heartbeat, or a member that hears nothing from us, does not keep it alive. Every
      // authentic heartbeat is answered with the current challenge, so lost answers heal.
      if (msg.exchange <= rec.heartbeats)
        return void this.refusals.refuse('not-fresh', `heartbeat from ${rec.name}`);
      rec.heartbeats = msg.exchange;
      const current = sameBytes(echo, rec.challenge);
      const previous =
        !current &&
        rec.previousChallenge !== null &&
        sameBytes(echo, rec.previousChallenge) &&
        this.scheduler.now() - rec.challengeAt <= (this.#options.deadAfter ?? 3500) / 2;
      alive = current || previous;
      if (!alive) this.refusals.refuse('stale-challenge', `heartbeat from ${rec.name}`);
      if (current) {
        rec.previousChallenge = rec.challenge;
        rec.challenge = this.#engine.randomBytes(16);
        rec.challengeAt = this.scheduler.now();
      }
    }
    if (alive) rec.lastHeard = this.scheduler.now();
    this.#oneWay(
      rec,
      Ctl.heartbeatAck,
      new Writer(40).raw(nonce).raw(rec.challenge).u32(this.tree.epoch).finish(),
      true,
    );
  }

  #heartbeat(): void {
    if (this.#closed) return;
    const deadAfter = this.#options.deadAfter ?? 3500;
    const now = this.scheduler.now();
    for (const r of [...this.#byId.values()])
      if (r.state === 'member' && now - r.lastHeard > deadAfter) this.#remove(r, 'member-dead');
    if (this.policy.heartbeat === 'counter') {
      // Antigone: g, SL, S_SL, signed — the same message for as long as g and S_SL last.
      const bytes = this.#signedMulticast(
        Ctl.leaderHeartbeat,
        this.tree.epoch,
        new Writer(4).u32(this.#sequence).finish(),
      );
      const signed = new Uint8Array(bytes.length + 64);
      signed.set(bytes);
      signed.set(this.#session.sign(bytes), bytes.length);
      for (const r of this.#byId.values())
        if (r.state === 'member') this.#net.send(this.endpoint, r.endpoint, signed);
    }
  }

  #onGossip(rec: MemberRecord, msg: ControlMessage, plain: Uint8Array): void {
    if (!msg.sealed || rec.state !== 'member')
      return void this.refusals.refuse('bad-auth', `gossip from ${rec.name}`);
    if (this.policy.gossipFresh) {
      const v = rec.gossipWindow.check(msg.exchange);
      if (v !== 'fresh')
        return void this.refusals.refuse(v, `gossip from ${rec.name} seq ${msg.exchange}`);
      rec.gossipWindow.mark(msg.exchange);
    }
    const r = new Reader(plain);
    const n = r.u16();
    const to: number[] = [];
    for (let i = 0; i < n; i++) to.push(r.u32());
    const data = r.bytes();
    if (!r.complete) return void this.refusals.refuse('malformed');
    const body = new Writer(8 + data.length).u32(rec.id).bytes(data).finish();
    for (const id of to) {
      const target = this.#byId.get(id);
      if (target === undefined || target.state !== 'member' || id === rec.id) continue;
      this.#oneWay(target, Ctl.gossipForward, body, true);
      this.stats.gossipForwarded++;
    }
  }

  // --- helpers ---------------------------------------------------------------------------

  #memberAt(endpoint: number): number | undefined {
    return this.#atEndpoint.get(endpoint);
  }

  #sendTo(member: number, frame: Uint8Array): void {
    const r = this.#byId.get(member);
    if (r !== undefined) this.#net.send(this.endpoint, r.endpoint, frame);
  }

  #alert(reason: string, detail: string): void {
    this.alerts.push({ time: this.scheduler.now(), at: this.name, reason, detail });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}
