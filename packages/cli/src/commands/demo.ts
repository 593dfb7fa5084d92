import { writeFileSync } from 'node:fs';
import { engineByName } from '@conduits/crypto';
import { buildChat } from '../examples/chat/scenario.js';
import { option, type Args } from './args.js';
import { renderGraphs } from './graph.js';

/**
 * `conduits demo [--engine noble|node] [--out DIR]`: runs the demo scenarios on the virtual
 * clock, prints what happens, and writes the graphs it ran as DOT and Mermaid.
 */
export function demoCommand(args: Args, out: (s: string) => void): void {
  const engine = engineByName(option(args, 'engine', 'noble'));
  const dir = option(args, 'out', '.');
  out(`== Java Conduits: a chat protocol as a conduit graph (crypto engine: ${engine.name}) ==`);
  out('client: app-1, app-2 -> chat Protocol (FSM / Coder / Cipher) x2 -> conversations mux -> link');
  out('server: link -> conversations mux -> factory cloning a chat Protocol per new conversation');
  out('');
  const sc = buildChat(engine, { loseFirstHello: true, tamperFrame: 6 });
  const [app1, app2] = sc.apps as [NonNullable<(typeof sc.apps)[0]>, NonNullable<(typeof sc.apps)[1]>];
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  app1.send(enc('hello, conduits'));
  app2.send(enc('a second conversation'));
  sc.scheduler.after(300, () => app1.send(enc('this one gets tampered with')));
  sc.scheduler.after(400, () => app1.send(enc('and this one gets through')));
  sc.scheduler.run();
  for (const line of sc.log) out(line);
  out('');
  out(`server conversations created on demand: ${(sc.server.find('conversation-factory') as { created?: number } | undefined)?.created ?? 0}`);
  out(`dropped: client ${JSON.stringify(sc.client.drops.snapshot())}, server ${JSON.stringify(sc.server.drops.snapshot())}`);
  out(`security alerts: ${sc.alerts.filter((a) => a.kind === 'security').length}`);
  const dot = `${dir}/demo.chat.dot`;
  const mmd = `${dir}/demo.chat.mmd`;
  writeFileSync(dot, renderGraphs([sc.client, sc.server], 'dot'));
  writeFileSync(mmd, renderGraphs([sc.client, sc.server], 'mermaid'));
  out(`graphs written: ${dot} (render: dot -Tsvg ${dot} -o chat.svg), ${mmd}`);
}
