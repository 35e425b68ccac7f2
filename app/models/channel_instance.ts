import type { RowRecord } from '#services/database/row_records'
import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { LucidRow } from '@adonisjs/lucid/types/model'
import type { InstanceStatus } from '#sdk'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import { openSecrets, sealSecrets, secretFieldNames } from '#plugins/secret_settings'
import { channelConfigFields } from '#services/channels/channel_catalog'

const configColumn = jsonColumn<Record<string, unknown>>({})

/** Encryption purpose of the secret fields of instances' configurations. */
const CONFIG_PURPOSE = 'channel_instance_config'

/** Pairing data as stored: `PairingData` with its expiry as an ISO string. */
export type StoredPairing =
  | { kind: 'qr'; qr: string; expiresAt: string | null }
  | { kind: 'code'; code: string; expiresAt: string | null }

/**
 * One connected number or account of a tenant, served by the driver of the
 * channel named in `channel` (a channel id contributed by a plugin, such as
 * `whatsapp` or `sandbox`). The channels process that holds the instance's
 * lease keeps `status` up to date.
 */
export default class ChannelInstance extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  /** Channel id of the driver, such as `sandbox`. */
  @column()
  declare channel: string

  /**
   * The driver's configuration, validated against the channel's `configSchema`.
   * The values of its secret fields are stored encrypted.
   */
  @column({
    prepare: (value: Record<string, unknown>, _attribute: string, row: LucidRow) =>
      configColumn.prepare(
        sealSecrets(
          value,
          secretFieldNames(channelConfigFields((row as ChannelInstance).channel)),
          CONFIG_PURPOSE
        )
      ),
    consume: (value: unknown) => openSecrets(configColumn.consume(value), CONFIG_PURPOSE),
  })
  declare config: Record<string, unknown>

  /**
   * The driver's credentials, encrypted with the application key. Read and
   * write them with `readCredentials` and `writeCredentials`; the column is
   * never serialized.
   */
  @column({ serializeAs: null })
  declare credentials: string | null

  /** Last status the driver reported. `closed` until the first connect. */
  @column()
  declare status: InstanceStatus

  @column.dateTime()
  declare statusAt: DateTime | null

  /** Reason the driver gave for `status`, when it gave one. */
  @column()
  declare statusReason: string | null

  /** Pairing data of the `qr` status (the code to scan and its expiry), `null` otherwise. */
  @column(jsonColumn<StoredPairing | null>(null))
  declare pairing: StoredPairing | null

  /**
   * Fencing token of the channels process that owns the session. An owner
   * writes status and credentials only while this equals its token, so a
   * process that lost its lease cannot overwrite its successor's state.
   */
  @column({ serializeAs: null })
  declare ownerToken: number | null

  /** The paired account's address (E.164 for phone channels), set once `open`. */
  @column()
  declare accountAddress: string | null

  @column()
  declare accountName: string | null

  /** Last error met while connecting or sending, for the connections page. */
  @column()
  declare lastError: string | null

  @column.dateTime()
  declare lastErrorAt: DateTime | null

  /**
   * Set when sends were paused because the number looks at risk (many
   * failures, a restriction). The outbound queue of a paused instance keeps
   * its jobs waiting until an operator clears the flag. MariaDB and SQLite
   * store it as 0 or 1, read back as a boolean.
   */
  @column({ consume: (value) => Boolean(value) })
  declare pausedForHealth: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  readCredentials(): Record<string, unknown> | null {
    if (!this.credentials) {
      return null
    }
    return encryption.decrypt<Record<string, unknown>>(this.credentials, this.#purpose()) ?? null
  }

  writeCredentials(credentials: Record<string, unknown> | null) {
    this.credentials = credentials
      ? encryption.encrypt(credentials, undefined, this.#purpose())
      : null
  }

  /** Binds the ciphertext to this instance, so it cannot be copied to another row. */
  #purpose() {
    return `channel_instance:${this.id}`
  }
}

/** A channel instance row read without a model (see `RowRecord`). */
export type ChannelInstanceRecord = RowRecord<typeof ChannelInstance>
