import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import type {
  LucidModel,
  ModelAdapterOptions,
  ModelQueryBuilderContract,
} from '@adonisjs/lucid/types/model'
import { Exception } from '#sdk'

/** Raised by any attempt to change or remove an audit entry through the application. */
export class AuditEntryImmutableError extends Exception {
  static code = 'E_AUDIT_ENTRY_IMMUTABLE'
  static status = 405

  constructor(operation: string) {
    super(
      `Audit entries are append-only: ${operation} is not allowed. Record a new entry instead`,
      {
        code: AuditEntryImmutableError.code,
      }
    )
  }
}

const json = {
  prepare: (value: Record<string, unknown> | null) => (value ? JSON.stringify(value) : null),
  consume: (value: string | null) => (value ? JSON.parse(value) : null),
}

/**
 * Makes a model append-only: `save` of a stored row, `delete`, and the
 * query builder's `update`, `delete`, `increment` and `decrement` raise
 * `E_AUDIT_ENTRY_IMMUTABLE`.
 */
function appendOnly<Model extends NormalizeConstructor<typeof BaseModel>>(superclass: Model) {
  class AppendOnlyModel extends superclass {
    static query<Scoped extends LucidModel>(
      this: Scoped,
      options?: ModelAdapterOptions
    ): ModelQueryBuilderContract<Scoped, InstanceType<Scoped>> {
      const query = (superclass as unknown as LucidModel).query.call(this, options)
      for (const operation of ['update', 'delete', 'del', 'increment', 'decrement'] as const) {
        query[operation] = () => {
          throw new AuditEntryImmutableError(`query ${operation}()`)
        }
      }
      return query as ModelQueryBuilderContract<Scoped, InstanceType<Scoped>>
    }

    async save() {
      if (this.$isPersisted) {
        throw new AuditEntryImmutableError('save() of a stored entry')
      }
      return super.save()
    }

    async delete() {
      throw new AuditEntryImmutableError('delete()')
    }
  }
  return AppendOnlyModel
}

/** One audited action, created once and never changed. */
export default class AuditEntry extends appendOnly(BaseModel) {
  static table = 'audit_entries'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  /** Action name, such as `member.role_changed` or `auth.signed_in`. */
  @column()
  declare action: string

  @column()
  declare actorId: number | null

  /** The actor's e-mail when the entry was made, so later renames leave history as it was. */
  @column()
  declare actorLabel: string | null

  @column()
  declare targetType: string | null

  @column()
  declare targetId: string | null

  @column()
  declare ipAddress: string | null

  @column(json)
  declare before: Record<string, unknown> | null

  @column(json)
  declare after: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
