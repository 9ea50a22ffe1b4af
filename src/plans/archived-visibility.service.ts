/*
 * What an archived plan node hides from the public (issue 13.2: "archived items leave public
 * lists but keep their history"; issue 13 attack pass). An archived node — and its subtree, and
 * every node of an archived plan — is not shown on the public plan page; a KPI whose every plan
 * row sits in such a node is therefore held only by archived items and leaves the public pages
 * too: the KPI list, its page, the city's counts, open data and the API. A KPI in no plan at
 * all (a plan data file may list one) is not affected: nothing archived holds it.
 */

/**
 * The KPI ids (slugs) whose plan rows all sit under an archived node or in an archived plan.
 * `rows`: each live KPI's plan rows by node; `nodes`: every node of the city with its parent and
 * whether it, or its plan, is archived.
 */
export function kpisOnlyUnderArchived(rows: readonly { kpi: string; node_id: number }[], nodes: readonly { id: number; parent_id: number | null; archived: boolean }[]): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const hidden = new Map<number, boolean>();
  const isHidden = (id: number): boolean => {
    const known = hidden.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    // Walk up: a node is hidden when it or an ancestor is archived (a cycle cannot be stored; guard anyway).
    hidden.set(id, true);
    const result = !n || n.archived || (n.parent_id !== null && isHidden(n.parent_id));
    hidden.set(id, result);
    return result;
  };
  const live = new Set<string>();
  const placed = new Set<string>();
  for (const r of rows) {
    placed.add(r.kpi);
    if (!isHidden(r.node_id)) live.add(r.kpi);
  }
  return new Set([...placed].filter((k) => !live.has(k)));
}
