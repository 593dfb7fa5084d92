/**
 * The issue-2 demo: two hosts on one virtual clock. The client runs two conversations, each
 * a chat Protocol under its own application adaptor, multiplexed onto one link. The server's
 * mux has a ConduitFactory that clones a whole chat Protocol for every new conversation.
 * On the way, the link loses the first HELLO and an attacker flips a bit in one frame.
 */
import type { ApplicationAdaptor } from '@conduits/core';
import {
  GraphBuilder,
  MessagePool,
  Scheduler,
  type Accessor,
  type Alert,
  type Graph,
} from '@conduits/core';
import { linkPair } from '@conduits/core/testing';
import type { CryptoEngine } from '@conduits/crypto';
import { chatProtocol } from './chat-protocol.js';

/** Demux key of a chat frame: its conversation id (first two bytes). */
export const conversationOf: Accessor<number> = {
  name: 'conversation-id',
  key: (m) => (m.buffer.length >= 2 ? m.buffer.view.getUint16(m.buffer.start) : undefined),
  format: (k) => `conv ${k}`,
};

export interface ChatScenario {
  readonly scheduler: Scheduler;
  readonly client: Graph;
  readonly server: Graph;
  readonly apps: readonly ApplicationAdaptor[];
  readonly log: readonly string[];
  readonly alerts: readonly Alert[];
}

export interface ChatOptions {
  readonly loseFirstHello?: boolean;
  /** The client's frame with this number (from 1) has its last bit flipped on the wire. */
  readonly tamperFrame?: number;
  /** The client's frame with this number is also sent straight back to the client (a reflection attack). */
  readonly reflectFrame?: number;
  /** Sees every frame on the wire, each direction. */
  readonly tap?: (from: 'client' | 'server', bytes: Uint8Array) => void;
}

export function buildChat(engine: CryptoEngine, options: ChatOptions = {}): ChatScenario {
  const scheduler = new Scheduler();
  const log: string[] = [];
  const say = (line: string): void =>
    void log.push(`[${String(scheduler.now()).padStart(4)} ms] ${line}`);
  const pool = new MessagePool();
  const master = engine.randomBytes(32);
  const keyFor = (conv: number): Uint8Array =>
    engine.hkdf('sha256', master, new Uint8Array(0), Uint8Array.of(conv >> 8, conv & 0xff), 32);

  const [clientLink, serverLink] = linkPair('client-link', 'server-link', 5);
  let frames = 0;
  clientLink.intercept = (bytes) => {
    frames++;
    options.tap?.('client', bytes);
    if (frames === options.reflectFrame) {
      say(`link: an attacker sends frame ${frames} back to the client`);
      clientLink.inject(pool.from(bytes));
    }
    if (options.loseFirstHello && frames === 1) {
      say('link: the first frame is lost');
      return null;
    }
    if (frames === options.tamperFrame) {
      say(`link: an attacker flips a bit in frame ${frames}`);
      const t = Uint8Array.from(bytes);
      t[t.length - 1]! ^= 1;
      return t;
    }
    return bytes;
  };
  if (options.tap !== undefined)
    serverLink.intercept = (bytes) => (options.tap?.('server', bytes), bytes);

  const c = new GraphBuilder('client');
  const cmux = c.mux('conversations', conversationOf);
  c.connect(cmux.a, c.add(clientLink).a);
  const apps = [1, 2].map((conv) => {
    const app = c.application(`app-${conv}`, pool);
    const chat = chatProtocol({
      role: 'client',
      conversation: conv,
      engine,
      keyFor,
      pool,
      log: (l) => say(`conv ${conv} ${l}`),
    });
    c.route(cmux, conv, chat);
    c.connect(app.a, chat.b as NonNullable<typeof chat.b>);
    return app;
  });
  const client = c.build(scheduler);

  const s = new GraphBuilder('server');
  const prototype = chatProtocol({ role: 'server', engine, keyFor, pool, log: (l) => say(l) });
  const smux = s.mux('conversations', conversationOf, {
    prototype,
    name: 'conversation-factory',
    options: { limit: 100 },
  });
  s.connect(smux.a, s.add(serverLink).a);
  const server = s.build(scheduler);

  const alerts: Alert[] = [];
  for (const g of [client, server])
    g.alerts$.subscribe((a) => (alerts.push(a), say(`ALERT ${a.graph}/${a.conduit}: ${a.reason}`)));
  for (const [i, app] of apps.entries())
    app.messages$.subscribe((d) => say(`app-${i + 1} got "${new TextDecoder().decode(d.data)}"`));
  return { scheduler, client, server, apps, log, alerts };
}
