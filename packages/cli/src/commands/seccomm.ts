/**
 * `conduits seccomm check|graph|run|verify-proof`: a SecComm composition (a JSON file, or a
 * preset name) resolved against the configuration constraints — or refused with the conflict
 * and a way out — then printed, drawn, or run under attack; and proof files checked offline.
 */
import { engineByName } from '@conduits/crypto';
import {
  CompositionError,
  label,
  presets,
  resolveComposition,
  verifyProofs,
  type CompositionConfig,
  type ResolvedComposition,
} from '@conduits/seccomm';
import { attackKinds, runScenario, type AttackKind } from '@conduits/seccomm/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  integerOption,
  option,
  positionals,
  UsageError,
  type Args,
  type OptionSpecs,
} from './args.js';
import { readableFile } from './files.js';
import type { Io } from './io.js';

const presetList = Object.keys(presets).join(', ');

function load(source: string): unknown {
  if (Object.hasOwn(presets, source)) return presets[source as keyof typeof presets];
  if (!existsSync(source))
    throw new UsageError(`no preset or configuration file ${source}`, `presets: ${presetList}`);
  const text = readFileSync(readableFile(source, 'configuration'), 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`refused: ${source} is not JSON (${(e as Error).message})`);
  }
}

/** A configuration resolved, or refused: `refused: <conflict>` and its way out. */
function resolved(source: string): ResolvedComposition {
  const config = load(source);
  try {
    return resolveComposition(config as CompositionConfig);
  } catch (e) {
    if (e instanceof CompositionError)
      throw new UsageError(`refused: ${e.conflict}`, `way out: ${e.wayOut}`);
    throw e;
  }
}

function formatComposition(r: ResolvedComposition): string {
  const lines = [
    `composition ${r.name}: ${r.microProtocols.length} micro-protocols (senders run them by order, receivers in reverse)`,
  ];
  for (const m of r.microProtocols) {
    lines.push(
      `  ${String(m.order).padStart(3)}  ${label(m).padEnd(38)} ${m.class.padEnd(22)} ${m.direction.padEnd(4)} ${m.mode}${m.addedBecause ? `   (added: ${m.addedBecause})` : ''}`,
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function compositionDot(r: ResolvedComposition): string {
  const id = (s: string): string => `"${s.replace(/"/g, '\\"')}"`;
  // Wire at the bottom, as every graph the CLI draws.
  const out = [
    `digraph ${id(r.name)} {`,
    '  rankdir=BT;',
    '  node [shape=box, fontname="Helvetica", fontsize=10];',
  ];
  for (const m of r.microProtocols)
    out.push(
      `  ${id(label(m))} [label=${id(`${label(m)}\\n${m.class}, order ${m.order}`)}${m.addedBecause ? ', style=dashed' : ''}];`,
    );
  for (const d of r.dependencies)
    out.push(`  ${id(d.from)} -> ${id(d.to)} [label=${id(d.why)}, fontsize=8];`);
  out.push('}');
  return out.join('\n') + '\n';
}

function compositionMermaid(r: ResolvedComposition): string {
  const ids = new Map(r.microProtocols.map((m, i) => [label(m), `m${i}`]));
  const esc = (s: string): string =>
    s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  const out = ['flowchart BT'];
  for (const m of r.microProtocols)
    out.push(`  ${ids.get(label(m))}["${esc(label(m))}<br/>${esc(m.class)}, order ${m.order}"]`);
  for (const d of r.dependencies)
    out.push(`  ${ids.get(d.from)} -->|"${esc(d.why)}"| ${ids.get(d.to)}`);
  return out.join('\n') + '\n';
}

export const seccommUsage = {
  check: 'conduits seccomm check CONFIG',
  graph: 'conduits seccomm graph CONFIG [--format dot|mermaid]',
  run: `conduits seccomm run CONFIG [--messages N] [--adversary ${attackKinds.join('|')}] [--seed S] [--size BYTES] [--engine noble|node]`,
  'verify-proof':
    'conduits seccomm verify-proof FILE --public-key HEX [--sender NAME] [--engine noble|node]',
} as const;

export const seccommOptions: Record<keyof typeof seccommUsage, OptionSpecs> = {
  check: {},
  graph: { format: { kind: 'string', choices: ['dot', 'mermaid'] } },
  run: {
    messages: { kind: 'integer', min: 1, max: 10_000_000 },
    adversary: { kind: 'string', choices: attackKinds },
    seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1 },
    size: { kind: 'integer', min: 1, max: 60_000 },
    engine: { kind: 'string', choices: ['noble', 'node'] },
  },
  'verify-proof': {
    'public-key': { kind: 'string' },
    sender: { kind: 'string' },
    engine: { kind: 'string', choices: ['noble', 'node'] },
  },
};

/** `conduits seccomm check|graph CONFIG`: the resolved composition, or drawn. */
export function seccommCheckCommand(args: Args, io: Io): void {
  const [source] = positionals(args, 1, seccommUsage.check);
  io.out(formatComposition(resolved(source as string)));
}

export function seccommGraphCommand(args: Args, io: Io): void {
  const [source] = positionals(args, 1, seccommUsage.graph);
  const r = resolved(source as string);
  io.out(
    (option(args, 'format', 'dot') === 'mermaid'
      ? compositionMermaid(r)
      : compositionDot(r)
    ).replace(/\n$/, ''),
  );
}

const hexPattern = /^([0-9a-f]{2})+$/i;
const publicKeyLengths: Record<string, readonly number[]> = {
  ed25519: [32],
  'ecdsa-p256-sha256': [33, 65],
};

/** Each line of a proof file checked for the fields a record needs; a bad one refused with its line number. */
function checkRecords(
  text: string,
  file: string,
): { line: number; sender: string; algorithm: string }[] {
  const out: { line: number; sender: string; algorithm: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let r: unknown;
    try {
      r = JSON.parse(raw);
    } catch {
      throw new UsageError(`refused: ${file} line ${line} is not JSON`);
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new UsageError(`refused: ${file} line ${line} is not a proof record`);
    const rec = r as Record<string, unknown>;
    const missing = ['sender', 'algorithm', 'signed', 'signature']
      .filter((k) => typeof rec[k] !== 'string')
      .concat(typeof rec['receivedAt'] === 'number' ? [] : ['receivedAt']);
    if (missing.length > 0)
      throw new UsageError(`refused: ${file} line ${line} lacks ${missing.join(', ')}`);
    if (publicKeyLengths[rec['algorithm'] as string] === undefined)
      throw new UsageError(
        `refused: ${file} line ${line}: unknown signature algorithm ${String(rec['algorithm'])}`,
      );
    if (!hexPattern.test(rec['signed'] as string) || !hexPattern.test(rec['signature'] as string))
      throw new UsageError(`refused: ${file} line ${line}: signed and signature are hex`);
    const d = rec['digestLength'];
    if (d !== undefined && !(d === 16 || d === 20 || d === 32 || d === 64))
      throw new UsageError(`refused: ${file} line ${line}: digestLength is 16, 20, 32 or 64`);
    out.push({ line, sender: rec['sender'] as string, algorithm: rec['algorithm'] as string });
  });
  return out;
}

/**
 * `conduits seccomm verify-proof FILE --public-key HEX [--sender NAME]`: who sent what, from the
 * proof file alone. A proof file holds both senders' messages; the key covers the sender whose
 * records it verifies (or the one named), and every record of that sender must verify.
 */
export function seccommVerifyProofCommand(args: Args, io: Io): void {
  const [file] = positionals(args, 1, seccommUsage['verify-proof']);
  const key = args.options.get('public-key');
  if (key === undefined)
    throw new UsageError(
      "--public-key HEX is needed (the sender's public key, as seccomm run prints it)",
      `usage: ${seccommUsage['verify-proof']}`,
    );
  if (!hexPattern.test(key))
    throw new UsageError(`--public-key is hex (an even number of 0-9a-f digits)`);
  const publicKey = Uint8Array.from(Buffer.from(key, 'hex'));
  const text = readFileSync(readableFile(file as string, 'proof'), 'utf8');
  const records = checkRecords(text, file as string);
  if (records.length === 0)
    throw new UsageError(`refused: ${file} holds no proof records (nothing to verify)`);
  for (const r of records) {
    const lengths = publicKeyLengths[r.algorithm] as readonly number[];
    if (!lengths.includes(publicKey.length))
      throw new UsageError(
        `--public-key is ${publicKey.length} bytes; ${r.algorithm} public keys are ${lengths.join(' or ')} bytes`,
      );
  }
  const sender = args.options.get('sender');
  const senders = [...new Set(records.map((r) => r.sender))];
  if (sender !== undefined && !senders.includes(sender))
    throw new UsageError(
      `refused: ${file} has no records from ${sender} (senders: ${senders.join(', ')})`,
    );
  const all = verifyProofs(text, publicKey, engineByName(option(args, 'engine', 'noble')));
  const verdicts = sender === undefined ? all : all.filter((v) => v.sender === sender);
  for (const v of verdicts) io.out(JSON.stringify(v));
  const covered =
    sender !== undefined
      ? [sender]
      : senders.filter((s) => verdicts.some((v) => v.sender === s && v.valid));
  if (covered.length === 0)
    throw new UsageError(
      `refused: ${verdicts.length} of ${verdicts.length} records do not verify with this key (lines ${verdicts.map((v) => v.line).join(', ')})`,
    );
  const mine = verdicts.filter((v) => covered.includes(v.sender));
  const bad = mine.filter((v) => !v.valid);
  if (bad.length > 0)
    throw new UsageError(
      `refused: ${bad.length} of ${mine.length} records from ${covered.join(', ')} do not verify (lines ${bad.map((v) => v.line).join(', ')})`,
    );
  const others = verdicts.length - mine.length;
  io.out(JSON.stringify({ verified: mine.length, keyCovers: covered, otherRecords: others }));
  io.err(
    `all ${mine.length} records from ${covered.join(', ')} verify: the holder of that public key sent these messages${others ? `; ${others} records from ${senders.filter((s) => !covered.includes(s)).join(', ')} are signed by another key (not checked)` : ''}`,
  );
}

/**
 * `conduits seccomm run CONFIG`: a client/server pair on the simulator with that composition,
 * N messages each way under an adversary; one JSON summary on stdout, progress on stderr. The
 * seed is printed in it, so a run can be replayed exactly.
 */
export function seccommRunCommand(args: Args, io: Io): void {
  const [source] = positionals(args, 1, seccommUsage.run);
  const r = resolved(source as string);
  const adversary = option(args, 'adversary', 'none') as AttackKind;
  const messages = integerOption(args, 'messages', 100);
  const size = integerOption(args, 'size', 64);
  const seed = integerOption(args, 'seed', Math.floor(Math.random() * 2 ** 31));
  // Non-repudiation without a proof file of its own writes to a fresh temporary one (made only then).
  // A preset's proof file (paranoid names one) is also redirected: a run never writes into the working directory.
  const preset = Object.hasOwn(presets, source as string);
  const redirect = (m: ResolvedComposition['microProtocols'][number]): boolean =>
    m.class === 'non-repudiation' && (preset || typeof m.params['file'] !== 'string');
  const needsFile = r.microProtocols.some(redirect);
  const proofs = needsFile ? join(mkdtempSync(join(tmpdir(), 'seccomm-run-')), 'proofs.jsonl') : '';
  const composition: ResolvedComposition = {
    ...r,
    microProtocols: r.microProtocols.map((m) =>
      redirect(m) ? { ...m, params: { ...m.params, file: proofs } } : m,
    ),
  };
  const nr = composition.microProtocols.find((m) => m.class === 'non-repudiation');
  let signing: { client: string; server: string } | undefined;
  const step = messages >= 1000 ? Math.ceil(messages / 10) : 0;
  const summary = runScenario(composition, {
    messages,
    adversary,
    seed,
    size,
    engine: engineByName(option(args, 'engine', 'noble')),
    onPair: (p) => {
      const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
      signing = {
        client: hex(p.publicKeys.client.signing),
        server: hex(p.publicKeys.server.signing),
      };
    },
    ...(step > 0
      ? {
          onProgress: (sent: number) =>
            void (sent % step === 0 || sent === messages
              ? io.err(
                  `seccomm run: ${sent} of ${messages} messages each way sent (${Math.round((sent / messages) * 100)}%)`,
                )
              : undefined),
        }
      : {}),
  });
  io.out(
    JSON.stringify({
      ...summary,
      ...(nr !== undefined && signing !== undefined
        ? { proofs: nr.params['file'], signingPublicKeys: signing }
        : {}),
    }),
  );
}
