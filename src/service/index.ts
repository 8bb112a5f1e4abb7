import { createAccessService } from './access.service.ts';
import { createAdminService } from './admin.service.ts';
import { createMailboxService } from './mailbox.service.ts';
import { createPlanService } from './plan.service.ts';
import { createProvisioningService } from './provisioning.service.ts';
import { createPendingService } from './pending.service.ts';
import { createForwarderService } from './forwarder.service.ts';
import { createLinkService } from './link.service.ts';
import { createImportService } from './import.service.ts';
import type { ServiceDeps } from './context.ts';

/** The one service every adapter shares: it enforces every rule, whatever the platform. */
export function createService(deps: ServiceDeps) {
  return {
    access: createAccessService(deps),
    mailboxes: createMailboxService(deps),
    plans: createPlanService(deps),
    admin: createAdminService(deps),
    provisioning: createProvisioningService(deps),
    pending: createPendingService(deps),
    forwarders: createForwarderService(deps),
    links: createLinkService(deps),
    imports: createImportService(deps),
  };
}

export type PopService = ReturnType<typeof createService>;

export {
  CONSOLE_ACTOR,
  systemClock,
  type Access,
  type Actor,
  type ServiceDeps,
  type ServiceSettings,
} from './context.ts';
export { describeError, type DomainError, type Result } from './errors.ts';
export { Secret } from './secret.ts';
export { cryptoRandom, createArgon2Hasher, MAX_PASSWORD_LENGTH, type Hasher } from './passwords.ts';
export { createStrengthJudge, type StrengthJudge } from './strength.ts';
export { compactAddress } from './names.ts';
export { isDatabaseUnavailable } from '../db/database.ts';
export type { IssuedPassword, LoginDetails } from './mailbox.service.ts';
