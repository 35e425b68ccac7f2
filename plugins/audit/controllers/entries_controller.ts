import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import { csvSeparatorFor, csvStringifyOptions, type HttpContext } from '#sdk'
import {
  filterOptions,
  filteredEntries,
  filtersValidator,
  type EntryFilters,
} from '../services/entry_filters.js'
import { presentEntry } from '../services/entry_presenter.js'
import { stepNamesOf } from '../services/entry_steps.js'
import { targetNamesOf } from '../services/entry_targets.js'
import { referenceNamesOf } from '../services/entry_references.js'
import { auditPlugin } from '../services/plugin_context.js'
import { recordEntry } from '../services/recorder.js'

/** Entries per page. */
const PAGE_SIZE = 50

/** Entries the CSV export reads from the database at a time. */
const EXPORT_CHUNK = 1000

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'action',
  'actorId',
  'actor',
  'targetType',
  'targetId',
  'ipAddress',
  'before',
  'after',
] as const

/**
 * Writes the entries into the CSV stream a chunk at a time, waiting for the
 * client to read when the stream's buffer is full, then ends it.
 */
async function writeEntries(csv: Stringifier, tenantId: number, filters: EntryFilters) {
  for (let chunk = 1; ; chunk++) {
    const rows = await filteredEntries(tenantId, filters).forPage(chunk, EXPORT_CHUNK)
    for (const entry of rows.map(presentEntry)) {
      const written = csv.write({
        ...entry,
        before: entry.before ? JSON.stringify(entry.before) : '',
        after: entry.after ? JSON.stringify(entry.after) : '',
      })
      if (!written) {
        await once(csv, 'drain')
      }
    }
    if (rows.length < EXPORT_CHUNK) {
      break
    }
  }
  csv.end()
}

/** Validates the query string and returns its filters and the requested page apart. */
async function readFilters(ctx: HttpContext) {
  const { page, ...filters } = await ctx.request.validateUsing(filtersValidator, {
    data: ctx.request.qs(),
  })
  return { page: page ?? 1, filters }
}

/**
 * The audit log page and its CSV export, for owners and admins. There is
 * no route that changes or removes an entry.
 */
export default class EntriesController {
  /** Lists a page of entries, with the names of the steps and records their values refer to. */
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const { page, filters } = await readFilters(ctx)
    const entries = await filteredEntries(ctx.tenant.id, filters).paginate(page, PAGE_SIZE)
    const steps = await stepNamesOf(ctx.tenant.id, entries.all(), (key, values) =>
      ctx.i18n.t(key, values)
    )
    const targetNames = await targetNamesOf(ctx.tenant.id, entries.all())
    return auditPlugin().render(ctx, 'index', {
      entries: entries.all().map((entry) => ({
        ...presentEntry(entry),
        targetName: targetNames.get(entry.id) ?? null,
        steps: steps.get(entry.id) ?? {},
      })),
      references: await referenceNamesOf(ctx.tenant.id, entries.all()),
      pagination: entries.getMeta(),
      filters: ctx.request.qs(),
      options: await filterOptions(ctx.tenant.id),
    })
  }

  /** Streams every entry matching the filters, newest first, as CSV. */
  async export(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const { filters } = await readFilters(ctx)
    const csv = stringify({
      ...csvStringifyOptions(csvSeparatorFor(ctx.i18n.locale)),
      header: true,
      columns: [...CSV_COLUMNS],
    })
    const tenantId = ctx.tenant.id
    await recordEntry({
      tenantId,
      action: 'audit.exported',
      targetType: 'audit_log',
      after: { filters: ctx.request.qs() },
    })
    ctx.logger.info({ filters }, 'audit log exported')

    ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
    ctx.response.attachment(`audit-${tenantId}-${new Date().toISOString().slice(0, 10)}.csv`)
    ctx.response.stream(csv)
    writeEntries(csv, tenantId, filters).catch((error) => {
      ctx.logger.error({ err: error }, 'audit log export failed')
      csv.destroy(error)
    })
  }
}
