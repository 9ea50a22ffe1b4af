import type { City, OpenDataLicence } from '../core/city/city.ts';
import type { BilingualText } from '../core/bilingual.ts';

/** A licence as files and pages state it. */
export interface LicenceInfo {
  /** SPDX-like identifier ('CC-BY-4.0', 'PDL-1.0'). */
  readonly id: OpenDataLicence;
  /** Its full name, in Japanese and English. */
  readonly title: BilingualText;
  /** Where the licence text is published. */
  readonly url: string;
}

const LICENCES: Readonly<Record<OpenDataLicence, LicenceInfo>> = {
  'CC-BY-4.0': {
    id: 'CC-BY-4.0',
    title: { ja: 'クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）', en: 'Creative Commons Attribution 4.0 International (CC BY 4.0)' },
    url: 'https://creativecommons.org/licenses/by/4.0/',
  },
  'PDL-1.0': {
    id: 'PDL-1.0',
    title: { ja: '公共データ利用規約（第1.0版）（PDL1.0）', en: 'Public Data License (Version 1.0) of the Government of Japan (PDL1.0)' },
    url: 'https://www.digital.go.jp/resources/open_data/public_data_license_v1.0',
  },
};

/**
 * The licence of a city's open data (issue 15.3): the one the city chose in its plan data file
 * (`city.openDataLicence`), CC BY 4.0 when it chose none (the licence 政府標準利用規約 and
 * most municipalities' open data use; PDL1.0 is compatible with it).
 */
export function licenceOf(city: Pick<City, 'openDataLicence'>): LicenceInfo {
  return LICENCES[city.openDataLicence ?? 'CC-BY-4.0'];
}
