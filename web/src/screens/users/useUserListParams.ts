import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export type SortKey = 'username' | 'createdAt' | 'lastLoginAt';
export type Order = 'asc' | 'desc';
export const PAGE_SIZES = [10, 20, 50, 100] as const;

export interface UserListParams {
  search: string;
  role: string;
  /** '' (any), 'true' or 'false', as in the URL. */
  isActive: string;
  isApiUser: string;
  mfaEnabled: string;
  sort: SortKey | '';
  order: Order;
  page: number;
  pageSize: number;
}

const SORTS: SortKey[] = ['username', 'createdAt', 'lastLoginAt'];
const flag = (v: string | null) => (v === 'true' || v === 'false' ? v : '');

/**
 * The list's filters, sort and page live in the URL query, so back/forward and a shared link show the
 * same list. A change of filter goes back to page 1.
 */
export function useUserListParams() {
  const [sp, setSp] = useSearchParams();
  const params = useMemo<UserListParams>(() => {
    const sort = sp.get('sort') as SortKey | null;
    const size = Number(sp.get('pageSize'));
    const page = Number(sp.get('page'));
    return {
      search: sp.get('search') ?? '',
      role: sp.get('role') ?? '',
      isActive: flag(sp.get('isActive')),
      isApiUser: flag(sp.get('isApiUser')),
      mfaEnabled: flag(sp.get('mfaEnabled')),
      sort: sort && SORTS.includes(sort) ? sort : '',
      order: sp.get('order') === 'desc' ? 'desc' : 'asc',
      page: Number.isInteger(page) && page > 0 ? page : 1,
      pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : 20,
    };
  }, [sp]);

  const update = useCallback(
    (patch: Partial<UserListParams>) => {
      setSp((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === '' || v === undefined || v === null) next.delete(k);
          else next.set(k, String(v));
        }
        // Anything but the page itself moves back to the first page.
        if (!('page' in patch)) next.delete('page');
        if (next.get('page') === '1') next.delete('page');
        return next;
      });
    },
    [setSp],
  );

  const clear = useCallback(() => setSp(new URLSearchParams()), [setSp]);
  return { params, update, clear };
}

/** The API query for these params: only what is set. */
export function toQuery(p: UserListParams) {
  return {
    page: p.page,
    pageSize: p.pageSize,
    ...(p.search ? { search: p.search } : {}),
    ...(p.role ? { role: p.role } : {}),
    ...(p.isActive ? { isActive: p.isActive === 'true' } : {}),
    ...(p.isApiUser ? { isApiUser: p.isApiUser === 'true' } : {}),
    ...(p.mfaEnabled ? { mfaEnabled: p.mfaEnabled === 'true' } : {}),
    ...(p.sort ? { sort: p.sort, order: p.order } : {}),
  };
}

export const hasFilters = (p: UserListParams) =>
  !!(p.search || p.role || p.isActive || p.isApiUser || p.mfaEnabled);
