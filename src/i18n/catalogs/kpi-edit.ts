import { defineCatalog } from './define-catalog.ts';

/**
 * Editing a KPI's definition after creation and ordering KPI rows in a node (issue 13.2), and the
 * home page's prefecture grouping, filter and search (issue 13.1). Placeholders in braces are
 * filled by the caller.
 */
export const kpiEditCatalog = defineCatalog({
  ja: {
    'kpiEdit.title': '指標の定義を編集',
    'kpiEdit.intro': '指標名、単位、担当課、SDGsのターゲット、三側面、集計方法、望ましい方向、達成度の計算、当初値、定義、出典を編集できます。目標値は上の「目標値の修正」で理由とともに修正してください。',
    'kpiEdit.hasData': 'この指標には実績があります。単位・望ましい方向・達成度の計算・集計方法・当初値を変えるには理由が必要です。記録済みの実績値と目標値は換算されず、記録されたまま残ります。',
    'kpiEdit.reason': '変更の理由',
    'kpiEdit.reasonHint': '変更履歴に残ります。',
    'kpiEdit.error.reasonForFigures': 'この指標には実績があるため、単位・望ましい方向・達成度の計算・集計方法・当初値を変える理由を書いてください（記録済みの値は換算されません）',
    'kpiEdit.edit': '編集',
    'kpiEdit.moveUp': 'KPIを上へ',
    'kpiEdit.moveDown': 'KPIを下へ',
    'home.cities.search': '自治体名で探す',
    'home.cities.prefecture': '都道府県',
    'home.cities.allPrefectures': 'すべての都道府県',
    'home.cities.show': '表示',
    'home.cities.count': '{count}自治体',
    'home.cities.none': '条件に合う自治体はありません。',
    'home.cities.page': '{page} / {pages}ページ',
    'home.cities.prev': '前のページ',
    'home.cities.next': '次のページ',
    'home.cities.pages': '自治体一覧のページ',
    'home.cities.prefectureCount': '{prefecture}（{count}）',
  },
  en: {
    'kpiEdit.title': 'Edit the KPI definition',
    'kpiEdit.intro': 'Edit the name, unit, department, SDG targets, side, aggregation, direction, achievement method, baseline, definition and data source. Change a target value with its reason in “Revise a target” above.',
    'kpiEdit.hasData': 'This KPI has actuals. Changing its unit, direction, achievement method, aggregation or baseline needs a reason. Recorded actuals and targets are kept as recorded, not converted.',
    'kpiEdit.reason': 'Reason for the change',
    'kpiEdit.reasonHint': 'Kept in the change history.',
    'kpiEdit.error.reasonForFigures': 'This KPI has actuals: give the reason for changing its unit, direction, achievement method, aggregation or baseline (recorded values are not converted)',
    'kpiEdit.edit': 'Edit',
    'kpiEdit.moveUp': 'Move KPI up',
    'kpiEdit.moveDown': 'Move KPI down',
    'home.cities.search': 'Search by name',
    'home.cities.prefecture': 'Prefecture',
    'home.cities.allPrefectures': 'All prefectures',
    'home.cities.show': 'Show',
    'home.cities.count': '{count} municipalities',
    'home.cities.none': 'No municipality matches.',
    'home.cities.page': 'Page {page} of {pages}',
    'home.cities.prev': 'Previous page',
    'home.cities.next': 'Next page',
    'home.cities.pages': 'Pages of the municipality list',
    'home.cities.prefectureCount': '{prefecture} ({count})',
  },
});
