import type { HttpContext } from '@adonisjs/core/http'
import { recordAudit } from '#events/audit_record'
import { exportContacts } from '#services/contacts/contact_export'
import { contactFiltersFrom } from '#services/contacts/contact_search'
import { csvReaderFor } from '#services/csv_cells'

export default class ContactExportsController {
  /** Streams the contacts matching the page's filters as CSV, for editors and above. */
  async export(ctx: HttpContext) {
    await ctx.bouncer.authorize('exportContactData')
    const filters = contactFiltersFrom(ctx.request.qs())
    const reader = csvReaderFor(ctx.i18n)
    const { csv, done } = await exportContacts(filters, ctx.tenant.defaultCountry, reader)
    await recordAudit('contacts.exported', { targetType: 'contact', after: { filters } })
    ctx.logger.info({ filters }, 'contacts exported')

    ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
    ctx.response.attachment(`contacts-${new Date().toISOString().slice(0, 10)}.csv`)
    ctx.response.stream(csv)
    done.catch((error) => ctx.logger.error({ err: error }, 'contacts export failed'))
  }
}
