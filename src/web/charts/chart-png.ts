import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { LRUCache } from 'lru-cache';

/*
 * A chart as a PNG (issue 15.4) without a browser: resvg (Rust, shipped prebuilt in the npm
 * package @resvg/resvg-js, nothing downloaded at install or run time) rasterises the SVG that
 * ECharts drew. Japanese labels need a CJK font: Debian's fonts-noto-cjk (installed by .ci/run,
 * as for the PDF sheets and Chromium); without it the system's fonts are searched.
 */

/** Noto Sans CJK JP as Debian's fonts-noto-cjk installs it (a collection holding the JP face). */
const CJK_FONT_FILES = ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'];

/** The fonts resvg loads: the CJK files when present (fast, about 50 ms), else every system font (slower). */
const fontFiles = CJK_FONT_FILES.filter((f) => existsSync(f));

/** Drawn PNGs by the SVG's hash, bounded in bytes: a chart is rasterised once per data version and language. */
const pngCache = new LRUCache<string, Buffer>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (png) => png.byteLength });

/**
 * The SVG as a PNG `scale` times its size (2: sharp on high-density screens and in print), on a
 * white background. Throws only on an SVG resvg cannot read (a bug: the SVG is ours).
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const key = `${scale} ${createHash('sha256').update(svg).digest('hex')}`;
  const cached = pngCache.get(key);
  if (cached) return cached;
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: fontFiles.length === 0, fontFiles, defaultFontFamily: 'Noto Sans CJK JP', sansSerifFamily: 'Noto Sans CJK JP' },
  });
  const png = resvg.render().asPng();
  pngCache.set(key, png);
  return png;
}
