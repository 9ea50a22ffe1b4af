/**
 * Synthetic cities for the national benchmark (issue 11.5): plan data files
 * (`michishirube-plan-data/1`, the format of data/seeds/) drawn from a seeded random generator,
 * so the same N and seed always give the same cities. Each city has 50–300 KPIs (uniform), each
 * KPI a baseline (2014年度), ten years of actuals (2015年度–2024年度) and a 2030年度 target, one
 * to three SDG targets, and sits in one SDGs future city plan of a few goals and policies.
 */
import { sdgTargets } from '../../src/core/sdg/sdg-framework.ts';
import type { CityDataFile } from '../../src/formats/plan-data/plan-data.schema.ts';

/** A small, fast, seeded generator (mulberry32): deterministic across runs and platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFECTURES: readonly (readonly [string, string])[] = [
  ['北海道', 'Hokkaido'], ['青森県', 'Aomori'], ['岩手県', 'Iwate'], ['宮城県', 'Miyagi'], ['秋田県', 'Akita'], ['山形県', 'Yamagata'],
  ['福島県', 'Fukushima'], ['茨城県', 'Ibaraki'], ['栃木県', 'Tochigi'], ['群馬県', 'Gunma'], ['埼玉県', 'Saitama'], ['千葉県', 'Chiba'],
  ['東京都', 'Tokyo'], ['神奈川県', 'Kanagawa'], ['新潟県', 'Niigata'], ['富山県', 'Toyama'], ['石川県', 'Ishikawa'], ['福井県', 'Fukui'],
  ['山梨県', 'Yamanashi'], ['長野県', 'Nagano'], ['岐阜県', 'Gifu'], ['静岡県', 'Shizuoka'], ['愛知県', 'Aichi'], ['三重県', 'Mie'],
  ['滋賀県', 'Shiga'], ['京都府', 'Kyoto'], ['大阪府', 'Osaka'], ['兵庫県', 'Hyogo'], ['奈良県', 'Nara'], ['和歌山県', 'Wakayama'],
  ['鳥取県', 'Tottori'], ['島根県', 'Shimane'], ['岡山県', 'Okayama'], ['広島県', 'Hiroshima'], ['山口県', 'Yamaguchi'], ['徳島県', 'Tokushima'],
  ['香川県', 'Kagawa'], ['愛媛県', 'Ehime'], ['高知県', 'Kochi'], ['福岡県', 'Fukuoka'], ['佐賀県', 'Saga'], ['長崎県', 'Nagasaki'],
  ['熊本県', 'Kumamoto'], ['大分県', 'Oita'], ['宮崎県', 'Miyazaki'], ['鹿児島県', 'Kagoshima'], ['沖縄県', 'Okinawa'],
];

/** KPI themes: a name stem (searchable words), its English, its unit and direction. */
const THEMES: readonly { readonly ja: string; readonly en: string; readonly unit: string; readonly down?: true; readonly scale: number }[] = [
  { ja: '市民農園の利用者数', en: 'Users of community gardens', unit: '人', scale: 2000 },
  { ja: '再生可能エネルギーの導入量', en: 'Renewable energy installed', unit: 'kW', scale: 50000 },
  { ja: '温室効果ガス排出量', en: 'Greenhouse gas emissions', unit: 't-CO2', down: true, scale: 900000 },
  { ja: '新規創業者数', en: 'New business founders', unit: '社', scale: 400 },
  { ja: '観光入込客数', en: 'Tourist visits', unit: '人', scale: 3000000 },
  { ja: '子育て支援拠点の利用者数', en: 'Users of childcare support centres', unit: '人', scale: 30000 },
  { ja: '特定健診の受診率', en: 'Health check-up uptake', unit: '%', scale: 60 },
  { ja: 'ごみの排出量', en: 'Household waste', unit: 't', down: true, scale: 80000 },
  { ja: '図書館の貸出冊数', en: 'Library loans', unit: '冊', scale: 900000 },
  { ja: '移住者数', en: 'Newcomers', unit: '人', scale: 1500 },
  { ja: '森林整備面積', en: 'Forest area maintained', unit: 'ha', scale: 1200 },
  { ja: '公共交通の利用者数', en: 'Public transport passengers', unit: '人', scale: 5000000 },
  { ja: '女性管理職の割合', en: 'Women in management', unit: '%', scale: 30 },
  { ja: '防災訓練の参加者数', en: 'Disaster drill participants', unit: '人', scale: 20000 },
  { ja: '空き家の活用件数', en: 'Vacant houses reused', unit: '件', scale: 300 },
  { ja: 'SDGsパートナーの登録数', en: 'Registered SDGs partners', unit: '団体', scale: 500 },
];

const NODE_TITLES = ['経済', '社会', '環境', '教育', '健康', '交通', '防災', '文化'];

/** The ids of the generated cities, in order: `city-0001`, `city-0002`, …. */
export function cityIdOf(index: number): string {
  return `city-${String(index + 1).padStart(4, '0')}`;
}

/** One generated city: its plan data file and the ids the benchmark visits. */
export interface GeneratedCity {
  readonly file: CityDataFile;
  readonly id: string;
  readonly planId: string;
  readonly kpiIds: readonly string[];
}

/**
 * The `index`-th city of a run seeded with `seed` (each city has its own stream, so city k is
 * the same whatever N is). Figures are printed with their unit ("1,234 人"), as cities print them.
 */
export function generateCity(index: number, seed = 20261130): GeneratedCity {
  const rnd = seededRandom(seed * 7919 + index * 104729);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const id = cityIdOf(index);
  const [prefecture, prefectureEn] = PREFECTURES[index % PREFECTURES.length]!;
  const no = String(index + 1).padStart(4, '0');
  const kpiCount = int(50, 300);
  const planId = `${id}-sdgs-plan`;
  const printed = (v: number, unit: string, decimals: number) =>
    `${v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })} ${unit}`;

  const kpis: CityDataFile['kpis'] = [];
  for (let k = 0; k < kpiCount; k++) {
    const theme = pick(THEMES);
    const decimals = theme.unit === '%' ? 1 : 0;
    const base = theme.scale * (0.3 + rnd());
    const down = theme.down === true;
    const goal = base * (down ? 0.5 + rnd() * 0.3 : 1.2 + rnd() * 0.8);
    const round = (v: number) => Number(Math.max(0, v).toFixed(decimals));
    const observations = [];
    for (let y = 0; y < 10; y++) {
      const trend = base + ((goal - base) * (y + 1) * (0.4 + rnd() * 0.8)) / 16;
      observations.push({ at: `${2015 + y}年度`, value: printed(round(trend * (0.95 + rnd() * 0.1)), theme.unit, decimals) });
    }
    const targets = [...new Set(Array.from({ length: int(1, 3) }, () => pick(sdgTargets).id))];
    kpis.push({
      id: `kpi-${k + 1}`,
      name: `${theme.ja}（${no}-${k + 1}）`,
      nameEn: `${theme.en} (${no}-${k + 1})`,
      unit: theme.unit,
      sdgTargets: targets,
      side: pick(['economy', 'society', 'environment', 'none'] as const),
      aggregation: 'snapshot',
      direction: down ? 'down' : 'up',
      method: 'progress-from-baseline',
      baseline: { at: '2014年度', value: printed(round(base), theme.unit, decimals) },
      observations,
      targets: [{ id: '2030', at: '2030年度', value: printed(round(goal), theme.unit, decimals), revisions: [] }],
      publishedRates: [],
    });
  }

  // Goals (sections) with policies under them; the KPIs spread over the policies in order.
  const goalCount = int(3, 6);
  const nodes: CityDataFile['plans'][number]['nodes'] = [];
  let next = 0;
  for (let g = 0; g < goalCount; g++) {
    const policies = int(2, 4);
    const children = [];
    for (let p = 0; p < policies; p++) {
      const isLast = g === goalCount - 1 && p === policies - 1;
      const share = isLast ? kpiCount - next : Math.min(kpiCount - next, Math.ceil(kpiCount / (goalCount * policies)));
      const rows = kpis.slice(next, next + share).map((k, i) => ({ kpi: k.id, no: String(next + i + 1), target: '2030' }));
      next += share;
      children.push({ kind: 'policy' as const, code: `${g + 1}-${p + 1}`, title: `${NODE_TITLES[(g + p) % NODE_TITLES.length]}の施策 ${g + 1}-${p + 1}`, children: [], kpis: rows });
    }
    nodes.push({ kind: 'goal', code: String(g + 1), title: `${NODE_TITLES[g % NODE_TITLES.length]}の目標 ${g + 1}`, children, kpis: [] });
  }

  const file: CityDataFile = {
    format: 'michishirube-plan-data/1',
    city: { id, name: `試験市${no}`, nameEn: `Test City ${no}`, prefecture, prefectureEn, sdgsFutureCitySince: int(2018, 2024), population: int(3000, 900000) },
    documents: [{ id: `${id}-report-2025`, title: '進捗状況報告書（合成データ）', published: '2025-06' }],
    kpis,
    plans: [
      {
        id: planId,
        kind: 'sdgs-future-city',
        title: `試験市${no} SDGs未来都市計画`,
        titleEn: `Test City ${no} SDGs Future City Plan`,
        period: '2021年度～2030年度',
        vision: '持続可能なまち',
        versions: [{ label: '策定', kind: 'adopted', date: '2021-04' }],
        nodes,
        narratives: [],
      },
    ],
  };
  return { file, id, planId, kpiIds: kpis.map((k) => k.id) };
}
