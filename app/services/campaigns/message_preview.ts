import type Campaign from '#models/campaign'
import type Contact from '#models/contact'
import Template from '#models/template'
import type { TemplateValue } from '#sdk'
import { parseTemplate } from '#services/templates/template_syntax'
import { renderNodes } from '#services/templates/template_renderer'
import { contactValues } from '#services/templates/template_variables'

/**
 * Renders a send node's message for one audience contact as the phone
 * preview shows it: the text with the contact's and the campaign's values,
 * the variables that have no value and no fallback, and the template's
 * media, if any. `ok` is false when the text cannot be rendered at all.
 */
export async function previewMessage(
  campaign: Campaign,
  message: TemplateValue,
  contact: Contact | null
) {
  const template = message.templateId ? await Template.find(message.templateId) : null
  if (message.templateId && !template) {
    return { ok: false as const, reason: 'template_missing', text: null, missing: [], media: null }
  }
  const body = template ? template.body : (message.text ?? '')
  const parsed = parseTemplate(body)
  if (!parsed.ok) {
    return { ok: false as const, reason: 'message_syntax', text: null, missing: [], media: null }
  }

  const values = contact ? await contactValues(contact, campaign.variables) : {}
  const rendered = renderNodes(
    parsed.nodes,
    values,
    `${template?.id ?? 'inline'}:${contact?.id ?? 0}`
  )
  const media =
    template?.mediaType && template.mediaKey
      ? {
          type: template.mediaType,
          name: template.mediaName,
          url: `/templates/${template.id}/media`,
        }
      : null
  return {
    ok: true as const,
    reason: null,
    text: rendered.text,
    missing: rendered.ok ? [] : rendered.missing,
    media,
  }
}
