import type { ResolvedMicroProtocol } from '../config/composition.js';

/** Does micro-protocol `m` act on a message in this direction (client→server is CS)? */
export function applies(m: ResolvedMicroProtocol, role: 'client' | 'server', outbound: boolean): boolean {
  if (m.direction === 'BOTH') return true;
  const flow = (role === 'client') === outbound ? 'CS' : 'SC';
  return m.direction === flow;
}
