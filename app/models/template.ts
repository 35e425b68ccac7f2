import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'

export type TemplateMediaType = 'image' | 'document' | 'audio'

/**
 * A reusable message: a body with variables and variations, and optional
 * media whose caption is the body.
 */
export default class Template extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare body: string

  /** Drive key of the media file. */
  @column()
  declare mediaKey: string | null

  @column()
  declare mediaType: TemplateMediaType | null

  @column()
  declare mediaMime: string | null

  @column()
  declare mediaName: string | null

  /** Bytes. */
  @column()
  declare mediaSize: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  /**
   * When the template was archived because only ended campaigns use it (see
   * `deleteTemplate`); `null` for a template in use. Lists and pickers leave
   * archived templates out, while step names, flows and reports of those
   * campaigns still read them.
   */
  @column.dateTime()
  declare archivedAt: DateTime | null
}
