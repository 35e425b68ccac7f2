import db from '@adonisjs/lucid/services/db'
import { errors } from '@adonisjs/lucid'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { requireTenantScope } from '#tenancy/tenant_context'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import Journey from '#models/journey'
import Message from '#models/message'

type Row = Record<string, unknown>
type ReadRows = (tenantId: number | null, ids: number[]) => Promise<Row[]>

/**
 * Finds rows of a tenant-owned model by id for the engine's concurrent
 * jobs: the finds of one tenant made while no read of that tenant runs are
 * read together by one `WHERE id IN` query (see `KeyedBatcher`). Each
 * caller gets a model instance of its own, so one job's changes to it
 * never reach another job. Runs inside the tenant's scope, like
 * `Model.find`.
 */
function batchedFinder<Model extends LucidModel>(model: Model, readRows?: ReadRows) {
  const read: ReadRows =
    readRows ??
    ((tenantId, ids) => {
      const query = db.from(model.table).whereIn('id', ids)
      return tenantId === null ? query : query.where('tenant_id', tenantId)
    })
  const batcher = new KeyedBatcher<number | null, number, Map<number, Row>>(
    async (tenantId, ids) => {
      const rows = await read(tenantId, [...new Set(ids)])
      return new Map(rows.map((row) => [Number(row.id), row]))
    }
  )

  return async (id: number): Promise<InstanceType<Model> | null> => {
    const rows = await batcher.add(requireTenantScope(model.name), id)
    const row = rows.get(id)
    return row ? (model.$createFromAdapterResult(row) as InstanceType<Model>) : null
  }
}

export const findJourney = batchedFinder(Journey)
export const findCampaign = batchedFinder(Campaign)
export const findMessage = batchedFinder(Message)
export const findInstance = batchedFinder(ChannelInstance)

/** Finds a channel instance by id; raises Lucid's `E_ROW_NOT_FOUND` when it is missing. */
export async function findInstanceOrFail(id: number) {
  const instance = await findInstance(id)
  if (!instance) {
    throw new errors.E_ROW_NOT_FOUND(ChannelInstance)
  }
  return instance
}

/** Finds a contact with its tenant's time zone in `$extras.tenant_timezone`. */
export const findContactWithZone = batchedFinder(Contact, (tenantId, ids) => {
  const query = db
    .from('contacts')
    .join('tenants', 'tenants.id', 'contacts.tenant_id')
    .whereIn('contacts.id', ids)
    .select('contacts.*', 'tenants.timezone as tenant_timezone')
  return tenantId === null ? query : query.where('contacts.tenant_id', tenantId)
})
