/**
 * Term extraction for the resource search index (see resource-search-term.entity.ts for why the application keeps
 * its own index rather than relying on a database full-text engine).
 *
 * Text is cut into runs:
 * - CJK runs (Han, kana, Hangul: scripts written without spaces) give overlapping bigrams (函数的概念 -> 函数, 数的,
 *   的概, 概念) plus the run's last character on its own. A query of two or more CJK characters looks up its
 *   bigrams exactly; a one-character query looks up every term that *starts* with that character: every
 *   occurrence of a character is either the first half of a bigram or the last character of a run, so this finds
 *   them all without storing every single character.
 * - Other letter/digit runs are words, lower-cased, with accents removed (NFKD); a query word matches words that
 *   start with it ("ppt" finds "pptx").
 * - Everything else (spaces, punctuation, symbols) separates runs and is dropped.
 *
 * Terms are stored as plain ASCII over [0-9a-z] so that equality, ordering and prefix ranges behave the same under
 * SQLite's BINARY collation and MySQL/MariaDB's utf8mb4 collations. Those collations would otherwise compare raw
 * Chinese text in their own way (utf8mb4_unicode_ci treats every character outside the BMP, such as rare
 * characters of classical texts, as equal, which would merge distinct terms and break the primary key).
 * - a CJK character is 4 base-32 digits ([0-9a-v]) of its code point, so a bigram is 8 characters;
 * - an ASCII word is 'w' + the word; any other word is 'x' + its characters encoded as above.
 * 'w' and 'x' are outside the base-32 digits, so the three shapes never collide.
 */

/** Longest term the index column holds (see MAX_WORD_CHARS / MAX_ENCODED_WORD_CHARS). */
export const MAX_TERM_LENGTH = 64;
/** ASCII words are cut to this many characters; queries are cut the same way, so long words still match. */
const MAX_WORD_CHARS = 32;
/** Non-ASCII words take 4 characters per letter: 1 + 4 * 15 = 61 <= MAX_TERM_LENGTH. */
const MAX_ENCODED_WORD_CHARS = 15;
/** A query is cut to this many lookups; more would only slow the query without narrowing it usefully. */
export const MAX_QUERY_TOKENS = 12;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const COMBINING = /\p{M}/gu;
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The 4-digit base-32 code of one character; code points past U+FFFFF (private use only) share the last code. */
export function encodeChar(ch: string): string {
  const cp = Math.min(ch.codePointAt(0) ?? 0, 0xfffff);
  return cp.toString(32).padStart(4, '0');
}

type Run = { kind: 'cjk' | 'word'; chars: string[] };

/** NFKC folds full-width letters and digits (Ｐｐｔ２) to ASCII and compatibility ideographs to their unified form. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    const kind = CJK.test(ch) ? 'cjk' : WORD_CHAR.test(ch) ? 'word' : null;
    if (!kind) {
      current = null;
      continue;
    }
    if (!current || current.kind !== kind) {
      current = { kind, chars: [] };
      runs.push(current);
    }
    current.chars.push(ch);
  }
  return runs;
}

/** A word as a term: accents dropped (é -> e), then 'w' + ASCII or 'x' + encoded characters. */
function wordTerm(chars: string[]): string {
  const folded = [...chars.join('').normalize('NFKD').replace(COMBINING, '')].filter((c) => WORD_CHAR.test(c));
  if (folded.every((c) => c < '\u0080')) return 'w' + folded.slice(0, MAX_WORD_CHARS).join('');
  return 'x' + folded.slice(0, MAX_ENCODED_WORD_CHARS).map(encodeChar).join('');
}

/** Every distinct term of a document's texts (title, description, each tag): what the index stores for it. */
export function documentTerms(texts: readonly (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const run of runsOf(text)) {
      if (run.kind === 'word') {
        const term = wordTerm(run.chars);
        if (term.length > 1) terms.add(term);
        continue;
      }
      const codes = run.chars.map(encodeChar);
      for (let i = 0; i + 1 < codes.length; i++) terms.add(codes[i] + codes[i + 1]);
      terms.add(codes[codes.length - 1]);
    }
  }
  return [...terms];
}

/** One lookup a query needs: an exact term, or every term that starts with `prefix`. */
export type QueryToken = { exact: string } | { prefix: string };

/** The lookups for a search string, every one of which a matching document must satisfy (AND). */
export function queryTokens(query: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  const seen = new Set<string>();
  const add = (token: QueryToken) => {
    const key = 'exact' in token ? `=${token.exact}` : `^${token.prefix}`;
    if (!seen.has(key) && tokens.length < MAX_QUERY_TOKENS) {
      seen.add(key);
      tokens.push(token);
    }
  };
  for (const run of runsOf(query)) {
    if (run.kind === 'word') {
      const term = wordTerm(run.chars);
      if (term.length > 1) add({ prefix: term });
    } else if (run.chars.length === 1) {
      add({ prefix: encodeChar(run.chars[0]) });
    } else {
      const codes = run.chars.map(encodeChar);
      for (let i = 0; i + 1 < codes.length; i++) add({ exact: codes[i] + codes[i + 1] });
    }
  }
  return tokens;
}

/**
 * The smallest string greater than every string starting with `prefix`, in both byte order and the Unicode
 * collation order of MySQL/MariaDB, for prefixes over [0-9a-z]: increment the last character, carrying past 'z'.
 * Used as `term >= prefix AND term < upper`, which every dialect answers from the index (LIKE 'p%' would not be
 * on SQLite, whose LIKE is case-insensitive).
 */
export function prefixUpperBound(prefix: string): string {
  const chars = [...prefix];
  while (chars.length) {
    const i = DIGITS.indexOf(chars[chars.length - 1]);
    if (i < 0) throw new Error(`prefix outside [0-9a-z]: ${prefix}`);
    if (i < DIGITS.length - 1) {
      chars[chars.length - 1] = DIGITS[i + 1];
      return chars.join('');
    }
    chars.pop();
  }
  throw new Error('prefix has no upper bound');
}
