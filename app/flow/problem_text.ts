import { IntlMessageFormat } from 'intl-messageformat'
import type { FlowProblem } from '#flow/flow_problems'

/**
 * Translation lookups of one request's language. `translate` fills a
 * message with values, and `has` returns whether a key has a message in
 * that language or in the default one.
 */
export interface ProblemTranslator {
  translate: (key: string, values?: Record<string, string | number>) => string
  has: (key: string) => boolean
}

/** Values whose names end in `Key` but that name the rule, worded by `describeRule` instead. */
const RULE_KEYS = new Set(['ruleKey', 'pluginRuleKey'])

/**
 * Words the rule of a configuration problem: the plugin's own message for
 * it, else the core's, else the English message the rule reported. Returns
 * `english: true` for the English message, a whole sentence of its own.
 */
function describeRule(values: Record<string, string | number>, translator: ProblemTranslator) {
  for (const key of [values.pluginRuleKey, values.ruleKey]) {
    const text = typeof key === 'string' ? translated(translator, key, values) : null
    if (text !== null) {
      return { text, english: false }
    }
  }
  if (typeof values.ruleText === 'string' && values.ruleText !== '') {
    return { text: values.ruleText, english: true }
  }
  return { text: translator.translate('flow.rules.other'), english: false }
}

/**
 * Words a flow problem in the request's language on the server, the way
 * the flow editor does in the browser. Label keys (`fieldKey`) are
 * translated first and the rule of a configuration problem is worded on
 * its own. A message no language translates falls back to the problem's
 * English `text`, then to its key.
 */
export function problemText(problem: FlowProblem, translator: ProblemTranslator) {
  const values: Record<string, string | number> = { ...problem.values }
  for (const [name, value] of Object.entries(problem.values)) {
    if (name.endsWith('Key') && !RULE_KEYS.has(name) && typeof value === 'string') {
      if (value !== '' && translator.has(value)) {
        values[name.slice(0, -3)] = translator.translate(value)
      }
    }
  }
  if (problem.values.portText) {
    values.port = problem.values.portText
  }
  if ('ruleKey' in problem.values) {
    const rule = describeRule(values, translator)
    if (rule.english) {
      return rule.text
    }
    values.rule = rule.text
  }
  const message = translated(translator, problem.message, values)
  if (message !== null) {
    return message
  }
  return problem.text ? formatEnglish(problem.text, values) : problem.message
}

/**
 * Translates a key, or returns `null` when it has no message or its
 * message needs a value that is missing.
 */
function translated(
  translator: ProblemTranslator,
  key: string,
  values: Record<string, string | number>
) {
  if (key === '' || !translator.has(key)) {
    return null
  }
  try {
    return translator.translate(key, values)
  } catch {
    return null
  }
}

/** Formats a node type's English ICU message, or returns it as it is when it does not format. */
function formatEnglish(message: string, values: Record<string, string | number>) {
  try {
    return String(new IntlMessageFormat(message, 'en').format(values))
  } catch {
    return message
  }
}
