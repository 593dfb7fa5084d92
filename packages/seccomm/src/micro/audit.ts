/** SecurityAudit: records every securityAlert raised in the connection. */
import { sharedKey, type CompositeProtocol, type MicroProtocol } from '@conduits/core';
import { securityAlert, type SecurityAlert } from '../runtime/events.js';

export const AuditLog = sharedKey<SecurityAlert[]>('AuditLog', () => []);

export function securityAudit(): MicroProtocol {
  return {
    name: 'security-audit',
    start(c: CompositeProtocol) {
      c.runtime.bind(securityAlert, (a: SecurityAlert) => void c.shared.get(AuditLog).push(a), 0, null, 'security-audit');
    },
  };
}
