import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { engineByName } from '@conduits/crypto';
import { buildChat } from '../examples/chat/scenario.js';
import { buildIpsecScenario } from '../examples/ipsec/scenario.js';
import { buildTwoSites } from '../examples/ipsec/two-sites.js';
import { buildUdpScenario } from '../examples/udp/scenario.js';
import { presets, resolveComposition } from '@conduits/seccomm';
import { runScenario } from '@conduits/seccomm/testing';
import {
  integerOption,
  option,
  positionals,
  UsageError,
  type Args,
  type OptionSpecs,
} from './args.js';
import { renderGraphs } from './graph.js';
import type { Io } from './io.js';

export const demoUsage = 'conduits demo [--engine noble|node] [--out DIR] [--seed N]';
export const demoOptions: OptionSpecs = {
  engine: { kind: 'string', choices: ['noble', 'node'] },
  out: { kind: 'string' },
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1 },
};

/**
 * `conduits demo [--engine noble|node] [--out DIR] [--seed N]`: runs the demo scenarios on the virtual
 * clock, prints what happens, and writes the graphs it ran as DOT and Mermaid.
 */
export function demoCommand(args: Args, io: Io): void {
  positionals(args, 0, demoUsage);
  const out = io.out;
  const engine = engineByName(option(args, 'engine', 'noble'));
  const dir = option(args, 'out', '.');
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`--out ${dir} exists and is not a directory`);
  mkdirSync(dir, { recursive: true });
  out(`== Java Conduits: a chat protocol as a conduit graph (crypto engine: ${engine.name}) ==`);
  out(
    'client: app-1, app-2 -> chat Protocol (FSM / Coder / Cipher) x2 -> conversations mux -> link',
  );
  out('server: link -> conversations mux -> factory cloning a chat Protocol per new conversation');
  out('');
  const sc = buildChat(engine, { loseFirstHello: true, tamperFrame: 6 });
  const [app1, app2] = sc.apps as [
    NonNullable<(typeof sc.apps)[0]>,
    NonNullable<(typeof sc.apps)[1]>,
  ];
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  app1.send(enc('hello, conduits'));
  app2.send(enc('a second conversation'));
  sc.scheduler.after(300, () => app1.send(enc('this one gets tampered with')));
  sc.scheduler.after(400, () => app1.send(enc('and this one gets through')));
  sc.scheduler.run();
  for (const line of sc.log) out(line);
  out('');
  out(
    `server conversations created on demand: ${(sc.server.find('conversation-factory') as { created?: number } | undefined)?.created ?? 0}`,
  );
  out(
    `dropped: client ${JSON.stringify(sc.client.drops.snapshot())}, server ${JSON.stringify(sc.server.drops.snapshot())}`,
  );
  out(`security alerts: ${sc.alerts.filter((a) => a.kind === 'security').length}`);
  const dot = `${dir}/demo.chat.dot`;
  const mmd = `${dir}/demo.chat.mmd`;
  writeFileSync(dot, renderGraphs([sc.client, sc.server], 'dot'));
  writeFileSync(mmd, renderGraphs([sc.client, sc.server], 'mermaid'));
  out(
    `graphs written (client and server, one picture each file): ${dot} (render: dot -Tsvg ${dot} -o chat.svg), ${mmd}`,
  );
  out('');
  udpSection(args, dir, out);
  out('');
  ipsecSection(dir, out);
  out('');
  seccommSection(args, out);
}

/** SecComm: the presets on the simulator, each under every attack, one line a run. */
function seccommSection(args: Args, out: (s: string) => void): void {
  const seed = integerOption(args, 'seed', 7);
  out(
    `== SecComm: compositions of micro-protocols under a Dolev-Yao adversary (seed ${seed}, 30 messages each way) ==`,
  );
  out(
    'composition       adversary     delivered c→s/s→c  refused (reason: count)                       intact&once  bytes/msg',
  );
  for (const name of ['esp-like', 'tls-record-like'] as const) {
    for (const adversary of [
      'none',
      'tamper',
      'replay',
      'reorder',
      'impersonate',
      'replay-keys',
    ] as const) {
      const r = runScenario(resolveComposition(presets[name]), { messages: 30, adversary, seed });
      const refused =
        Object.entries(r.rejected)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || '-';
      out(
        `${name.padEnd(17)} ${adversary.padEnd(13)} ${`${r.delivered.clientToServer}/${r.delivered.serverToClient}`.padEnd(18)} ${refused.padEnd(45)} ${String(r.intactAndExactlyOnce).padEnd(12)} ${r.bytesOnWirePerMessage}`,
      );
    }
  }
  const weak = runScenario(
    resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }],
    }),
    { messages: 30, adversary: 'tamper', seed },
  );
  out(
    `and without integrity (AES-CTR alone) a tamperer gets ${weak.gotThrough} altered messages delivered — the trade-off the paper documents.`,
  );
  out(
    'try: pnpm conduits seccomm run paranoid --adversary impersonate; pnpm conduits seccomm check paranoid',
  );
}

function ipsecSection(dir: string, out: (s: string) => void): void {
  out('== IPsec: UDP through ESP (transport, AES-128-GCM), an attacker replaying and modifying ==');
  const sc = buildIpsecScenario();
  sc.net.run();
  for (const line of sc.log) out(line);
  out('');
  out(
    `bob dropped ${JSON.stringify(sc.bob.graph.drops.snapshot())}; alice dropped ${JSON.stringify(sc.alice.graph.drops.snapshot())}`,
  );
  const pcap = `${dir}/demo-esp.pcap`;
  const conf = `${dir}/demo-wireshark`;
  mkdirSync(conf, { recursive: true });
  writeFileSync(pcap, sc.pcap.toBytes());
  writeFileSync(`${conf}/esp_sa`, sc.espSa);
  writeFileSync(
    `${conf}/preferences`,
    'esp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n',
  );
  out(
    `capture: ${pcap}; its SAs in tshark's esp_sa format: ${conf}/esp_sa. Decrypt and check ICVs with:`,
  );
  out(
    `  WIRESHARK_CONFIG_DIR=${conf} tshark -r ${pcap} -T fields -e esp.spi -e esp.sequence -e esp.icv_good -e udp.dstport -e data.data`,
  );
  out('');
  gatewaySection(dir, out);
}

function gatewaySection(dir: string, out: (s: string) => void): void {
  out('== IPsec gateways: two sites joined by tunnel-mode ESP (Java Conduits Figure 8) ==');
  const sc = buildTwoSites();
  sc.net.run();
  for (const line of sc.log) out(line);
  out('');
  sc.gateways.forEach((g) =>
    out(`${g.graph.name} dropped ${JSON.stringify(g.graph.drops.snapshot())}`),
  );
  const pcap = `${dir}/demo-tunnel.pcap`;
  const conf = `${dir}/demo-wireshark-tunnel`;
  mkdirSync(conf, { recursive: true });
  writeFileSync(pcap, sc.pcap.toBytes());
  writeFileSync(`${conf}/esp_sa`, sc.espSa);
  writeFileSync(
    `${conf}/preferences`,
    'esp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n',
  );
  out(
    `WAN capture: ${pcap}; inner packets with: WIRESHARK_CONFIG_DIR=${conf} tshark -r ${pcap} -T fields -e ipv6.src -e ipv6.dst -e esp.icv_good -e udp.dstport`,
  );
  writeFileSync(`${dir}/demo.ipsec-gateway.dot`, renderGraphs([sc.gateways[0]!.graph], 'dot'));
  out(`the gateway graph: ${dir}/demo.ipsec-gateway.dot (also: pnpm conduits graph ipsec-gateway)`);
}

function udpSection(args: Args, dir: string, out: (s: string) => void): void {
  const seed = integerOption(args, 'seed', 7);
  out(
    `== IPv6/UDP on the simulator: two hosts, a lossy, reordering, duplicating link, MTU 1280 (seed ${seed}) ==`,
  );
  const sc = buildUdpScenario(seed);
  sc.net.run();
  for (const line of sc.log) out(line);
  out('');
  const st = sc.link.stats;
  out(
    `link: sent ${st.sent}, delivered ${st.delivered}, lost ${st.lost}, duplicated ${st.duplicated}, reordered ${st.reordered}`,
  );
  out(
    `alice dropped ${JSON.stringify(sc.alice.graph.drops.snapshot())}; bob dropped ${JSON.stringify(sc.bob.graph.drops.snapshot())}`,
  );
  const pcap = `${dir}/demo.pcap`;
  writeFileSync(pcap, sc.pcap.toBytes());
  out(
    `capture written: ${pcap} (${sc.pcap.records.length} packets, LINKTYPE_IPV6). Look at it with:`,
  );
  out(`  tshark -r ${pcap} -o udp.check_checksum:TRUE -V | less`);
  out(
    `  tshark -r ${pcap} -o udp.check_checksum:TRUE -T fields -e frame.time_relative -e ipv6.src -e ipv6.dst -e udp.dstport -e udp.checksum.status -e ipv6.reassembled.length`,
  );
  const gdot = `${dir}/demo.host.dot`;
  writeFileSync(gdot, renderGraphs([sc.alice.graph], 'dot'));
  out(`the host graph: ${gdot} (also: pnpm conduits graph host --format mermaid)`);
}
