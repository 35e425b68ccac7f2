import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import { db } from '#sdk'
import type WebhookEndpoint from '../models/webhook_endpoint.js'
import { webhooksContext } from './plugin_context.js'

/**
 * Owners and admins of a tenant, with the language each chose (`null` for
 * one who follows the browser) and the tenant's language. Read from the
 * core's `memberships`, `users` and `tenants` tables, because the SDK has
 * no member directory.
 */
async function tenantAdmins(tenantId: number) {
  const rows = await db
    .from('memberships')
    .join('users', 'users.id', 'memberships.user_id')
    .join('tenants', 'tenants.id', 'memberships.tenant_id')
    .where('memberships.tenant_id', tenantId)
    .whereIn('memberships.role', ['owner', 'admin'])
    .select('users.email', 'users.locale', 'tenants.locale as workspace_locale')
  return rows as { email: string; locale: string | null; workspace_locale: string | null }[]
}

/**
 * Returns the language of a mail to `admin`: the one they chose, else the
 * workspace's, because one who follows the browser has no request here.
 */
function mailLocale(admin: { locale: string | null; workspace_locale: string | null }) {
  const supported = i18nManager.supportedLocales()
  const chosen = [admin.locale, admin.workspace_locale].find(
    (locale) => locale && supported.includes(locale)
  )
  return chosen ?? i18nManager.defaultLocale
}

/**
 * Mails each owner and admin of the endpoint's tenant that the endpoint
 * was switched off for failing, in their language. A mail that cannot be
 * sent is logged; the endpoint stays off and its page shows why.
 */
export async function notifyEndpointDisabled(endpoint: WebhookEndpoint) {
  const { logger } = webhooksContext()
  for (const admin of await tenantAdmins(endpoint.tenantId)) {
    const i18n = i18nManager.locale(mailLocale(admin))
    const values = { url: endpoint.url, failures: endpoint.failedDeliveriesInRow }
    try {
      await mail.send((message) => {
        message
          .to(admin.email)
          .subject(i18n.t('webhooks.mail.disabled_subject', values))
          .text(i18n.t('webhooks.mail.disabled_body', values))
      })
    } catch (error) {
      logger.error(
        { err: error, tenantId: endpoint.tenantId, endpointId: endpoint.id },
        'failed to mail that a webhook endpoint was disabled'
      )
    }
  }
}
