import { describe, expect, it } from 'vitest';
import { composeMail, fill } from './partner-mail.ts';

describe('partner mail', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(fill('{name} 様 {missing}', { name: '見本' })).toBe('見本 様 {missing}');
  });

  it('writes Japanese first and English below, in subject and body', () => {
    const m = composeMail('decision-returned', { name: 'みどりの木工房', programme: 'いちのせきＳＤＧｓパートナー登録制度', reason: '取組宣言を具体的に', kind: 'application', registrationNo: '', validUntil: '' });
    expect(m.subject).toBe('【いちのせきＳＤＧｓパートナー登録制度】申請の修正をお願いします / [いちのせきＳＤＧｓパートナー登録制度] Please correct your submission');
    expect(m.body).toContain('取組宣言を具体的に');
    expect(m.body.indexOf('----')).toBeGreaterThan(m.body.indexOf('みどりの木工房'));
    expect(m.body).not.toMatch(/\{[a-zA-Z]+\}/);
  });
});
