/**
 * `conduits seccomm check CONFIG` and `conduits seccomm graph CONFIG [--format dot|mermaid]`:
 * a SecComm composition (a JSON file, or a preset name) resolved against the configuration
 * constraints, or refused with the conflict and a way out.
 */
import { engineByName } from '@conduits/crypto';
import { CompositionError, label, presets, resolveComposition, verifyProofs, type CompositionConfig, type ResolvedComposition } from '@conduits/seccomm';
import { attackKinds, runScenario, type AttackKind } from '@conduits/seccomm/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { option, UsageError, type Args } from './args.js';

function load(source: string): CompositionConfig {
  if (Object.hasOwn(presets, source)) return presets[source as keyof typeof presets];
  if (!existsSync(source)) throw new UsageError(`no configuration file ${source} (presets: ${Object.keys(presets).join(', ')})`);
  try {
    return JSON.parse(readFileSync(source, 'utf8')) as CompositionConfig;
  } catch (e) {
    throw new UsageError(`${source} is not JSON: ${(e as Error).message}`);
  }
}

export function formatComposition(r: ResolvedComposition): string {
  const lines = [`composition ${r.name}: ${r.microProtocols.length} micro-protocols (senders run them by order, receivers in reverse)`];
  for (const m of r.microProtocols) {
    lines.push(`  ${String(m.order).padStart(3)}  ${label(m).padEnd(38)} ${m.class.padEnd(22)} ${m.direction.padEnd(4)} ${m.mode}${m.addedBecause ? `   (added: ${m.addedBecause})` : ''}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function compositionDot(r: ResolvedComposition): string {
  const id = (s: string): string => `"${s.replace(/"/g, '\\"')}"`;
  const out = [`digraph ${id(r.name)} {`, '  rankdir=LR;', '  node [shape=box, fontname="Helvetica", fontsize=10];'];
  for (const m of r.microProtocols) out.push(`  ${id(label(m))} [label=${id(`${label(m)}\\n${m.class}, order ${m.order}`)}${m.addedBecause ? ', style=dashed' : ''}];`);
  for (const d of r.dependencies) out.push(`  ${id(d.from)} -> ${id(d.to)} [label=${id(d.why)}, fontsize=8];`);
  out.push('}');
  return out.join('\n') + '\n';
}

function compositionMermaid(r: ResolvedComposition): string {
  const ids = new Map(r.microProtocols.map((m, i) => [label(m), `m${i}`]));
  const out = ['flowchart LR'];
  for (const m of r.microProtocols) out.push(`  ${ids.get(label(m))}["${label(m)}<br/>${m.class}, order ${m.order}"]`);
  for (const d of r.dependencies) out.push(`  ${ids.get(d.from)} -->|${d.why}| ${ids.get(d.to)}`);
  return out.join('\n') + '\n';
}

export function seccommCommand(args: Args, out: (s: string) => void): void {
  const [sub, source] = args.positionals;
  if (sub === 'verify-proof') return verifyProofCommand(source, args, out);
  if ((sub !== 'check' && sub !== 'graph' && sub !== 'run') || source === undefined) {
    throw new UsageError(
      `conduits seccomm check|graph CONFIG [--format dot|mermaid] | run CONFIG [--messages N] [--adversary ${attackKinds.join('|')}] [--seed S] [--size BYTES] [--engine noble|node] | verify-proof FILE --public-key HEX   (CONFIG: a JSON file or a preset: ${Object.keys(presets).join(', ')})`,
    );
  }
  let r: ResolvedComposition;
  try {
    r = resolveComposition(load(source));
  } catch (e) {
    if (e instanceof CompositionError) throw new UsageError(`refused: ${e.conflict}\nway out: ${e.wayOut}`);
    throw e;
  }
  if (sub === 'run') return runCommand(r, args, out, Object.hasOwn(presets, source));
  if (sub === 'check') out(formatComposition(r));
  else out(option(args, 'format', 'dot') === 'mermaid' ? compositionMermaid(r) : compositionDot(r));
}

/** `conduits seccomm verify-proof FILE --public-key HEX`: who sent what, from the proof file alone. */
function verifyProofCommand(file: string | undefined, args: Args, out: (s: string) => void): void {
  const key = option(args, 'public-key', '');
  if (file === undefined || !/^([0-9a-f]{2})+$/i.test(key)) throw new UsageError('conduits seccomm verify-proof FILE --public-key HEX (the sender\'s public key)');
  if (!existsSync(file)) throw new UsageError(`no proof file ${file}`);
  const verdicts = verifyProofs(readFileSync(file, 'utf8'), Uint8Array.from(Buffer.from(key, 'hex')), engineByName(option(args, 'engine', 'noble')));
  for (const v of verdicts) out(JSON.stringify(v));
  const bad = verdicts.filter((v) => !v.valid);
  if (bad.length > 0) throw new UsageError(`refused: ${bad.length} of ${verdicts.length} records do not verify (lines ${bad.map((v) => v.line).join(', ')})`);
  out(`all ${verdicts.length} records verify: the holder of that public key sent these messages`);
}

/**
 * `conduits seccomm run CONFIG`: a client/server pair on the simulator with that composition,
 * N messages each way under an adversary; one JSON summary. The seed is printed in it, so a
 * run can be replayed exactly.
 */
function runCommand(r: ResolvedComposition, args: Args, out: (s: string) => void, preset: boolean): void {
  const adversary = option(args, 'adversary', 'none');
  if (!attackKinds.includes(adversary as AttackKind)) throw new UsageError(`--adversary is one of ${attackKinds.join(', ')}`);
  const messages = Number(option(args, 'messages', '100'));
  const size = Number(option(args, 'size', '64'));
  const seed = Number(option(args, 'seed', String(Math.floor(Math.random() * 2 ** 31))));
  if (!(Number.isInteger(messages) && messages > 0 && Number.isInteger(seed) && Number.isInteger(size) && size > 0 && size <= 60_000)) throw new UsageError('--messages, --size and --seed are positive integers (size at most 60000)');
  // A preset's non-repudiation writes to a fresh temporary proof file, not to the working directory.
  const proofs = join(mkdtempSync(join(tmpdir(), 'seccomm-run-')), 'proofs.jsonl');
  const composition: ResolvedComposition = { ...r, microProtocols: r.microProtocols.map((m) => (m.class === 'non-repudiation' && (preset || typeof m.params['file'] !== 'string') ? { ...m, params: { ...m.params, file: proofs } } : m)) };
  const summary = runScenario(composition, { messages, adversary: adversary as AttackKind, seed, size, engine: engineByName(option(args, 'engine', 'noble')) });
  out(JSON.stringify({ ...summary, ...(composition.microProtocols.some((m) => m.class === 'non-repudiation') ? { proofs: composition.microProtocols.find((m) => m.class === 'non-repudiation')?.params['file'] } : {}) }));
}
