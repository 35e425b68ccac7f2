import IntlMessageFormat from 'intl-messageformat'
import type { FlowProblem } from './flow_types'

type Translate = (key: string, values?: Record<string, unknown>) => string

/** Values whose names end in `Key` but that name the rule, worded by `describeRule` instead. */
const RULE_KEYS = new Set(['ruleKey', 'pluginRuleKey'])

/**
 * Formats an English ICU message of a node type, or returns it as it is
 * when it does not parse or misses a value: a plugin's text is shown
 * rather than lost.
 */
function formatEnglish(message: string, values: Record<string, unknown>) {
  try {
    return String(new IntlMessageFormat(message, 'en').format(values as Record<string, string>))
  } catch {
    return message
  }
}

/** Translates a key, or returns `null` when it has no message or misses a value. */
function translated(t: Translate, key: unknown, values: Record<string, unknown>) {
  if (typeof key !== 'string' || key === '') return null
  try {
    const text = t(key, values)
    return text === key ? null : text
  } catch {
    return null
  }
}

/**
 * Words the rule of a configuration problem: the plugin's own message for
 * it, else the core's, else the English message the rule reported, else a
 * generic "check the value". Returns whether the words are the English
 * message, which is a whole sentence of its own.
 */
function describeRule(values: Record<string, unknown>, t: Translate) {
  const own = translated(t, values.pluginRuleKey, values) ?? translated(t, values.ruleKey, values)
  if (own !== null) return { text: own, english: false }
  if (typeof values.ruleText === 'string' && values.ruleText !== '') {
    return { text: values.ruleText, english: true }
  }
  return { text: t('flow.rules.other'), english: false }
}

/**
 * Words for one problem in the user's language. Values whose names end in
 * `Key` are translation keys (a field's or port's label); they are
 * translated first and passed on without the suffix, so `fieldKey` fills
 * `{field}`. A key without translation leaves the raw value in place. A
 * problem whose message no language translates shows its English `text`.
 */
export function describeProblem(problem: FlowProblem, t: Translate) {
  const values: Record<string, unknown> = { ...problem.values }
  for (const [name, value] of Object.entries(problem.values)) {
    if (!name.endsWith('Key') || RULE_KEYS.has(name) || typeof value !== 'string' || value === '')
      continue
    const text = t(value)
    if (text !== value) values[name.slice(0, -3)] = text
  }
  if (problem.values.portText) values.port = problem.values.portText
  if ('ruleKey' in problem.values) {
    const rule = describeRule(values, t)
    if (rule.english) return rule.text
    values.rule = rule.text
  }

  const message = translated(t, problem.message, values)
  if (message !== null) return message
  return problem.text ? formatEnglish(problem.text, values) : problem.message
}
