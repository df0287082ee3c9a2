import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../lib/api';

export type Permission = Schemas['PermissionResponseDto'];

export const ROLES_KEY = ['roles'] as const;

export function useRoles() {
  return useQuery({ queryKey: ROLES_KEY, queryFn: () => unwrap(api.GET('/auth/api/roles')) });
}

/** The permission catalog changes only with a deployment, so it is read once per visit. */
export function usePermissionCatalog() {
  return useQuery({
    queryKey: ['permissions'],
    queryFn: () => unwrap(api.GET('/auth/api/permissions')),
    staleTime: 10 * 60_000,
  });
}
