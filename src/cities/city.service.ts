import type { Executor } from '../storage/database.ts';
import { listCitiesForAdmin } from './city.repository.ts';

/** A city as the system administrator's list needs it (no database row leaves this module). */
export interface AdminCity {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly prefecture: string;
  readonly prefectureEn: string;
  readonly localGovernmentCode: string | null;
  readonly createdAt: Date;
}

/** Every stored city, oldest first, for the system administrator's page. */
export async function listAdminCities(db: Executor): Promise<AdminCity[]> {
  return (await listCitiesForAdmin(db)).map((r) => ({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    prefecture: r.prefecture,
    prefectureEn: r.prefecture_en,
    localGovernmentCode: r.local_government_code,
    createdAt: new Date(r.created_at),
  }));
}
