import i18nManager from '@adonisjs/i18n/services/main'
import { defineNodeType, goTo, vine, type NodeIssue } from '#sdk'
import { mediaSchema, templateSchema } from '#flow/node_types/schema_parts'
import { currentTenantId } from '#tenancy/tenant_context'
import { isTenantMediaSource, mediaUrlProblem } from '#services/channels/media_sources'
import { parseTemplate } from '#services/templates/template_syntax'
import { variablesToDefine } from '#services/templates/template_variables'

/**
 * Text of a new Send step, in English. A page in another language offers
 * the translation of `EXAMPLE_TEXT_KEY`. The step cannot be published until
 * the member replaces it or picks a template, so the example never reaches
 * a contact.
 */
export const EXAMPLE_TEXT = 'Write your message here'

/** Translation key of the example text, which pages in every language offer. */
export const EXAMPLE_TEXT_KEY = 'flow_nodes.send.example_text'

/** Tells whether a text is the example text of a new Send step, in any language of the install. */
export function isExampleText(text: string) {
  const trimmed = text.trim()
  if (trimmed === EXAMPLE_TEXT) {
    return true
  }
  return i18nManager
    .supportedLocales()
    .some((locale) => i18nManager.getTranslationsFor(locale)[EXAMPLE_TEXT_KEY] === trimmed)
}

/**
 * Variables of an inline text that must exist. A text that does not parse
 * has none here, because the flow validator reports its syntax.
 */
function variablesToDefineIn(text: string) {
  const parsed = parseTemplate(text)
  return parsed.ok ? variablesToDefine(parsed.nodes) : []
}

/**
 * Send: a saved template or inline text, optional media, through the
 * campaign's instance or a chosen one. The engine renders and sends; this
 * node only asks for it and follows `sent` or `failed`.
 */
export const sendNode = defineNodeType({
  type: 'send',
  version: 1,
  label: 'flow_nodes.send.label',
  description: 'flow_nodes.send.description',
  icon: 'send',
  category: 'messaging',
  configSchema: vine.object({
    message: templateSchema(),
    media: mediaSchema(),
    instanceId: vine.number().withoutDecimals().positive().nullable(),
  }),
  defaults: {
    message: { templateId: null, text: EXAMPLE_TEXT },
    media: null,
    instanceId: null,
  },
  localizedDefaults: (translate) => ({
    message: { templateId: null, text: translate(EXAMPLE_TEXT_KEY) },
    media: null,
    instanceId: null,
  }),
  fields: [
    { kind: 'template', name: 'message', label: 'flow_nodes.send.fields.message', required: true },
    { kind: 'media', name: 'media', label: 'flow_nodes.send.fields.media' },
    {
      kind: 'instance',
      name: 'instanceId',
      label: 'flow_nodes.send.fields.instance',
      help: 'flow_nodes.send.fields.instance_help',
    },
  ],
  ports: [
    { id: 'sent', label: 'flow_nodes.send.ports.sent' },
    { id: 'failed', label: 'flow_nodes.send.ports.failed' },
  ],
  validate(config, context) {
    const issues: NodeIssue[] = []
    if (config.message.templateId === null && isExampleText(config.message.text ?? '')) {
      issues.push({ field: 'message.text', message: 'flow_nodes.issues.example_text' })
    }
    for (const name of variablesToDefineIn(config.message.text ?? '')) {
      if (!context.knownVariables.has(name)) {
        issues.push({
          field: 'message.text',
          message: 'flow_nodes.issues.unknown_variable',
          values: { name },
        })
      }
    }
    const source = config.media?.source
    if (source && !isTenantMediaSource(source, currentTenantId())) {
      const blocked = source.startsWith('https://') && mediaUrlProblem(source) === 'blocked'
      issues.push({
        field: 'media.source',
        message: blocked ? 'flow_nodes.issues.media_url_blocked' : 'flow_nodes.issues.media_source',
        values: { source },
      })
    }
    return issues
  },
  async execute(context) {
    const outcome = await context.requestSend({
      message: context.config.message,
      media: context.config.media,
      instanceId: context.config.instanceId,
    })
    if (outcome.status === 'failed') {
      context.logger.warn({ code: outcome.code, messageId: outcome.messageId }, 'send node failed')
    }
    return goTo(outcome.status)
  },
})
