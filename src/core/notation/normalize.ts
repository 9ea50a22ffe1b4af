/**
 * Brings a cell as cities print it to one spelling before it is read: full-width digits and
 * letters (２０２４, ＢＤｔ) become ASCII, ％ becomes %, the many minus and hyphen characters
 * become '-', every kind of space becomes one ASCII space, and the three wave dashes of ranges
 * (～ 〜 ~) become '～'. ▲ and △ are kept: in Japanese accounting they mark a negative figure.
 *
 * Built on NFKC, which is safe for Japanese text (half-width ｶ becomes カ, ㍻ becomes 平成)
 * with two exceptions handled here: superscripts stay (m³ must not turn into m3), and ㎡ ㎥
 * become m² m³ rather than m2 m3. The katakana long-vowel mark ー and the long dashes become
 * '-' only before a digit and not after kana, so センター and データ stay intact.
 */
export function normalizeNotation(s: string): string {
  const protectedSuperscripts = s
    .replace(/㎡/g, 'm²')
    .replace(/㎥/g, 'm³')
    .replace(/²/g, SUP2)
    .replace(/³/g, SUP3);
  return protectedSuperscripts
    .normalize('NFKC')
    .replace(new RegExp(SUP2, 'g'), '²')
    .replace(new RegExp(SUP3, 'g'), '³')
    .replace(/[\u2010\u2011\u2012\u2212\uFE63\uFF0D\u2796]/g, '-')
    .replace(/(^|[^\p{Script=Hiragana}\p{Script=Katakana}ー])[\u2013\u2014\u2015\u30FC](?=\s*\d)/gu, '$1-')
    .replace(/[~\u301C\u223C\uFF5E]/g, '～')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Private-use stand-ins that NFKC leaves alone. */
const SUP2 = '\uE002';
const SUP3 = '\uE003';
