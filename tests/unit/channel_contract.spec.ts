import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { PluginApiImpl, type PluginApiHost } from '#plugins/plugin_api'
import { PluginError } from '#plugins/plugin_errors'
import { NotOnWhatsAppError } from '#sdk'
import { sandboxChannel } from '../../plugins/sandbox/index.js'

const host: PluginApiHost = {
  isEnabledFor: async () => true,
  tenantSettings: async () => ({}),
}

function pluginApi() {
  const manifest = { name: 'contract-probe', version: '1.0.0', core: '^1.0.0' }
  return new PluginApiImpl(manifest as never, '/tmp', logger, host)
}

test.group('Channel contract', () => {
  test('accepts integer concurrent sends', ({ assert }) => {
    const api = pluginApi()
    api.channel({ ...sandboxChannel, id: 'probe', maxConcurrentSends: 1 })
    api.channel({ ...sandboxChannel, id: 'probe2', maxConcurrentSends: 1000 })
    assert.lengthOf(api.contributions.channels, 2)
  })

  test('rejects invalid concurrent sends', ({ assert }) => {
    for (const value of [0, 2.5, 1001, '8']) {
      const api = pluginApi()
      const definition = { ...sandboxChannel, id: 'probe', maxConcurrentSends: value as never }
      const error = (() => {
        try {
          api.channel(definition)
        } catch (caught) {
          return caught
        }
      })()
      assert.instanceOf(error, PluginError, `value ${value}`)
      assert.include((error as PluginError).message, `maxConcurrentSends "${value}"`)
      assert.include((error as PluginError).message, 'integer from 1 to 1000')
    }
  })
})

test.group('Channel errors', () => {
  test('no account names the service', ({ assert }) => {
    const sms = new NotOnWhatsAppError('****7777', 'Acme SMS')
    assert.equal(
      sms.message,
      'Recipient ****7777 has no Acme SMS account: check the number or remove it'
    )
    assert.equal(sms.code, 'E_NOT_ON_WHATSAPP')
    assert.isFalse(sms.retryable)

    const whatsapp = new NotOnWhatsAppError('****7777')
    assert.include(whatsapp.message, 'has no WhatsApp account')
  })
})
