import { contentDisposition } from './storage.helpers';

describe('contentDisposition', () => {
  it('sends the Chinese name in RFC 5987 form with the ASCII fallback given', () => {
    expect(contentDisposition('剑阁县督导报告-2026-05-10.xlsx', 'supervision-report-county-2026-05-10.xlsx')).toBe(
      `attachment; filename="supervision-report-county-2026-05-10.xlsx"; filename*=UTF-8''%E5%89%91%E9%98%81%E5%8E%BF%E7%9D%A3%E5%AF%BC%E6%8A%A5%E5%91%8A-2026-05-10.xlsx`,
    );
  });

  it('escapes what attr-char forbids and keeps the fallback header-safe', () => {
    const header = contentDisposition("报告(终)'*.xlsx", 'a"b;c%d\\é.xlsx');
    expect(header).toBe(`attachment; filename="a_b_c_d__.xlsx"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%28%E7%BB%88%29%27%2A.xlsx`);
    expect(decodeURIComponent(header.split("UTF-8''")[1])).toBe("报告(终)'*.xlsx");
  });

  it('derives the fallback from the name when none is given, and drops control characters and path separators', () => {
    expect(contentDisposition('高一/数学\u0007教案.pdf')).toBe(
      `attachment; filename="_______.pdf"; filename*=UTF-8''${encodeURIComponent('高一_数学教案.pdf')}`,
    );
    expect(contentDisposition('\u0001\u0002')).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
  });
});
