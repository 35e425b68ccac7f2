import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'
import { errors as vineErrors } from '@vinejs/vine'
import pluginHost from '#plugins/main'
import { settingsValidator } from '#plugins/plugin_api'
import { translateFields } from '#flow/palette'
import { pluginSwitchValidator } from '#validators/plugins'
import { recordAudit } from '#events/audit_record'
import {
  auditedSettings,
  keepStoredSecrets,
  maskSecrets,
  secretFieldNames,
  storedSecretNames,
} from '#plugins/secret_settings'

/**
 * Returns a plugin's description in the reader's language: the plugin's
 * `<name>.plugin_description` translation when it has one, else the
 * manifest's `description`.
 */
function pluginDescription(name: string, manifestDescription: string | null, i18n: I18n) {
  const key = `${name}.plugin_description`
  if (i18n.hasMessage(key) || i18n.hasFallbackMessage(key)) {
    return i18n.t(key)
  }
  return manifestDescription
}

/**
 * Settings > Plugins: every plugin of the install with its state and load
 * error, the tenant's switches, and each plugin's generated settings form.
 */
export default class PluginSettingsController {
  async index({ inertia, bouncer, tenant, i18n }: HttpContext) {
    const plugins = []
    for (const record of pluginHost.records()) {
      plugins.push({
        name: record.name,
        version: record.manifest?.version ?? null,
        description: pluginDescription(record.name, record.manifest?.description ?? null, i18n),
        status: record.status,
        error: record.error ? { code: record.error.code, message: record.error.message } : null,
        enabled: await pluginHost.isEnabledFor(record.name, tenant.id),
        hasSettings: Boolean(record.api?.contributions.settings),
        nav: (record.api?.contributions.nav ?? []).map((entry) => i18n.t(entry.label)),
      })
    }
    return inertia.render('settings/plugins', {
      canManage: await bouncer.allows('manageTenant'),
      coreVersion: pluginHost.coreVersion,
      plugins,
    })
  }

  async toggle({ params, request, response, bouncer, tenant, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const record = pluginHost.get(params.name)
    if (!record || !pluginHost.isActive(record.name)) {
      return response.notFound({
        message: `Plugin "${params.name}" is not installed or failed to load`,
      })
    }
    const { enabled } = await request.validateUsing(pluginSwitchValidator)
    const audit = {
      targetType: 'plugin',
      targetId: record.name,
      before: { enabled: await pluginHost.isEnabledFor(record.name, tenant.id) },
      after: { enabled },
    }
    // Disabling is recorded first: once the switch is off, the audit
    // plugin no longer hears this tenant's events, including its own switch.
    if (!enabled) {
      await recordAudit('plugin.disabled', audit)
    }
    await pluginHost.tenantState.setEnabled(tenant.id, record.name, enabled)
    if (enabled) {
      await recordAudit('plugin.enabled', audit)
    }
    logger.info({ pluginName: record.name, enabled }, 'tenant plugin switch changed')
    session.flash(
      'success',
      i18n.t(enabled ? 'plugins.enabled_flash' : 'plugins.disabled_flash', { name: record.name })
    )
    return response.redirect().back()
  }

  #settingsOf(name: string) {
    const record = pluginHost.get(name)
    return record && pluginHost.isActive(name) ? (record.api?.contributions.settings ?? null) : null
  }

  async edit({ params, inertia, bouncer, tenant, i18n, response }: HttpContext) {
    const settings = this.#settingsOf(params.name)
    if (!settings) {
      return response.notFound({ message: `Plugin "${params.name}" has no settings` })
    }
    const values = await pluginHost.tenantSettings(params.name, tenant.id)
    const secrets = secretFieldNames(settings.fields)
    return inertia.render('settings/plugin_settings', {
      name: params.name,
      canManage: await bouncer.allows('manageTenant'),
      enabled: await pluginHost.isEnabledFor(params.name, tenant.id),
      fields: translateFields(settings.fields, (key) => i18n.t(key)),
      values: maskSecrets(values, secrets),
      storedSecrets: storedSecretNames(values, secrets),
    })
  }

  async update({ params, request, response, bouncer, tenant, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const settings = this.#settingsOf(params.name)
    if (!settings) {
      return response.notFound({ message: `Plugin "${params.name}" has no settings` })
    }
    try {
      const before = await pluginHost.tenantSettings(params.name, tenant.id)
      const secrets = secretFieldNames(settings.fields)
      const submitted = keepStoredSecrets(request.input('values', {}), before, secrets)
      const values = (await settingsValidator(settings).validate(submitted)) as Record<
        string,
        unknown
      >
      await pluginHost.tenantState.setSettings(tenant.id, params.name, values)
      await recordAudit('plugin.settings_changed', {
        targetType: 'plugin',
        targetId: params.name,
        ...auditedSettings(before, values, secrets),
      })
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) {
        throw error
      }
      const messages = error.messages as { field: string; message: string }[]
      session.flashErrors(Object.fromEntries(messages.map((m) => [`values.${m.field}`, m.message])))
      return response.redirect().back()
    }
    logger.info({ pluginName: params.name }, 'tenant plugin settings saved')
    session.flash('success', i18n.t('plugins.settings_saved'))
    return response.redirect().back()
  }
}
