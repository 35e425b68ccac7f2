/**
 * Accented forms of each plain letter that SQLite searches treat as that
 * letter, as MariaDB's and MySQL's `_ci` collations do.
 */
const ACCENTED: Record<string, string> = {
  a: 'áàâãäå',
  c: 'ç',
  e: 'éèêë',
  i: 'íìîï',
  n: 'ñ',
  o: 'óòôõö',
  u: 'úùûü',
  y: 'ýÿ',
}

/** Characters that GLOB reads as wildcards or the start of a set. */
const GLOB_SPECIAL = new Set(['*', '?', '['])

/** Returns the GLOB set of a character's case and accent variants, or the character itself. */
function variantsOf(character: string) {
  const plain = character.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
  if (!/^[a-z]$/.test(plain)) {
    return GLOB_SPECIAL.has(character) ? `[${character}]` : character
  }
  const accented = ACCENTED[plain] ?? ''
  return `[${plain}${plain.toUpperCase()}${accented}${accented.toUpperCase()}]`
}

/**
 * Builds an SQLite GLOB pattern that matches text containing `term`,
 * ignoring case and the accents above, so "avila" finds "Ávila". SQLite
 * compares text byte by byte, and the build the application ships (libsql,
 * as `better-sqlite3`) has neither ICU nor user-defined functions, so the
 * pattern lists every variant of each letter.
 * NOTE: other accented letters, and accents stored as separate combining
 * marks (NFD), match only as typed.
 */
export function containingGlob(term: string) {
  return `*${[...term.normalize('NFC')].map(variantsOf).join('')}*`
}
