import { InitialSchema1795219200000 } from './1795219200000-InitialSchema.js';
import { SeedSystemRoles1795219200001 } from './1795219200001-SeedSystemRoles.js';
import { UserListIndexes1795219400000 } from './1795219400000-UserListIndexes.js';
import { UserCounts1795219400001 } from './1795219400001-UserCounts.js';
import { AuditAppendOnlyAndCheckpoints1795219600000 } from './1795219600000-AuditAppendOnlyAndCheckpoints.js';
import { LoginLockouts1795219700000 } from './1795219700000-LoginLockouts.js';
import { StarterApiUserRole1795219750000 } from './1795219750000-StarterApiUserRole.js';
import { AuditKeyedChain1795219800000 } from './1795219800000-AuditKeyedChain.js';
import { UserSearchPrefixIndexes1795219850000 } from './1795219850000-UserSearchPrefixIndexes.js';
import { ApiTokenRotation1795219900000 } from './1795219900000-ApiTokenRotation.js';
import { TwoFactorAuthentication1795219950000 } from './1795219950000-TwoFactorAuthentication.js';
import { UserSearchCoveringPrefixIndexes1795220000000 } from './1795220000000-UserSearchCoveringPrefixIndexes.js';
import { LoginLockoutReserveFunction1795220050000 } from './1795220050000-LoginLockoutReserveFunction.js';
import { AuditChainTailFunction1795220100000 } from './1795220100000-AuditChainTailFunction.js';
import { LoginLockoutSucceededAnswers1795220150000 } from './1795220150000-LoginLockoutSucceededAnswers.js';

/** In order. Listed explicitly so the same list serves the app, the CLI and a host application. */
export const IAM_MIGRATIONS = [
  InitialSchema1795219200000,
  SeedSystemRoles1795219200001,
  UserListIndexes1795219400000,
  UserCounts1795219400001,
  AuditAppendOnlyAndCheckpoints1795219600000,
  LoginLockouts1795219700000,
  StarterApiUserRole1795219750000,
  AuditKeyedChain1795219800000,
  UserSearchPrefixIndexes1795219850000,
  ApiTokenRotation1795219900000,
  TwoFactorAuthentication1795219950000,
  UserSearchCoveringPrefixIndexes1795220000000,
  LoginLockoutReserveFunction1795220050000,
  AuditChainTailFunction1795220100000,
  LoginLockoutSucceededAnswers1795220150000,
];
