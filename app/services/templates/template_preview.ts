import type Contact from '#models/contact'
import type { TemplateMediaType } from '#models/template'
import { validateBody } from '#services/templates/template_service'
import { renderNodes } from '#services/templates/template_renderer'
import { variablesOf } from '#services/templates/template_syntax'
import { contactValues, contactsMissingValues } from '#services/templates/template_variables'

/** Problems that leave the body readable, so the preview still renders it. */
const RENDERABLE_PROBLEMS = new Set(['unknown_variable', 'too_long'])

/**
 * Renders a body for one contact as the preview shows it: the text, its
 * character count, the problems that would stop a save, and which contacts
 * lack a value for a variable without a fallback.
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
    missing: rendered.ok ? [] : rendered.missing,
    lacking: await contactsMissingValues(withoutFallback),
  }
}
