import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SEED_DIR } from '../formats/plan-data/plan-data.file.ts';
import { findCityRow } from '../cities/city.repository.ts';
import type { Executor } from '../storage/database.ts';
import { hasDepartments, insertDepartments, listDepartments, listKpiOwners, setKpiOwner } from './department.repository.ts';
import { findKpiBySlug } from '../kpis/kpi.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { DepartmentRow } from '../storage/tables/staff.table.ts';

/** The department files shipped for the seed cities (`data/seeds/departments/<city>.json`). */
export const DEPARTMENT_SEED_DIR = join(SEED_DIR, 'departments');

/**
 * A department file: a city's departments and the KPIs each owns. `basis: "demo-assignment"`
 * says the assignments were made for the demo, because the published documents name none.
 */
const departmentFileSchema = z.object({
  city: z.string().min(1),
  basis: z.enum(['demo-assignment', 'staff']),
  note: z.string().optional(),
  departments: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
      name: z.string().min(1),
      nameEn: z.string().min(1).optional(),
      kpis: z.array(z.string().min(1)),
    }),
  ),
});

/**
 * Loads the department files of the cities that are stored and have no department yet (first
 * start after seeding). A file naming an unknown KPI is a broken seed file: it throws.
 */
export async function seedDepartmentsIfMissing(db: Executor, dir = DEPARTMENT_SEED_DIR): Promise<number> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return 0;
  }
  let seeded = 0;
  for (const f of files) {
    const file = departmentFileSchema.parse(JSON.parse(await readFile(join(dir, f), 'utf8')));
    if (!(await findCityRow(db, file.city)) || (await hasDepartments(db, file.city))) continue;
    await inStaffTransaction(db, async (trx) => {
      const rows = await insertDepartments(
        trx,
        file.departments.map((d, position) => ({ city_id: file.city, slug: d.id, position, name: d.name, name_en: d.nameEn ?? null })),
      );
      for (const [i, d] of file.departments.entries()) {
        for (const slug of d.kpis) {
          const kpi = await findKpiBySlug(trx, file.city, slug);
          if (!kpi) throw new Error(`department file ${f}: unknown KPI "${slug}" of ${file.city}`);
          await setKpiOwner(trx, kpi.id, rows[i]!.id, file.basis);
        }
      }
      await appendStaffChangeLog(trx, [
        { actor: 'seed', action: 'create', entity: 'department', entityId: file.city, cityId: file.city, new: file.departments.map((d) => ({ id: d.id, name: d.name, kpis: d.kpis })), reason: file.basis },
      ]);
    });
    seeded++;
  }
  return seeded;
}

/**
 * A department of a city (庁内関係課) as services and views see it: the view model of a
 * `departments` row (views never receive rows, docs/ARCHITECTURE.md).
 */
export interface Department {
  readonly id: number;
  readonly cityId: string;
  /** The department's id in the plan data file. */
  readonly slug: string;
  readonly position: number;
  readonly name: string;
  readonly nameEn: string | null;
}

/** The model of a `departments` row. */
export function toDepartment(row: DepartmentRow): Department {
  return { id: row.id, cityId: row.city_id, slug: row.slug, position: row.position, name: row.name, nameEn: row.name_en };
}

/** A city's departments (in their order). */
export async function listCityDepartments(db: Executor, cityId: string): Promise<Department[]> {
  return (await listDepartments(db, cityId)).map(toDepartment);
}

/** A city's departments with the slugs of the KPIs each owns. */
export interface DepartmentWithKpis extends Department {
  readonly kpiSlugs: readonly string[];
}

/** A city's departments and, per KPI slug, the owning department and whether it was assigned for the demo. */
export async function departmentsOf(db: Executor, cityId: string): Promise<{ departments: DepartmentWithKpis[]; ownerOf: Map<string, { department: Department; demo: boolean }> }> {
  const [departments, owners] = await Promise.all([listCityDepartments(db, cityId), listKpiOwners(db, cityId)]);
  const byId = new Map(departments.map((d) => [d.id, d]));
  const ownerOf = new Map<string, { department: Department; demo: boolean }>();
  for (const o of owners) ownerOf.set(o.kpi_slug, { department: byId.get(o.department_id)!, demo: o.basis === 'demo-assignment' });
  return {
    departments: departments.map((d) => ({ ...d, kpiSlugs: owners.filter((o) => o.department_id === d.id).map((o) => o.kpi_slug) })),
    ownerOf,
  };
}
