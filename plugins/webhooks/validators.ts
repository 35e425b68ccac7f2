import { DOMAIN_EVENT_NAMES, vine } from '#sdk'
import { webhooksConfig } from './config.js'
import { TargetRejectedError, resolveTarget } from './services/target_guard.js'

/**
 * Events an endpoint can receive: the domain-event catalogue without
 * `audit:record`, whose before and after values stay inside the install.
 */
export const WEBHOOK_EVENTS = DOMAIN_EVENT_NAMES.filter((event) => event !== 'audit:record')

/**
 * Resolves the URL and rejects it when it is or resolves to a blocked
 * address. The message comes translated through the validator's `meta`.
 */
const reachableTarget = vine.createRule(async (value, _options, field) => {
  if (typeof value !== 'string') {
    return
  }
  try {
    await resolveTarget(value, webhooksConfig.allowPrivateTargets)
  } catch (error) {
    if (!(error instanceof TargetRejectedError)) {
      throw error
    }
    const translate = field.meta.translate as (key: string) => string
    field.report(translate(`webhooks.errors.${error.reason}`), 'webhook_target', field)
  }
})

export const endpointValidator = vine.create(
  vine.object({
    url: vine.string().trim().maxLength(2000).use(reachableTarget()),
    description: vine.string().trim().maxLength(200).optional(),
    events: vine.array(vine.enum(WEBHOOK_EVENTS)).minLength(1).distinct(),
    enabled: vine.boolean().optional(),
  })
)
