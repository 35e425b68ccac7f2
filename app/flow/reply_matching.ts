/**
 * Matching of a contact's reply against branch rules, case- and
 * accent-insensitive: "NÃO", "nao" and "Não" are the same word.
 */

/** Longest reply text matched, in characters; the rest is ignored. */
export const MAX_MATCHED_LENGTH = 2000

/** Removes accents (combining marks after NFD decomposition). */
export function stripAccents(value: string) {
  return value.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')
}

/** Lowercase, accent-free, single-spaced and trimmed. */
export function normalizeReply(value: string) {
  return stripAccents(value.slice(0, MAX_MATCHED_LENGTH)).toLowerCase().replace(/\s+/g, ' ').trim()
}

function escapeRegExp(value: string) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Whether the reply contains the keyword as a whole word or phrase:
 * "sim" matches "Sim, quero!" but not "assim".
 */
export function matchesKeyword(reply: string, keyword: string) {
  const needle = normalizeReply(keyword)
  if (needle.length === 0) {
    return false
  }
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(needle)}($|[^\\p{L}\\p{N}])`, 'u')
  return pattern.test(normalizeReply(reply))
}

/**
 * Compiles a designer's regular expression for accent- and case-insensitive
 * matching. Raises `SyntaxError` for an invalid pattern.
 */
export function compileReplyPattern(pattern: string) {
  return new RegExp(stripAccents(pattern), 'iu')
}

/**
 * Whether the reply matches the pattern.
 *
 * NOTE: patterns come from tenant members and run on the server. Input is
 * capped at MAX_MATCHED_LENGTH, which bounds but does not rule out slow
 * backtracking of a pathological pattern.
 */
export function matchesPattern(reply: string, pattern: string) {
  return compileReplyPattern(pattern).test(normalizeReply(reply))
}
