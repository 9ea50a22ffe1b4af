import type { Kysely } from 'kysely';
import type { City, CityData, StatusOverride, YearlyCommentary } from '../core/city/city.ts';
import { LRUCache } from 'lru-cache';
import type { KpiPageParts } from '../summaries/kpi-page.model.ts';
import type { Database } from '../storage/database.ts';
import { bumpCityRevision, cityRevision, kpiPagesStaleCityIds, notifyCityChanged, staleSummaryCityIds } from '../summaries/summary.repository.ts';
import { refreshCitySummaries, refreshKpiPages, type RenderedKpiPages } from '../summaries/summary.service.ts';
import { listCities, loadCityView, loadKpiView } from './city-data.service.ts';
import { markStable } from '../cities/city-view-memo.ts';
import { approximateCityBytes } from '../core/city/city-size.ts';
import { cityYearsWithData, kpiDecorations, loadStaffDecorations, publicView, yearsWithData, type StaffCityData } from '../review/publication.service.ts';

/**
 * The bytes of heap each of the store's two caches (staff and public views) may hold, by
 * {@link approximateCityBytes}: a generated city of 258 KPIs with ten years of actuals is about
 * 1.7 MB, so each holds some 30–40 such cities, and every city of a one-city installation.
 */
export const CITY_CACHE_BYTES = 48 * 1024 * 1024;

/** What a city counts while it is being read (its size is known once it is loaded). */
const LOADING_BYTES = 64 * 1024;

/**
 * Bytes (estimated) of one-KPI views kept by {@link CityDataStore.getKpi}: a KPI with ten years
 * of actuals and its city's documents is some tens of KB, so a few hundred KPI pages of cities
 * not held in memory answer again without reading the database.
 */
export const KPI_VIEW_BYTES = 32 * 1024 * 1024;

/**
 * A step that completes a city's data on load (e.g. platform-computed actuals of bound KPIs).
 * `kpisOf` names the KPIs (slugs) it may change in a city, so a one-KPI view can run it over
 * just those; a deriver without it makes every one-KPI view load the whole city.
 */
export interface CityDeriver {
  readonly derive: (data: CityData) => Promise<CityData>;
  readonly kpisOf?: (cityId: string) => Promise<readonly string[]>;
}

/**
 * Renders a KPI's public page in every language from its city's public view, for the city's
 * summaries (summaries/kpi-page.model.ts). `keyOf` names everything the page is rendered from
 * (a hash: equal keys, equal pages, for one version of the code), undefined for a KPI not in the
 * view; `render` gives its pages (none for such a KPI).
 */
export interface KpiPageRenderer {
  keyOf(data: CityData, kpiId: string): string | undefined;
  render(data: CityData, kpiId: string): readonly KpiPageParts[];
}

/** KPIs whose pages {@link CityDataStore.kpiPagesOf} renders before it lets other work run (some milliseconds). */
const KPI_PAGES_PER_TURN = 4;

/** The PostgreSQL notification channel on which a process announces a written city (payload: its id). */
export const CHANGE_CHANNEL = 'michishirube_city_changed';

/**
 * Read access to cities for the web and the CLI, cached in memory: a city's data is loaded
 * once and kept until a write to it calls {@link CityDataStore.invalidate}.
 *
 * {@link get} returns what the public may see (the actuals of unpublished years left out, the
 * secretariat's status overrides and the yearly commentaries attached); {@link getStaff} returns
 * everything, for the staff area only.
 */
export class CityDataStore {
  // Cities kept in memory: the most recently used ones, at most CITY_CACHE_BYTES of each view, so
  // memory stays bounded whatever the number and size of the cities an installation hosts
  // (issue 11.1). A city counts LOADING_BYTES while it is read, then its estimated size.
  private readonly staffCache: LRUCache<string, Promise<StaffCityData | null>>;
  private readonly publicCache: LRUCache<string, Promise<CityData | null>>;
  private cities: Promise<City[]> | null = null;
  /** Bumped on every invalidation, so caches built on top (rendered pages) know to drop. */
  version = 0;
  /** Per city: bumped when that city changes (here or, through the database, in another process). */
  private readonly cityVersions = new Map<string, number>();
  /**
   * Bumped when what the cross-city pages show may have changed: when a city is forgotten (a
   * write; the compare page then reads that city whole until its summaries are rebuilt) and again
   * once its summaries are rebuilt (never only before, so a page rendered in between is dropped too).
   */
  crossCityVersion = 0;
  /** The change signal of each written city, one at a time per store, in write order. */
  private changes: Promise<void> = Promise.resolve();
  /** The revision bumps of every write so far (each started at once, never queued behind a rebuild). */
  private bumps: Promise<void> = Promise.resolve();
  private readonly pendingCities = new Set<string>();
  /** Per city: change signals queued or running (the summaries are older than the data until they finish). */
  private readonly unsettled = new Map<string, number>();
  /** What a failed change signal is reported to (the console by default). */
  onSignalError: (e: unknown) => void = (e) => console.error('michishirube: updating the summaries failed:', e);

  /** Steps run on every load after the stored data is read (the partner platform's KPI counts). */
  private readonly derivers: CityDeriver[] = [];
  /** What renders a KPI's page for the city's summaries, and the version of the code that does ({@link renderKpiPagesWith}); none by default. */
  private kpiPageRenderer: { readonly renderer: KpiPageRenderer; readonly version: string } | undefined;
  /**
   * One-KPI public views of cities not held here ({@link getKpi}), keyed by city, KPI and the
   * city's version (a write bumps the version, so an entry of older data is never asked for
   * again and ages out). Bounded in estimated bytes.
   */
  private readonly kpiViews = new LRUCache<string, CityData>({ maxSize: KPI_VIEW_BYTES, maxEntrySize: KPI_VIEW_BYTES / 8 });
  /**
   * One-KPI reads in flight, by the same key as {@link kpiViews}: concurrent first requests for a
   * KPI (a link shared widely) share one read. Each entry leaves when its read ends, so at most
   * one per request in flight.
   */
  private readonly kpiLoads = new Map<string, Promise<CityData | null>>();
  /**
   * Per city and version (the key of {@link kpiViews} without the KPI): the KPIs the derivers feed
   * ({@link CityDeriver.kpisOf}), so another KPI page of the city reads them no more. A write
   * bumps the version, as for the views. Bounded in estimated bytes (a city binds a few KPIs).
   */
  private readonly derivedKpis = new LRUCache<string, Promise<ReadonlySet<string>>>({ maxSize: 1024 * 1024, sizeCalculation: (_v, key) => key.length * 2 + 256 });
  /**
   * The version of every city not in `cityVersions` (never written here): bumped when everything
   * is forgotten ({@link forget} without a city), so the pages and one-KPI views kept of such a
   * city before then (or read while it happened) are never asked for again.
   */
  private unwrittenVersion = 0;
  /**
   * The city's revision in the database (`city_revisions.revision`) read before each staff and
   * public view held here was loaded: the view holds every write up to it (a write bumps the
   * revision after its data is committed). A rebuild of the summaries marks them with a revision
   * only from a view that holds it ({@link getAtRevision}).
   */
  private readonly loadedRevisions = new WeakMap<object, number>();

  /** `cacheBytes`: the budget of each view's cache ({@link CITY_CACHE_BYTES} by default; tests pass less). */
  constructor(
    readonly db: Kysely<Database>,
    options: { readonly cacheBytes?: number } = {},
  ) {
    const bounds = { maxSize: options.cacheBytes ?? CITY_CACHE_BYTES, sizeCalculation: () => LOADING_BYTES };
    this.staffCache = new LRUCache(bounds);
    this.publicCache = new LRUCache(bounds);
  }

  /**
   * Adds a step that completes a city's data on load (e.g. platform-computed actuals of bound
   * KPIs): a function, or a {@link CityDeriver} that names the KPIs it changes.
   */
  addDeriver(derive: CityDeriver | ((data: CityData) => Promise<CityData>)): void {
    this.derivers.push(typeof derive === 'function' ? { derive } : derive);
  }

  /**
   * Makes the summaries this store rebuilds keep each public KPI's page (summaries/kpi-page.model.ts):
   * `render` gives a KPI's page in every language from the city's public view, or none for a KPI
   * not in it. Set once by the app context (web and CLI alike), so every process that rebuilds a
   * city's summaries writes its KPI pages; a store without one writes none (those pages are read
   * as before). `version` names the code that renders (src/source-version.ts): pages are read
   * only by processes of that version ({@link kpiPageVersion}).
   */
  renderKpiPagesWith(renderer: KpiPageRenderer, version: string): void {
    this.kpiPageRenderer = { renderer, version };
  }

  /** The version of the code whose kept KPI pages this process may serve; undefined without a renderer (it serves none). */
  get kpiPageVersion(): string | undefined {
    return this.kpiPageRenderer?.version;
  }

  /**
   * The pages of a city's public KPIs to keep with its summaries ({@link renderKpiPagesWith}),
   * from its public view `data`: each KPI's input key, and the pages of those whose key is not
   * the one in `previous` (the keys kept now), rendered; undefined without a renderer, or when a
   * deriver may change any KPI; never those of KPIs a deriver feeds (the partner platform's bound
   * KPIs count today's activities, so their pages are read as before). Renders a few KPIs at a
   * time and lets other work run in between (a city of 300 KPIs is some 600 pages: the rebuild
   * runs in the serving process after a write). A KPI whose page fails to render is left out
   * (no row: its page is read as before), the error given to {@link onSignalError}.
   */
  async kpiPagesOf(data: CityData, previous: ReadonlyMap<string, string> = new Map()): Promise<RenderedKpiPages | undefined> {
    if (!this.kpiPageRenderer || this.derivers.some((d) => !d.kpisOf)) return undefined;
    const { renderer, version } = this.kpiPageRenderer;
    const derived = await this.derivedKpisOf(data.city.id);
    const keys = new Map<string, string>();
    const pages: KpiPageParts[] = [];
    let rendered = 0;
    for (const kpi of data.kpis) {
      if (derived.has(kpi.id)) continue;
      // A page that fails to render keeps no row (it is read as before, and fails there as it
      // would have): the city's other pages and the rest of its summaries still land.
      try {
        const key = renderer.keyOf(data, kpi.id);
        if (key === undefined) continue;
        if (previous.get(kpi.id) !== key) {
          pages.push(...renderer.render(data, kpi.id));
          if (++rendered % KPI_PAGES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        keys.set(kpi.id, key);
      } catch (e) {
        this.onSignalError(new Error(`michishirube: the KPI page of ${data.city.id}/${kpi.id} failed to render`, { cause: e }));
      }
    }
    return { renderedBy: version, keys, pages };
  }

  listCities(): Promise<City[]> {
    this.cities ??= listCities(this.db);
    return this.cities;
  }

  /** A city's public data (unpublished years removed), or null for an unknown city. */
  get(cityId: string): Promise<CityData | null> {
    let p = this.publicCache.get(cityId);
    if (!p) {
      // Never changed once loaded: pages may keep figures computed from it (city-view-memo.ts).
      p = this.getStaff(cityId).then((s) => {
        if (!s) return null;
        const view = markStable(publicView(s));
        this.loadedRevisions.set(view, this.loadedRevisions.get(s) ?? 0);
        return view;
      });
      this.publicCache.set(cityId, p);
      sizeOnLoad(this.publicCache, cityId, p, (d) => d);
    }
    return p;
  }

  /**
   * A city's public data (as {@link get}) holding every write up to `revision` of the city
   * (`city_revisions.revision`), or null for an unknown city: the view held here when it was
   * loaded at that revision or later, else the city read again (and held instead). A process
   * holds a city until another process's write is announced to it (after that process rebuilt
   * the city's summaries), so a rebuild here must not take the held view for the revision it
   * read: it would mark summaries fresh that miss the other write, and the other process's
   * rebuild of that revision would then be refused as not newer.
   */
  async getAtRevision(cityId: string, revision: number): Promise<CityData | null> {
    const p = this.get(cityId);
    const data = await p;
    if (!data || (this.loadedRevisions.get(data) ?? 0) >= revision) return data;
    // Loaded before that revision: drop it (unless a newer load replaced it meanwhile) and read the city again.
    if (this.publicCache.peek(cityId) === p) {
      this.publicCache.delete(cityId);
      this.staffCache.delete(cityId);
    }
    return this.get(cityId);
  }

  /** Whether this process holds the city's public data (loaded or loading): a read of it costs no query. Does not touch its recency. */
  holds(cityId: string): boolean {
    return this.publicCache.has(cityId);
  }

  /**
   * The public view of a city for the pages of one KPI (its page, chart, embed and API): the
   * city's public data when it is held here (as {@link get}), else a view read for that KPI only
   * (see `loadKpiView`): the city, its documents and published years, the KPI with exactly
   * what {@link get} would give it (reviews, overrides, yearly commentaries, deriver results, its
   * plan uses and their narratives), and `unpublishedYears` of the whole city; the other KPIs are
   * absent. Null for an unknown city; a KPI the public cannot see (unknown, another city's,
   * retired, hidden by an archived node) is absent from `kpis`. A view is kept per city version
   * (bounded, {@link KPI_VIEW_BYTES}) and never changed (pages may memoise on it).
   */
  async getKpi(cityId: string, kpiId: string): Promise<CityData | null> {
    if (this.publicCache.has(cityId) || this.staffCache.has(cityId) || this.derivers.some((d) => !d.kpisOf)) return this.get(cityId);
    const key = `${cityId}\u0000${kpiId}\u0000${this.cityVersion(cityId)}`;
    const kept = this.kpiViews.get(key);
    if (kept) return kept;
    let loading = this.kpiLoads.get(key);
    if (!loading) {
      // The key names the city's version when the read starts: a write (or a forget) landing
      // meanwhile bumps it, so what this read saw is never asked for after the write.
      loading = this.loadKpi(cityId, kpiId).then((view) => {
        // Only views of a KPI the public sees are kept: made-up ids in URLs never fill the cache.
        if (view && view.kpis.length > 0) this.kpiViews.set(key, view, { size: approximateCityBytes(view) + key.length * 2 });
        return view;
      });
      this.kpiLoads.set(key, loading);
      const done = () => {
        if (this.kpiLoads.get(key) === loading) this.kpiLoads.delete(key);
      };
      loading.then(done, done);
    }
    return loading;
  }

  /** Everything of a city, unpublished actuals included, with the years withheld: staff pages only. */
  getStaff(cityId: string): Promise<StaffCityData | null> {
    let p = this.staffCache.get(cityId);
    if (!p) {
      p = this.load(cityId);
      this.staffCache.set(cityId, p);
      sizeOnLoad(this.staffCache, cityId, p, (s) => s.data);
    }
    return p;
  }

  /** The estimated bytes each view's cache holds now (at most the budget given to the constructor). */
  heldBytes(): { staff: number; public: number } {
    return { staff: this.staffCache.calculatedSize, public: this.publicCache.calculatedSize };
  }

  /** The version of one city's cached pages: changes whenever that city is written. */
  cityVersion(cityId: string): number {
    return this.cityVersions.get(cityId) ?? this.unwrittenVersion;
  }

  /**
   * After a write to a city: forgets what was cached of it here, bumps its revision in the
   * database at once and tells other processes (PostgreSQL NOTIFY on {@link CHANGE_CHANNEL};
   * {@link revisionsBumped}), then, in the background and in write order, rebuilds its summaries
   * and tells other processes again (the pages across cities change then). Without a city, forgets
   * everything cached here (no database signal). {@link settled} waits for the signals.
   */
  invalidate(cityId?: string): void {
    this.forget(cityId);
    if (cityId) this.signal(cityId);
  }

  /**
   * Forgets a city's cached data in this process only: after a write here, or one another
   * process announced (PostgreSQL NOTIFY, once when its revision is bumped and again once its
   * summaries are rebuilt). Without a city,
   * forgets everything (a lost notification connection may have lost changes).
   */
  forget(cityId?: string): void {
    if (cityId) {
      this.staffCache.delete(cityId);
      this.publicCache.delete(cityId);
      this.cityVersions.set(cityId, this.cityVersion(cityId) + 1);
      // Cross-city pages kept before now may show this city (the compare page of its data): they
      // are dropped too, not only once its summaries are rebuilt (see crossCityVersion).
      this.crossCityVersion++;
    } else {
      this.staffCache.clear();
      this.publicCache.clear();
      this.kpiViews.clear();
      this.derivedKpis.clear();
      // Every city's version moves, those never written here too (a version only ever grows).
      this.unwrittenVersion++;
      for (const id of this.cityVersions.keys()) this.cityVersions.set(id, this.cityVersion(id) + 1);
      this.crossCityVersion++;
    }
    this.cities = null;
    this.version++;
  }

  /** Resolves once every change signalled so far has reached the database (revision, summaries, notification). */
  settled(): Promise<void> {
    return this.changes;
  }

  /**
   * Resolves once the revision of every city written so far in this process has been bumped in
   * the database (one statement per write, never queued behind a rebuild; failures are reported
   * to {@link onSignalError}, never thrown). From then on every process sees the city's
   * summaries as older than its data (`summarized_revision < revision`) and answers its own
   * pages from the data until the rebuild lands, so a write's response waits for this before it
   * is returned (web/app.tsx): another process never shows a page older than a write whose
   * response was returned.
   */
  revisionsBumped(): Promise<void> {
    return this.bumps;
  }

  /**
   * Rebuilds the summaries of cities whose data is newer than them (first start after the
   * migration, a process that stopped mid-way). Returns how many cities were rebuilt.
   */
  async catchUpSummaries(): Promise<number> {
    let n = 0;
    for (const cityId of await staleSummaryCityIds(this.db)) if (await refreshCitySummaries(this.db, this, cityId)) n++;
    if (n > 0) this.crossCityVersion++;
    return n;
  }

  /**
   * Renders the KPI pages of the cities whose summaries are as new as their data but whose pages
   * another version of the code rendered, or none (after a deploy, or migration 2026_12_04_1101):
   * until then their KPI pages are read from the KPI's view, as before. One city at a time, a few
   * KPIs a turn, until `stopped()` is true. A city written meanwhile is left to its own rebuild;
   * one that fails is reported ({@link onSignalError}) and the next taken. Returns how many cities
   * got their pages.
   */
  async catchUpKpiPages(stopped: () => boolean = () => false): Promise<number> {
    const version = this.kpiPageVersion;
    if (version === undefined) return 0;
    let n = 0;
    for (const cityId of await kpiPagesStaleCityIds(this.db, version)) {
      if (stopped()) break;
      // One city that fails (reported) leaves the others to be caught up.
      try {
        if (await refreshKpiPages(this.db, this, cityId)) n++;
      } catch (e) {
        this.onSignalError(e);
      }
    }
    return n;
  }

  /**
   * Runs {@link catchUpKpiPages} in the background (a serving process, so a start never waits for
   * some hundred thousand pages), telling `done` how many cities it rendered and in how many
   * seconds when any; an error goes to the store's error report. The function returned stops it
   * after the city in hand and resolves once it has stopped.
   */
  startKpiPageCatchUp(done: (cities: number, seconds: number) => void = () => {}): () => Promise<void> {
    let stop = false;
    const started = performance.now();
    const running = this.catchUpKpiPages(() => stop).then(
      (n) => {
        if (n > 0) done(n, Math.round((performance.now() - started) / 100) / 10);
      },
      (e: unknown) => this.onSignalError(e),
    );
    return async () => {
      stop = true;
      await running;
    };
  }

  /**
   * Whether a write to the city made in this process has not yet reached its summaries (its
   * change signal is queued or running): a page read from the summaries now could miss it, so
   * the city's own pages take the full-city path (cities/city-pages.service.ts). Writes of other
   * processes show as `summarized_revision < revision` in the database instead.
   */
  summariesPending(cityId: string): boolean {
    return this.unsettled.has(cityId);
  }

  /**
   * `read()` of what the summaries hold for `cityIds`, or undefined when a write of this process
   * to one of them has not reached its summaries, before the read or by its end (the caller then
   * reads the cities' data). `read` itself answers undefined for summaries other processes left
   * stale (`summarized_revision < revision`).
   */
  async whileSummarised<T>(cityIds: readonly string[], read: () => Promise<T | undefined>): Promise<T | undefined> {
    const pending = () => cityIds.some((id) => this.summariesPending(id));
    if (pending()) return undefined;
    const found = await read();
    // A write of this process may have started while it read: then the data decide.
    return pending() ? undefined : found;
  }

  private signal(cityId: string): void {
    // Every write bumps its city's revision at once (the data is committed already): other
    // processes stop reading the city's summaries now, not after the rebuilds queued before it,
    // and are told now too, so they drop the city and its pages they keep (their page cache
    // knows nothing of the revision): a write's response waits for this (revisionsBumped).
    // They are told again once the summaries are rebuilt (the pages across cities change then).
    const bumped = bumpCityRevision(this.db, cityId)
      .then(() => notifyCityChanged(this.db, CHANGE_CHANNEL, cityId))
      .then(
        () => undefined,
        (e: unknown) => this.onSignalError(e),
      );
    this.bumps = Promise.all([this.bumps, bumped]).then(() => undefined);
    // Several writes to one city before the signal runs need one rebuild.
    if (this.pendingCities.has(cityId)) return;
    this.pendingCities.add(cityId);
    this.unsettled.set(cityId, (this.unsettled.get(cityId) ?? 0) + 1);
    this.changes = this.changes.then(async () => {
      this.pendingCities.delete(cityId);
      try {
        // The rebuild reads the revision after every bump so far (those of writes it covers too).
        await this.bumps;
        await refreshCitySummaries(this.db, this, cityId);
        this.crossCityVersion++;
        await notifyCityChanged(this.db, CHANGE_CHANNEL, cityId);
      } catch (e) {
        this.onSignalError(e);
      } finally {
        const n = (this.unsettled.get(cityId) ?? 1) - 1;
        if (n > 0) this.unsettled.set(cityId, n);
        else this.unsettled.delete(cityId);
      }
    });
  }

  /** The data as every deriver completes it, in the order they were added. */
  private async derived(data: CityData): Promise<CityData> {
    for (const d of this.derivers) data = await d.derive(data);
    return data;
  }

  /**
   * {@link getKpi}'s view read from the database: the KPI, what decorates it and the city's years
   * in one statement (`loadKpiView`), the unpublished years from the city's summaries when they
   * are as new as its data and no write of this process is still reaching them. When they are
   * not, or a deriver feeds some KPIs of the city (the partner platform's bound ones, which also
   * need today's counts), those KPIs are read too and the years are found from the stored data
   * ({@link cityYearsWithData}), as the whole city would give them.
   */
  private async loadKpi(cityId: string, kpiId: string): Promise<CityData | null> {
    const pendingBefore = this.summariesPending(cityId);
    const [derivedIds, first] = await Promise.all([this.derivedKpisOf(cityId), loadKpiView(this.db, cityId, [kpiId], true)]);
    if (!first) return null;
    const summaryYears = pendingBefore || this.summariesPending(cityId) ? null : first.rows.summaryUnpublishedYears;
    const others = [...derivedIds].filter((id) => id !== kpiId);
    const loaded = others.length === 0 ? first : await loadKpiView(this.db, cityId, [kpiId, ...others], true);
    if (!loaded) return null;
    // A deriver changes only the KPIs it names (CityDeriver.kpisOf): with none here, it has nothing to do.
    const data = derivedIds.size > 0 ? await this.derived(loaded.data) : loaded.data;
    const planIds = data.plans.filter((p) => p.nodes.length > 0 || p.narratives.length > 0).map((p) => p.id);
    const { publishedYears, heldYears, statusOverrides, yearlyCommentaries, reviews } = kpiDecorations(loaded.rows, kpiId, planIds);
    const unpublishedYears =
      summaryYears !== null && derivedIds.size === 0
        ? new Set(summaryYears)
        : unpublished(await cityYearsWithData(this.db, cityId, data.kpis.filter((k) => derivedIds.has(k.id))), heldYears, publishedYears);
    const kpi = withNotes({ ...data, kpis: data.kpis.filter((k) => k.id === kpiId), publishedRates: data.publishedRates.filter((r) => r.kpiId === kpiId) }, statusOverrides, yearlyCommentaries);
    const hiddenKpiIds = new Set([...loaded.hiddenKpiIds].filter((id) => id === kpiId));
    return markStable(publicView({ data: kpi, publishedYears, unpublishedYears, reviews, ...(hiddenKpiIds.size > 0 && { hiddenKpiIds }) }));
  }

  /** The KPIs (slugs) the derivers feed in a city, kept per city version (see {@link derivedKpis}); a failed read is not kept. */
  private derivedKpisOf(cityId: string): Promise<ReadonlySet<string>> {
    if (this.derivers.length === 0) return Promise.resolve(new Set());
    const key = `${cityId}\u0000${this.cityVersion(cityId)}`;
    let ids = this.derivedKpis.get(key);
    if (!ids) {
      const read = Promise.all(this.derivers.map((d) => d.kpisOf!(cityId))).then((lists): ReadonlySet<string> => new Set(lists.flat()));
      this.derivedKpis.set(key, read);
      read.catch(() => {
        if (this.derivedKpis.peek(key) === read) this.derivedKpis.delete(key);
      });
      ids = read;
    }
    return ids;
  }

  private async load(cityId: string): Promise<StaffCityData | null> {
    // Read before the data: the data then holds every write up to it (getAtRevision).
    const revision = await cityRevision(this.db, cityId);
    const loaded = await loadCityView(this.db, cityId, { withHistory: true });
    if (!loaded) return null;
    const data = await this.derived(loaded.data);
    const { publishedYears, heldYears, statusOverrides, yearlyCommentaries, reviews } = await loadStaffDecorations(this.db, cityId);
    const hiddenKpiIds = loaded.hiddenKpiIds;
    const full = withNotes(data, statusOverrides, yearlyCommentaries);
    const unpublishedYears = unpublished(yearsWithData(full), heldYears, publishedYears);
    const staff = markStable({ data: markStable(full), publishedYears, unpublishedYears, reviews, ...(hiddenKpiIds.size > 0 && { hiddenKpiIds }) });
    this.loadedRevisions.set(staff, revision);
    return staff;
  }
}

/** The data with the secretariat's status overrides and yearly commentaries attached (each absent when there is none). */
function withNotes(data: CityData, statusOverrides: readonly StatusOverride[], yearlyCommentaries: readonly YearlyCommentary[]): CityData {
  return { ...data, ...(statusOverrides.length > 0 && { statusOverrides }), ...(yearlyCommentaries.length > 0 && { yearlyCommentaries }) };
}

/** The years withheld from the public that hold data or are held by a round: those not published. */
function unpublished(yearsWithData: Iterable<number>, heldYears: ReadonlySet<number>, publishedYears: ReadonlySet<number>): Set<number> {
  return new Set([...yearsWithData, ...heldYears].filter((y) => !publishedYears.has(y)));
}

/**
 * Once a cached city has loaded, counts it at its estimated size (the cache may then drop the
 * least recently used cities); a failed load is dropped so the next request tries again. Only
 * while the entry is still this load (a write may have replaced or dropped it meanwhile).
 */
function sizeOnLoad<T>(cache: LRUCache<string, Promise<T | null>>, cityId: string, p: Promise<T | null>, dataOf: (loaded: T) => CityData): void {
  p.then(
    (loaded) => {
      if (!loaded || cache.peek(cityId) !== p) return;
      // Set again as a new entry: lru-cache keeps an entry's size when the same value is set
      // again, so only a delete and an add count the loaded size.
      cache.delete(cityId);
      cache.set(cityId, p, { size: approximateCityBytes(dataOf(loaded)) });
    },
    () => {
      if (cache.peek(cityId) === p) cache.delete(cityId);
    },
  );
}
