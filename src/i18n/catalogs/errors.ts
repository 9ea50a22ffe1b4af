import { defineCatalog } from './define-catalog.ts';

/**
 * Problems the application answers with (src/web/errors.ts): a title per stable problem id and
 * the detail texts with their placeholders ({where}, {char}, {limit}…).
 */
export const errorsCatalog = defineCatalog({
  ja: {
    'problem.invalid-input': '入力に誤りがあります',
    'problem.body-too-large': '送信内容が大きすぎます',
    'problem.busy': '混み合っています',
    'problem.not-found': 'ページが見つかりません',
    'problem.internal-error': 'システムエラーが発生しました',
    'problem.detail.control-character': '{where}に使えない制御文字（{char}）が含まれています。',
    'problem.detail.bad-encoding': '{where}の文字コードが正しくありません（URLのパーセント符号化がUTF-8として読めません）。',
    'problem.detail.too-long': '{where}が長すぎます（{limit}文字まで）。',
    'problem.detail.too-many-fields': '項目が多すぎます（{limit}個まで）。',
    'problem.detail.unreadable-form': '送信されたフォームを読み取れません。',
    'problem.detail.not-a-choice': '{where}の値は選択肢にありません。',
    'problem.detail.body-too-large': '送信内容が大きすぎます。送信できるのは{limit}までです。',
    'problem.detail.busy': 'ただいま同時に処理できる数を超えています。{seconds}秒ほど待ってからもう一度お試しください。',
    'problem.detail.not-found': 'お探しのページは存在しないか、移動しました。',
    'problem.detail.internal-error': '処理中に予期しないエラーが起きました。お問い合わせの際は番号 {incident} をお伝えください。',
    'problem.where.query': 'URLのパラメータ「{name}」',
    'problem.where.path': 'URLのパス',
    'problem.where.field': '入力欄「{name}」',
    'problem.back': 'ホームへ戻る',
  },
  en: {
    'problem.invalid-input': 'Invalid input',
    'problem.body-too-large': 'Request too large',
    'problem.busy': 'Server busy',
    'problem.not-found': 'Page not found',
    'problem.internal-error': 'Internal error',
    'problem.detail.control-character': '{where} holds a control character ({char}) that is not allowed.',
    'problem.detail.bad-encoding': '{where} is not valid UTF-8 (its percent-encoding cannot be read).',
    'problem.detail.too-long': '{where} is too long (at most {limit} characters).',
    'problem.detail.too-many-fields': 'Too many fields (at most {limit}).',
    'problem.detail.unreadable-form': 'The submitted form cannot be read.',
    'problem.detail.not-a-choice': '{where} is not one of the choices.',
    'problem.detail.body-too-large': 'The request is too large. At most {limit} can be sent.',
    'problem.detail.busy': 'Too many requests are being processed at once. Please try again in about {seconds} seconds.',
    'problem.detail.not-found': 'The page does not exist or has moved.',
    'problem.detail.internal-error': 'An unexpected error occurred. Please quote incident {incident} when you contact us.',
    'problem.where.query': 'the URL parameter "{name}"',
    'problem.where.path': 'the URL path',
    'problem.where.field': 'the field "{name}"',
    'problem.back': 'Back to the home page',
  },
});
