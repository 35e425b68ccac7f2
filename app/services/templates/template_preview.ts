import type Contact from '#models/contact'
import type { TemplateMediaType } from '#models/template'
import { validateBody } from '#services/templates/template_service'
import { renderNodes } from '#services/templates/template_renderer'
import { variablesOf } from '#services/templates/template_syntax'
import { contactValues, contactsMissingValues } from '#services/templates/template_variables'

/**
 * Renders a body for one contact as the preview shows it: the text, its
 * character count, the problems that would stop a save, and which contacts
 * lack a value for a variable without a fallback.
 */
export async function previewTemplate(
  body: string,
  contact: Contact | null,
  mediaType: TemplateMediaType | null,
  templateId: number
) {
  const { problems, nodes } = await validateBody(body, mediaType)
  const characters = [...body].length
  if (problems.length > 0) {
    return {
      ok: false,
      problems,
      text: null,
      characters,
      renderedCharacters: 0,
      missing: [],
      lacking: [],
    }
  }

  const values = contact ? await contactValues(contact) : {}
  const rendered = renderNodes(nodes, values, `${templateId}:${contact?.id ?? 0}`)
  const withoutFallback = variablesOf(nodes)
    .filter((variable) => variable.fallback === null)
    .map((variable) => variable.name)
  return {
    ok: true,
    problems,
    text: rendered.text,
    characters,
    renderedCharacters: [...rendered.text].length,
    missing: rendered.ok ? [] : rendered.missing,
    lacking: await contactsMissingValues(withoutFallback),
  }
}
