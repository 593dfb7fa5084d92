/** Bodies shared by leader and members: a key path and a membership list. */
import type { Reader } from '../codec/reader.js';
import type { Writer } from '../codec/writer.js';

export function writePath(w: Writer, path: readonly { node: number; key: Uint8Array }[]): Writer {
  w.u16(path.length);
  for (const p of path) w.u32(p.node).raw(p.key);
  return w;
}

export function readPath(r: Reader): { node: number; key: Uint8Array }[] | null {
  const n = r.u16();
  if (n > 64) return null;
  const out: { node: number; key: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) out.push({ node: r.u32(), key: Uint8Array.from(r.raw(32)) });
  return r.ok ? out : null;
}

/** The whole membership in one message (Dutertre: not one message per member). */
export function writeMembers(w: Writer, members: Iterable<[number, string]>): Writer {
  const list = [...members];
  w.u32(list.length);
  for (const [id, name] of list) w.u32(id).text(name);
  return w;
}

export function readMembers(r: Reader): [number, string][] | null {
  const n = r.u32();
  if (n > 1_000_000) return null;
  const out: [number, string][] = [];
  for (let i = 0; i < n && r.ok; i++) out.push([r.u32(), r.text()]);
  return r.ok ? out : null;
}
