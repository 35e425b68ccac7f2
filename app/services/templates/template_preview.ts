import type Contact from '#models/contact'
import type { TemplateMediaType } from '#models/template'
import { validateBody } from '#services/templates/template_service'
import { renderNodes } from '#services/templates/template_renderer'
import { variablesOf, type TemplateNode } from '#services/templates/template_syntax'
import {
  CAMPAIGN_PREFIX,
  contactValues,
  contactsMissingValues,
} from '#services/templates/template_variables'

/** Problems that leave the body readable, so the preview still renders it. */
const RENDERABLE_PROBLEMS = new Set(['unknown_variable', 'too_long'])

/**
 * Returns the campaign variables of a body, which each campaign fills, and
 * the preview's value of each one without a fallback: the variable written
 * as `{{campaign.name}}`. A variable with a fallback keeps no value, so the
 * preview shows its fallback, as a campaign without that variable sends.
 */
function campaignPlaceholders(nodes: TemplateNode[]) {
  const variables = variablesOf(nodes).filter((variable) =>
    variable.name.startsWith(CAMPAIGN_PREFIX)
  )
  const values: Record<string, string> = {}
  for (const variable of variables) {
    if (variable.fallback === null) {
      values[variable.name] = `{{${variable.name}}}`
    }
  }
  const names = [...new Set(variables.map((variable) => variable.name))]
  return { names, values }
}

/**
 * Renders a body for one contact as the preview shows it: the text, its
 * character count, the problems that would stop a save, the campaign
 * variables it uses, and which contacts lack a value for a contact
 * variable without a fallback.
 *
 * A body with unknown variables or over the length limit still renders, with
 * each unknown variable written as `{{name}}` and listed in `unknown`, so
 * the editor can mark it. A body with a syntax error renders no text.
 */
export async function previewTemplate(
  body: string,
  contact: Contact | null,
  mediaType: TemplateMediaType | null,
  templateId: number
) {
  const { problems, nodes } = await validateBody(body, mediaType)
  const characters = [...body].length
  if (problems.some((problem) => !RENDERABLE_PROBLEMS.has(problem.code))) {
    return {
      ok: false,
      problems,
      text: null,
      characters,
      renderedCharacters: 0,
      unknown: [],
      campaign: [],
      missing: [],
      lacking: [],
    }
  }

  const unknown = [
    ...new Set(
      problems.flatMap((problem) =>
        problem.code === 'unknown_variable' && problem.value ? [problem.value] : []
      )
    ),
  ]
  const values: Record<string, string | null | undefined> = contact
    ? await contactValues(contact)
    : {}
  for (const name of unknown) {
    values[name] = `{{${name}}}`
  }
  const campaign = campaignPlaceholders(nodes)
  Object.assign(values, campaign.values)
  const rendered = renderNodes(nodes, values, `${templateId}:${contact?.id ?? 0}`)
  const withoutFallback = variablesOf(nodes)
    .filter((variable) => variable.fallback === null && !unknown.includes(variable.name))
    .map((variable) => variable.name)
  return {
    ok: problems.length === 0,
    problems,
    text: rendered.text,
    characters,
    renderedCharacters: [...rendered.text].length,
    unknown,
    campaign: campaign.names,
    missing: rendered.ok ? [] : rendered.missing,
    lacking: await contactsMissingValues(withoutFallback),
  }
}
