import type { FlowProblem } from './flow_types'

type Translate = (key: string, values?: Record<string, unknown>) => string

/**
 * Words for one problem in the user's language. Values whose names end in
 * `Key` are translation keys (a field's or port's label); they are
 * translated first and passed on without the suffix, so `fieldKey` fills
 * `{field}`. A key without translation leaves the raw value in place.
 */
export function describeProblem(problem: FlowProblem, t: Translate) {
  const values: Record<string, unknown> = { ...problem.values }
  for (const [name, value] of Object.entries(problem.values)) {
    if (!name.endsWith('Key') || typeof value !== 'string' || value === '') continue
    const translated = t(value)
    if (translated !== value) values[name.slice(0, -3)] = translated
  }
  if (typeof values.ruleKey === 'string' && t(values.ruleKey) === values.ruleKey) {
    values.rule = t('flow.rules.other')
  }
  if (problem.values.portText) values.port = problem.values.portText
  return t(problem.message, values)
}
