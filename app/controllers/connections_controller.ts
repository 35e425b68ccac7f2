import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { I18n } from '@adonisjs/i18n'
import ChannelInstance from '#models/channel_instance'
import {
  instanceUpdateValidator,
  instanceValidator,
  pairingCodeValidator,
} from '#validators/channels'
import { availableChannels, channelConfigFields } from '#services/channels/channel_catalog'
import { maskSecrets, secretFieldNames, storedSecretNames } from '#plugins/secret_settings'
import { channelConfigMessages } from '#services/channels/config_messages'
import { serializeInstanceFor } from '#services/channels/channel_broadcast'
import {
  campaignsUsing,
  checkInstanceConfig,
  createInstance,
  deleteInstance,
  performAction,
  requestConnect,
  requestDisconnect,
  requestLogout,
  resumeSends,
  updateInstance,
} from '#services/channels/instance_service'
import { recordAudit, requestActorId } from '#events/audit_record'

/** Returns the messages of a channel's settings errors, or none for an unknown channel. */
function configMessages(i18n: I18n, channelId: string) {
  const channel = availableChannels().find((candidate) => candidate.id === channelId)
  return channel ? channelConfigMessages(i18n, channel.configFields ?? []) : undefined
}

/**
 * Returns each connection's settings for the edit form of members who manage
 * connections: the values of the channel's declared fields only, with secret
 * values left empty and named in `storedSecrets`.
 */
function editableSettings(instances: ChannelInstance[]) {
  return Object.fromEntries(
    instances.map((instance) => {
      const fields = channelConfigFields(instance.channel)
      const secrets = secretFieldNames(fields)
      const declared = Object.fromEntries(
        fields
          .filter((field) => instance.config[field.name] !== undefined)
          .map((field) => [field.name, instance.config[field.name]])
      )
      return [
        instance.id,
        {
          values: maskSecrets(declared, secrets),
          storedSecrets: storedSecretNames(instance.config, secrets),
        },
      ]
    })
  )
}

/**
 * Validates a connection form with `validate`. When its fields fail, the
 * channel settings it sent are checked too, so one save names every
 * problem rather than the settings' after the name's.
 */
async function validateConnectionForm<Output>(
  ctx: HttpContext,
  validate: () => Promise<Output>,
  channelId: unknown,
  stored: Record<string, unknown>
) {
  try {
    return await validate()
  } catch (error) {
    const config = ctx.request.input('config')
    const known = availableChannels().some((channel) => channel.id === channelId)
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR) || !known || !isRecord(config)) {
      throw error
    }
    try {
      const id = channelId as string
      await checkInstanceConfig(id, config, stored, configMessages(ctx.i18n, id))
    } catch (configError) {
      if (configError instanceof vineErrors.E_VALIDATION_ERROR) {
        throw new vineErrors.E_VALIDATION_ERROR([...error.messages, ...configError.messages])
      }
      throw configError
    }
    throw error
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Statuses of a connection whose live session keeps its settings until it connects again. */
const LIVE_STATUSES = new Set(['connecting', 'qr', 'open', 'reconnecting'])

/** Error codes of connection commands with a message of their own; the others read as `other`. */
const COMMAND_ERRORS = new Set([
  'E_CHANNELS_UNAVAILABLE',
  'E_INSTANCE_OPENING',
  'E_SANDBOX_NOT_CONNECTED',
  'E_CHANNEL_ACTION_UNSUPPORTED',
])

/** Returns the member's message for a failed connection command, naming the connection and the code. */
function commandError(i18n: HttpContext['i18n'], instance: ChannelInstance, error: unknown) {
  const code = (error as { code?: string }).code ?? 'E_CHANNEL_COMMAND_FAILED'
  const key = COMMAND_ERRORS.has(code) ? code : 'other'
  return i18n.t(`connections.command_errors.${key}`, { name: instance.name, code })
}

export default class ConnectionsController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const instances = await ChannelInstance.query().orderBy('name')
    const canManage = await bouncer.allows('designCampaigns')
    return inertia.render('connections/index', {
      instances: instances.map((instance) => serializeInstanceFor(instance, canManage)),
      channels: availableChannels().map((channel) => ({
        id: channel.id,
        label: channel.label,
        description: channel.description,
        pairing: channel.pairing,
        configFields: channel.configFields ?? [],
      })),
      canManage,
      settings: canManage ? editableSettings(instances) : {},
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, bouncer, session, i18n } = ctx
    await bouncer.authorize('designCampaigns')
    const input = await validateConnectionForm(
      ctx,
      () => request.validateUsing(instanceValidator),
      request.input('channel'),
      {}
    )
    const instance = await createInstance(input, configMessages(i18n, input.channel))
    // The configuration may contain API keys, so only the name and channel are recorded.
    await recordAudit('instance.created', {
      targetType: 'channel_instance',
      targetId: instance.id,
      after: { name: instance.name, channel: instance.channel },
    })
    session.flash('success', i18n.t('connections.created', { name: input.name }))
    return response.redirect('/connections')
  }

  async update(ctx: HttpContext) {
    const { params, request, response, bouncer, session, i18n } = ctx
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const before = { name: instance.name, config: JSON.stringify(instance.config) }
    const input = await validateConnectionForm(
      ctx,
      () => request.validateUsing(instanceUpdateValidator),
      instance.channel,
      instance.config
    )
    await updateInstance(instance, input, configMessages(i18n, instance.channel))
    // The configuration may contain API keys, so only whether it changed is recorded.
    const renamed = instance.name !== before.name
    const settings = [
      ...(renamed ? ['name'] : []),
      ...(JSON.stringify(instance.config) === before.config ? [] : ['config']),
    ]
    if (settings.length > 0) {
      await recordAudit('instance.updated', {
        targetType: 'channel_instance',
        targetId: instance.id,
        before: renamed ? { name: before.name } : undefined,
        after: { ...(renamed ? { name: instance.name } : {}), settings },
      })
    }
    const reconnect = settings.includes('config') && LIVE_STATUSES.has(instance.status)
    session.flash(
      'success',
      i18n.t(reconnect ? 'connections.saved_reconnect' : 'connections.saved', {
        name: instance.name,
      })
    )
    return response.redirect('/connections')
  }

  async connect(ctx: HttpContext) {
    return this.#command(ctx, requestConnect, {
      auditAction: 'instance.connect_requested',
      doneKey: 'connections.connect_requested',
    })
  }

  async disconnect(ctx: HttpContext) {
    const userId = requestActorId(ctx)
    return this.#command(ctx, (instance) => requestDisconnect(instance, userId), {
      auditAction: 'instance.disconnected',
      doneKey: 'connections.disconnected',
    })
  }

  async logout(ctx: HttpContext) {
    const userId = requestActorId(ctx)
    return this.#command(ctx, (instance) => requestLogout(instance, userId), {
      auditAction: 'instance.logged_out',
      doneKey: 'connections.logged_out',
    })
  }

  async drop(ctx: HttpContext) {
    return this.#command(ctx, (instance) => performAction(instance, 'drop', {}), {
      doneKey: 'connections.dropped',
    })
  }

  /** Asks a pairing code for a phone number, for linking without scanning the QR code. */
  async pairingCode({ params, request, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const { phone } = await request.validateUsing(pairingCodeValidator)
    try {
      await performAction(instance, 'pairing_code', { phone })
      // Only the request is recorded, not the phone number typed for it.
      await recordAudit('instance.pairing_code_requested', {
        targetType: 'channel_instance',
        targetId: instance.id,
      })
    } catch (error) {
      logger.warn({ err: error, instanceId: instance.id }, 'pairing code request failed')
      session.flash('error', commandError(i18n, instance, error))
    }
    return response.redirect('/connections')
  }

  async resumeSends(ctx: HttpContext) {
    return this.#command(ctx, resumeSends, {
      auditAction: 'instance.sends_resumed',
      doneKey: 'connections.sends_resumed',
    })
  }

  async destroy({ params, response, bouncer, session, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const using = await campaignsUsing(instance.id)
    if (using.length > 0) {
      const campaigns = using.map((campaign) => `“${campaign.name}”`).join(', ')
      session.flash('error', i18n.t('connections.in_use', { name: instance.name, campaigns }))
      return response.redirect('/connections')
    }
    await deleteInstance(instance, requestActorId())
    await recordAudit('instance.deleted', {
      targetType: 'channel_instance',
      targetId: instance.id,
      before: {
        name: instance.name,
        channel: instance.channel,
        accountAddress: instance.accountAddress,
      },
    })
    return response.redirect('/connections')
  }

  /**
   * Runs a command on a connection and returns to the list, flashing what
   * went wrong when it fails (see `commandError`). A command that succeeds
   * is recorded as `auditAction` of the member, with the status before and
   * after it, and shows `doneKey`, a translation key that receives the
   * connection's `name`.
   */
  async #command(
    { params, response, bouncer, session, i18n, logger }: HttpContext,
    run: (instance: ChannelInstance) => Promise<unknown>,
    options: { auditAction?: string; doneKey?: string } = {}
  ) {
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const statusBefore = instance.status
    try {
      await run(instance)
      if (options.doneKey) {
        session.flash('success', i18n.t(options.doneKey, { name: instance.name }))
      }
    } catch (error) {
      logger.warn({ err: error, instanceId: instance.id }, 'connection command failed')
      session.flash('error', commandError(i18n, instance, error))
      return response.redirect('/connections')
    }
    if (options.auditAction) {
      await recordAudit(options.auditAction, {
        targetType: 'channel_instance',
        targetId: instance.id,
        before: { status: statusBefore },
        after: { status: instance.status },
      })
    }
    return response.redirect('/connections')
  }
}
