import { documentTerms, encodeChar, MAX_TERM_LENGTH, prefixUpperBound, QueryToken, queryTokens } from './search-terms';

const enc = (s: string) => [...s].map(encodeChar).join('');

/** What the index answers for a query: every token must be satisfied by some term of the document. */
function matches(docTexts: string[], query: string): boolean {
  const terms = documentTerms(docTexts);
  const tokens = queryTokens(query);
  if (!tokens.length) return false;
  const ok = (t: QueryToken) =>
    'exact' in t ? terms.includes(t.exact) : terms.some((term) => term >= t.prefix && term < prefixUpperBound(t.prefix));
  return tokens.every(ok);
}

describe('search terms', () => {
  it('encodes a CJK character as 4 base-32 digits, so terms are ASCII and sort the same on every database', () => {
    expect(encodeChar('函')).toBe((0x51fd).toString(32).padStart(4, '0'));
    expect(encodeChar('𠀀')).toHaveLength(4); // U+20000, outside the BMP
    expect(encodeChar('𠀀')).not.toBe(encodeChar('𠀁'));
    expect(encodeChar(String.fromCodePoint(0x10fffd))).toBe('vvvv');
  });

  it('cuts CJK runs into bigrams plus the last character of each run', () => {
    expect(documentTerms(['高一数学函数的概念']).sort()).toEqual(
      [enc('高一'), enc('一数'), enc('数学'), enc('学函'), enc('函数'), enc('数的'), enc('的概'), enc('概念'), enc('念')].sort(),
    );
  });

  it('drops punctuation, splits runs at it, lower-cases and folds full-width latin words', () => {
    const terms = documentTerms(['《函数》，ＰＰＴ课件 Lesson-2！']);
    expect(terms.sort()).toEqual([enc('函数'), enc('数'), 'wppt', enc('课件'), enc('件'), 'wlesson', 'w2'].sort());
    expect(terms.some((t) => t.includes('《'))).toBe(false);
  });

  it('does not join bigrams across separate texts (title, description, each tag)', () => {
    const terms = documentTerms(['函数', '概念']);
    expect(terms).not.toContain(enc('数概'));
  });

  it('removes accents and encodes other scripts so no collation can merge two terms', () => {
    expect(documentTerms(['Résumé'])).toEqual(['wresume']);
    const greek = documentTerms(['αβγ']);
    expect(greek).toHaveLength(1);
    expect(greek[0]).toMatch(/^x[0-9a-v]{12}$/);
  });

  it('keeps every term within the column length and over [0-9a-z]', () => {
    const long = 'a'.repeat(200) + ' ' + 'ж'.repeat(200) + ' ' + '字'.repeat(50);
    for (const t of documentTerms([long])) {
      expect(t.length).toBeLessThanOrEqual(MAX_TERM_LENGTH);
      expect(t).toMatch(/^[0-9a-z]+$/);
    }
    // a long query word is cut the same way, so it still finds the long document word
    expect(matches([long], 'a'.repeat(200))).toBe(true);
  });

  it('finds 高一数学函数的概念 by 函数, by a single character and by a longer phrase', () => {
    const doc = ['高一数学函数的概念'];
    expect(matches(doc, '函数')).toBe(true);
    expect(matches(doc, '函数的概念')).toBe(true);
    expect(matches(doc, '念')).toBe(true); // last character of the run
    expect(matches(doc, '函')).toBe(true); // first half of a bigram
    expect(matches(doc, '数学 概念')).toBe(true); // words are ANDed
    expect(matches(doc, '函数 物理')).toBe(false);
    expect(matches(doc, '三角函数')).toBe(false);
    expect(matches(doc, '氧')).toBe(false);
  });

  it('matches latin words by prefix and case-insensitively', () => {
    expect(matches(['Unit 3 PPTX 课件'], 'ppt')).toBe(true);
    expect(matches(['Unit 3 PPTX 课件'], 'Unit3')).toBe(false);
    expect(matches(['Unit 3 PPTX 课件'], 'unit 3')).toBe(true);
  });

  it('turns a query into lookups: bigrams exact, single characters and words by prefix, nothing for punctuation', () => {
    expect(queryTokens('函数')).toEqual([{ exact: enc('函数') }]);
    expect(queryTokens('函数的概念')).toHaveLength(4);
    expect(queryTokens('数')).toEqual([{ prefix: enc('数') }]);
    expect(queryTokens('PPT')).toEqual([{ prefix: 'wppt' }]);
    expect(queryTokens('  ，。！ ')).toEqual([]);
    expect(queryTokens('数学数学数学')).toHaveLength(2); // 数学, 学数: repeated bigrams once
    expect(queryTokens('一二三四五六七八九十甲乙丙丁戊己庚辛壬癸').length).toBeLessThanOrEqual(12);
  });

  it('gives the upper bound of a prefix range, carrying past z', () => {
    expect(prefixUpperBound('wppt')).toBe('wppu');
    expect(prefixUpperBound('w9')).toBe('wa');
    expect(prefixUpperBound('wz')).toBe('x');
    expect(prefixUpperBound('0vvv')).toBe('0vvw');
    for (const p of ['wab', '1v2v', 'xzz9']) {
      const hi = prefixUpperBound(p);
      expect(p + 'zzzz' < hi).toBe(true);
      expect(hi > p).toBe(true);
    }
  });
});
