/**
 * Figures computed from a city's data (every KPI's evaluation, a plan's report and roll-up, a
 * KPI's detail), kept beside the data they were computed from so each page of a city does not
 * evaluate all of its KPIs again on every request (issue 11.4).
 *
 * Only objects the city store hands out are memoised: the store loads a city's data once per
 * revision and never changes it afterwards, and a write gives the next request a new object
 * (the store forgets the old one), so what is kept here can never be older than the data it is
 * read with. The memo is keyed by that object in a WeakMap: it lives exactly as long as the
 * store (bounded in bytes to its most recently used cities, `CITY_CACHE_BYTES`) or a request still holds the
 * city, and is dropped with it. Objects not marked (data a command is building, a preview, a
 * test's literal) are computed afresh every time.
 */
const stable = new WeakSet<object>();
const memos = new WeakMap<object, Map<string, unknown>>();

/**
 * Marks an object as never changed after this call (the store's loaded city data), so
 * {@link memoized} may keep figures computed from it. Returns the object.
 */
export function markStable<T extends object>(data: T): T {
  stable.add(data);
  return data;
}

/** Whether an object was marked by {@link markStable} (or is a memoised result): never changed afterwards. */
export function isStable(owner: object): boolean {
  return stable.has(owner);
}

/**
 * `compute()` for `owner` and `key`, computed once per stable owner (see {@link markStable})
 * and afresh for any other object. A result that is an object counts as stable too: it is
 * shared by every later caller and must not be changed by them.
 */
export function memoized<T>(owner: object, key: string, compute: () => T): T {
  if (!stable.has(owner)) return compute();
  let memo = memos.get(owner);
  if (!memo) memos.set(owner, (memo = new Map()));
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  if (typeof value === 'object' && value !== null) stable.add(value);
  memo.set(key, value);
  return value;
}
