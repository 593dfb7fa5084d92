/**
 * `@conduits/core/internal`: pieces the other packages of this workspace build on that a user
 * building protocols does not need (packet-path tables, guarded rxjs edges). No stability promise.
 */
export { AttributeTable } from '../attribute-table.js';
export { Edge, edge } from '../edge.js';
export { IntTable } from '../int-table.js';
