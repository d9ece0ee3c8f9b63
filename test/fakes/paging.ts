/** The fakes' one pager: a sorted list paged by position (the token is the next position), copies out. */
import type { Page, PageRequest } from '../../domain/shared/ports';

export function pageOfList<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = page.nextToken ? Number(page.nextToken) : 0;
  const end = start + page.limit;
  return { items: items.slice(start, end).map((i) => structuredClone(i)), ...(end < items.length ? { nextToken: String(end) } : {}) };
}
