import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import type {
  LucidModel,
  ModelAdapterOptions,
  ModelQueryBuilderContract,
} from '@adonisjs/lucid/types/model'
import { Exception } from '@adonisjs/core/exceptions'
import { requireTenantScope } from '#tenancy/tenant_context'

/**
 * Makes a model tenant-owned. Every query built through `Model.query()`, and
 * so every find, fetch, update and delete, is limited to the current tenant;
 * new rows take the current tenant's id. This is the one place that enforces
 * isolation, so no controller or job has to remember it. Relationship queries
 * start from a parent row that was itself found through a scoped query.
 */
export function withTenantScope<Model extends NormalizeConstructor<typeof BaseModel>>(
  superclass: Model
) {
  class TenantScopedModel extends superclass {
    @column()
    declare tenantId: number

    static query<Scoped extends LucidModel>(
      this: Scoped,
      options?: ModelAdapterOptions
    ): ModelQueryBuilderContract<Scoped, InstanceType<Scoped>> {
      const query = (superclass as unknown as LucidModel).query.call(this, options)
      const tenantId = requireTenantScope(this.name)
      if (tenantId !== null) {
        query.where(`${this.table}.tenant_id`, tenantId)
      }
      return query as ModelQueryBuilderContract<Scoped, InstanceType<Scoped>>
    }

    async save() {
      const tenantId = requireTenantScope(this.constructor.name)
      if (tenantId !== null) {
        if (this.tenantId === undefined || this.tenantId === null) {
          this.tenantId = tenantId
        } else if (this.tenantId !== tenantId) {
          throw new Exception(
            `Refusing to save ${this.constructor.name} of tenant ${this.tenantId} from tenant ${tenantId}`,
            { code: 'E_TENANT_MISMATCH', status: 403 }
          )
        }
      }
      return super.save()
    }
  }
  return TenantScopedModel
}
