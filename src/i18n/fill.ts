/**
 * Fills the `{name}` placeholders of a catalog message; templates keep their own word order per
 * language. An unknown placeholder stays visible, so a missing variable is a bug one can see.
 */
export function fillMessage(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
