import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { jsonColumn } from '#models/json_column'
import {
  emptyProgress,
  type DeletionProgress,
  type DeletionStatus,
  type DeletionStep,
} from '#services/workspaces/deletion_progress'

/**
 * The record of one workspace deletion, kept after the tenant is gone: who
 * requested it and when, how far the job got, and what it removed. Not
 * tenant-scoped, because it outlives its tenant.
 */
export default class WorkspaceDeletion extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  /** The id the deleted tenant had. */
  @column()
  declare workspaceId: number

  @column()
  declare workspaceName: string

  /** The tenant's language, for the e-mails to members who follow their browser's. */
  @column()
  declare workspaceLocale: string | null

  /** The owner who requested the deletion; `null` once their account is gone or when not known. */
  @column()
  declare requestedById: number | null

  /** The requester's e-mail address when they requested the deletion. */
  @column()
  declare requestedByEmail: string | null

  @column.dateTime()
  declare requestedAt: DateTime

  @column()
  declare status: DeletionStatus

  /** The step running or last run; `null` before the first run and once finished. */
  @column()
  declare step: DeletionStep | null

  /** Runs of the deletion job so far. */
  @column()
  declare attempts: number

  @column(jsonColumn<DeletionProgress>(emptyProgress()))
  declare progress: DeletionProgress

  /** The error that stopped the last run, `null` once a run got past it. */
  @column()
  declare lastError: string | null

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
