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
import Template from '#models/template'
import { rowReader, type RowRecord } from '#services/database/row_records'

type Row = Record<string, unknown>
type ReadRows = (tenantId: number | null, ids: number[]) => Promise<Row[]>

/**
 * Finds rows of a tenant-owned model by id for the engine's concurrent
 * jobs: the finds of one tenant made while no read of that tenant runs are
 * read together by one `WHERE id IN` query (see `KeyedBatcher`). A find
 * resolves with the row as a `RowRecord`, which the callers of one batch
 * share: it is read-only. Runs inside the tenant's scope, like
 * `Model.find`.
 */
function batchedFinder<Model extends LucidModel>(
  model: Model,
  options: { readRows?: ReadRows; windowMs?: number } = {}
) {
  const toRecord = rowReader(model)
  const read: ReadRows =
    options.readRows ??
    ((tenantId, ids) => {
      const query = db.from(model.table).whereIn('id', ids)
      return tenantId === null ? query : query.where('tenant_id', tenantId)
    })
  const batcher = new KeyedBatcher<number | null, number, Map<number, RowRecord<Model>>>(
    async (tenantId, ids) => {
      const rows = await read(tenantId, [...new Set(ids)])
      return new Map(rows.map((row) => [Number(row.id), toRecord(row)]))
    },
    { windowMs: options.windowMs }
  )

  return async (id: number): Promise<RowRecord<Model> | null> => {
    const found = await batcher.add(requireTenantScope(model.name), id)
    return found.get(id) ?? null
  }
}

/**
 * How long the first read of a job waits for the reads of the jobs its
 * worker fetched next, in milliseconds. A worker fetches its jobs one by
 * one, so without the wait their first reads would each make a query.
 */
const JOB_START_WINDOW_MS = 5

/** Finds a journey; the first read of every journey step. */
export const findJourney = batchedFinder(Journey, { windowMs: JOB_START_WINDOW_MS })
/** Finds a campaign. */
export const findCampaign = batchedFinder(Campaign)
export const findMessage = batchedFinder(Message)
/** Finds a message; the first read of every outbound send. */
export const findMessageToSend = batchedFinder(Message, { windowMs: JOB_START_WINDOW_MS })
/** Finds a message template, read afresh for each batch so an edit reaches the next sends. */
export const findTemplate = batchedFinder(Template)
/** Finds a channel instance. */
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
export const findContactWithZone = batchedFinder(Contact, {
  readRows: (tenantId, ids) => {
    const query = db
      .from('contacts')
      .join('tenants', 'tenants.id', 'contacts.tenant_id')
      .whereIn('contacts.id', ids)
      .select('contacts.*', 'tenants.timezone as tenant_timezone')
    return tenantId === null ? query : query.where('contacts.tenant_id', tenantId)
  },
})
