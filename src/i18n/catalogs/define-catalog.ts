/**
 * A message catalog of one area: Japanese first, English second, with the same keys (a missing
 * English key is a type error).
 */
export function defineCatalog<const J extends Record<string, string>>(catalog: { ja: J; en: Record<keyof J, string> }): { ja: J; en: Record<keyof J, string> } {
  return catalog;
}
