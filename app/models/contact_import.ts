import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'

export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'finished' | 'failed'

export interface ImportOptions {
  /**
   * Handling of a row whose number already belongs to a contact. `update`
   * writes the file's values over the contact's, and `skip` keeps them.
   * Either way the contact joins `listIds`.
   */
  duplicates: 'skip' | 'update'
  tags: string[]
  listIds: number[]
}

/**
 * One CSV upload and its import: detected format, column mapping, progress
 * and the counts of the report.
 */
export default class ContactImport extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number | null

  @column()
  declare fileName: string

  /** Drive key of the uploaded file. */
  @column()
  declare fileKey: string

  /** Bytes. */
  @column()
  declare fileSize: number

  /** An iconv-lite encoding name, such as `utf-8` or `windows-1252`. */
  @column()
  declare encoding: string

  @column()
  declare delimiter: string

  /** Target of each column, by position. */
  @column(jsonColumn<string[]>([]))
  declare mapping: string[]

  @column(jsonColumn<ImportOptions>({ duplicates: 'skip', tags: [], listIds: [] }))
  declare options: ImportOptions

  @column()
  declare status: ImportStatus

  @column()
  declare processedRows: number

  @column()
  declare createdCount: number

  @column()
  declare updatedCount: number

  /** Rows of existing contacts that the import left as they were. */
  @column()
  declare keptCount: number

  /** Rows that repeat a number of an earlier row of the file. */
  @column()
  declare duplicateCount: number

  @column()
  declare rejectedCount: number

  @column()
  declare warnedCount: number

  /** Drive key of the per-row report, one JSON object a line. */
  @column()
  declare reportKey: string | null

  @column()
  declare error: string | null

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  get isDone() {
    return this.status === 'finished' || this.status === 'failed'
  }
}
