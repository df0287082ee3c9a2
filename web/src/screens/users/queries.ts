import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api';
import { toQuery, type UserListParams } from './useUserListParams';

/** Every query about users starts with this key, so one invalidation refreshes list, detail and hygiene. */
export const USERS_KEY = ['users'] as const;

export function useUserList(params: UserListParams) {
  const query = toQuery(params);
  return useQuery({
    queryKey: [...USERS_KEY, 'list', query],
    queryFn: () => unwrap(api.GET('/auth/api/users', { params: { query } })),
    // Paging and filtering keep the old rows until the new ones arrive, so the table doesn't flash.
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: number) {
  return useQuery({
    queryKey: [...USERS_KEY, 'one', id],
    queryFn: () => unwrap(api.GET('/auth/api/users/{id}', { params: { path: { id } } })),
  });
}

export function useRoles() {
  return useQuery({
    queryKey: ['roles'],
    queryFn: () => unwrap(api.GET('/auth/api/roles')),
    staleTime: 60_000,
  });
}
