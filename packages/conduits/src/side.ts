/**
 * Sides of a conduit (Java Conduits §3.2). Every conduit has a side A and a side B; what
 * enters through one leaves through the other. By convention in this workspace A faces
 * the network (down) and B faces the application (up); adaptors have only side A.
 */
export type Side = 'A' | 'B';

export function opposite(side: Side): Side {
  return side === 'A' ? 'B' : 'A';
}
