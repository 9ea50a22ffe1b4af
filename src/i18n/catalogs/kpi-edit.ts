import { defineCatalog } from './define-catalog.ts';

/**
 * Editing a KPI's definition after creation and ordering KPI rows in a node (issue 13.2).
 */
export const kpiEditCatalog = defineCatalog({
  ja: {
    'kpiEdit.intro': '指標名、単位、担当課、SDGsのターゲット、三側面、集計方法、望ましい方向、達成度の計算、当初値、定義、出典を編集できます。目標値は上の「目標値を改訂」から理由とともに改訂してください。',
    'kpiEdit.hasData': 'この指標には実績があります。単位・望ましい方向・達成度の計算・集計方法・当初値を変えるには理由が必要です。記録済みの実績値と目標値は換算されず、記録されたまま残ります。',
    'kpiEdit.reason': '変更の理由',
    'kpiEdit.reasonHint': '変更履歴に残ります。',
    'kpiEdit.error.reasonForFigures': 'この指標には実績があるため、単位・望ましい方向・達成度の計算・集計方法・当初値を変える理由を書いてください（記録済みの値は換算されません）',
    'kpiEdit.edit': '編集',
    'kpiEdit.moveUp': 'KPIを上へ',
    'kpiEdit.moveDown': 'KPIを下へ',
  },
  en: {
    'kpiEdit.intro': 'Edit the name, unit, department, SDG targets, side, aggregation, direction, achievement method, baseline, definition and data source. Change a target value with its reason through “Revise a target” above.',
    'kpiEdit.hasData': 'This KPI has actuals. Changing its unit, direction, achievement method, aggregation or baseline needs a reason. Recorded actuals and targets are kept as recorded, not converted.',
    'kpiEdit.reason': 'Reason for the change',
    'kpiEdit.reasonHint': 'Kept in the change history.',
    'kpiEdit.error.reasonForFigures': 'This KPI has actuals: give the reason for changing its unit, direction, achievement method, aggregation or baseline (recorded values are not converted)',
    'kpiEdit.edit': 'Edit',
    'kpiEdit.moveUp': 'Move KPI up',
    'kpiEdit.moveDown': 'Move KPI down',
  },
});
