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

/** Characters that repeat the atom before them any number of times (`{n,}` is read apart). */
const REPEATERS = new Set(['*', '+'])

/** Tells whether the quantifier at `index` (`*`, `+`, `{n,}` or `{n,m}` with m > 1) repeats its atom. */
function repeatsAt(pattern: string, index: number) {
  if (REPEATERS.has(pattern[index])) {
    return true
  }
  if (pattern[index] !== '{') {
    return false
  }
  const bound = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index))
  if (!bound) {
    return false
  }
  return bound[2] !== undefined && (bound[3] === '' || Number(bound[3]) > 1)
}

/**
 * Returns why a reply pattern could take exponential time on some replies,
 * or `null` when it cannot: a backreference, or a repeated group that
 * itself contains a repetition or an alternative, as in `(a+)+` or
 * `(a|ab)*`. Such a pattern backtracks through every way of splitting a
 * reply, so one message could hold the server for minutes.
 */
export function slowPatternReason(pattern: string): string | null {
  if (/\\[1-9]|\\k</.test(pattern)) {
    return 'backreference'
  }
  const groups: { repeats: boolean; alternates: boolean }[] = []
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') {
      index++
    } else if (char === '[') {
      // Skip a character class, whose brackets and quantifier characters are literal.
      index++
      while (index < pattern.length && pattern[index] !== ']') {
        if (pattern[index] === '\\') index++
        index++
      }
    } else if (char === '(') {
      groups.push({ repeats: false, alternates: false })
    } else if (char === '|') {
      if (groups.length > 0) groups[groups.length - 1].alternates = true
    } else if (char === ')') {
      const group = groups.pop()
      if (group && repeatsAt(pattern, index + 1)) {
        if (group.repeats || group.alternates) {
          return 'nested repetition'
        }
        for (const outer of groups) outer.repeats = true
      }
    } else if (repeatsAt(pattern, index)) {
      for (const outer of groups) outer.repeats = true
    }
  }
  return null
}

/**
 * Whether the reply matches the pattern. Patterns come from tenant members
 * and run on the server, so the node types accept only patterns without
 * `slowPatternReason`, and the reply is cut at MAX_MATCHED_LENGTH.
 */
export function matchesPattern(reply: string, pattern: string) {
  // A version published before slow patterns were rejected may still hold one: it matches nothing.
  if (slowPatternReason(pattern)) {
    return false
  }
  return compileReplyPattern(pattern).test(normalizeReply(reply))
}
