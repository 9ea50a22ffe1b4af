/**
 * The last instant of an ISO date of any precision (`2024`, `2024-09`, `2024-09-30`) in Japan
 * (Asia/Tokyo, UTC+9 all year: Japan has no daylight saving time), as an ISO instant
 * (`2024-09-30T14:59:59.999Z`). A document "published 2024-09" is known to have been out by
 * the end of September in Japan; anything entered in the system after that came later.
 */
export function endOfIsoDateInJapan(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number | undefined, number | undefined];
  const nextUtcMidnight = d !== undefined ? Date.UTC(y, m! - 1, d + 1) : m !== undefined ? Date.UTC(y, m, 1) : Date.UTC(y + 1, 0, 1);
  return new Date(nextUtcMidnight - 9 * 3_600_000 - 1).toISOString();
}
