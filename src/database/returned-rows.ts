/** The rows of an INSERT, UPDATE or DELETE … RETURNING, which TypeORM's postgres driver answers as rows or `[rows, affected]`. */
export function returnedRows<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}
