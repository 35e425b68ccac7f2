import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import ContactImport from '#models/contact_import'
import ContactList from '#models/contact_list'
import CustomField from '#models/custom_field'
import { formatValidator, startValidator, uploadValidator } from '#validators/imports'
import { createImport, previewImport, startImport } from '#services/imports/import_service'
import { mappingProblems } from '#services/imports/column_mapping'
import { streamReportCsv, reportSample } from '#services/imports/import_report'
import { ENCODINGS, DELIMITERS } from '#services/imports/csv_format'
import { csvSeparatorFor } from '#services/csv_cells'
import { splitTags } from '#services/contacts/contact_service'
import { recordAudit } from '#events/audit_record'

export default class ContactImportsController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const imports = await ContactImport.query().orderBy('created_at', 'desc').limit(50)
    return inertia.render('imports/index', { imports: imports.map(serializeImport) })
  }

  async create({ request, inertia, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const list = await preselectedList(request.input('list'))
    return inertia.render('imports/create', { list: list && { id: list.id, name: list.name } })
  }

  async store({ request, response, bouncer, auth, tenant, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const { file } = await request.validateUsing(uploadValidator)
    const contactImport = await createImport(file, auth.getUserOrFail().id, tenant.id)
    logger.info({ importId: contactImport.id, bytes: file.size }, 'contact import uploaded')
    const list = await preselectedList(request.input('list'))
    const query = list ? `?list=${list.id}` : ''
    return response.redirect(`/contacts/imports/${contactImport.id}${query}`)
  }

  async show({ params, request, inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const contactImport = await ContactImport.findOrFail(params.id)
    if (contactImport.status !== 'uploaded') {
      return inertia.render('imports/show', {
        contactImport: serializeImport(contactImport),
        sample: contactImport.status === 'finished' ? await reportSample(contactImport) : [],
        canExport: await bouncer.allows('exportContactData'),
      })
    }

    const preview = await previewImport(contactImport)
    const lists = await ContactList.query().orderBy('name')
    const preselected = await preselectedList(request.input('list'))
    return inertia.render('imports/mapping', {
      contactImport: serializeImport(contactImport),
      headers: preview.headers,
      headerProblem: preview.headerProblem,
      rows: preview.rows,
      mapping: preview.mapping,
      fields: preview.fields.map((field) => ({ key: field.key, label: field.label })),
      canCreateFields: await bouncer.allows('designCampaigns'),
      lists: lists.map((list) => ({ id: list.id, name: list.name })),
      selectedListIds: preselected ? [preselected.id] : [],
      encodings: [...ENCODINGS],
      delimiters: [...DELIMITERS],
    })
  }

  async update({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const contactImport = await ContactImport.query()
      .where('id', params.id)
      .where('status', 'uploaded')
      .firstOrFail()
    const format = await request.validateUsing(formatValidator)
    contactImport.merge({ ...format, mapping: [] })
    await contactImport.save()
    return response.redirect().back()
  }

  async start({ params, request, response, bouncer, i18n, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const contactImport = await ContactImport.query()
      .where('id', params.id)
      .where('status', 'uploaded')
      .firstOrFail()
    // The file is read once, and only when the mapping gets that far.
    let headers: string[] | null = null
    const readHeaders = async () => {
      if (!headers) {
        const preview = await previewImport(contactImport)
        headers = preview.headers
      }
      return headers
    }
    const input = await validateStart(request, readHeaders, i18n)

    const lists = await ContactList.query().whereIn('id', input.listIds ?? [])
    const options = {
      duplicates: input.duplicates,
      tags: splitTags(input.tags),
      listIds: lists.map((list) => list.id),
    }
    await startImport(contactImport, await readHeaders(), input.mapping, options)
    await recordAudit('import.started', {
      targetType: 'contact_import',
      targetId: contactImport.id,
      after: { fileName: contactImport.fileName, mapping: input.mapping, ...options },
    })
    logger.info({ importId: contactImport.id }, 'contact import queued')
    return response.redirect(`/contacts/imports/${contactImport.id}`)
  }

  async report({ params, response, bouncer, i18n }: HttpContext) {
    // The report repeats every row of the file, names and phone numbers included.
    await bouncer.authorize('exportContactData')
    const contactImport = await ContactImport.query()
      .where('id', params.id)
      .whereNotNull('report_key')
      .firstOrFail()
    const name = contactImport.fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')
    await recordAudit('import_report.exported', {
      targetType: 'contact_import',
      targetId: contactImport.id,
      after: { fileName: contactImport.fileName },
    })
    response.header('content-type', 'text/csv; charset=utf-8')
    response.attachment(`${name}-report.csv`)
    return response.stream(
      await streamReportCsv(
        contactImport,
        (key, values) => i18n.t(key, values),
        csvSeparatorFor(i18n.locale)
      )
    )
  }
}

export function serializeImport(contactImport: ContactImport) {
  return {
    id: contactImport.id,
    fileName: contactImport.fileName,
    status: contactImport.status,
    encoding: contactImport.encoding,
    delimiter: contactImport.delimiter,
    processedRows: contactImport.processedRows,
    created: contactImport.createdCount,
    updated: contactImport.updatedCount,
    kept: contactImport.keptCount,
    duplicates: contactImport.duplicateCount,
    rejected: contactImport.rejectedCount,
    warned: contactImport.warnedCount,
    error: contactImport.error,
    hasReport: Boolean(contactImport.reportKey),
    createdAt: contactImport.createdAt.toISO(),
    finishedAt: contactImport.finishedAt?.toISO() ?? null,
  }
}

/**
 * Finds the list an import was opened from (`?list=` on the upload and
 * mapping pages), whose box the mapping page ticks. Returns `null` for a
 * value that is not the id of one of the tenant's lists.
 */
async function preselectedList(value: unknown) {
  const id = Number(value)
  if (!Number.isSafeInteger(id) || id <= 0) {
    return null
  }
  return ContactList.find(id)
}

/**
 * Validates the start form and checks the mapping against the file's
 * headers. Raises one validation error with every problem found, so the
 * page shows each beside its field: a column's own problem under
 * `mapping.<index>`, naming the column, and the tags' under `tags`.
 */
async function validateStart(
  request: HttpContext['request'],
  readHeaders: () => Promise<string[]>,
  i18n: HttpContext['i18n']
) {
  const messages: { field: string; message: string; rule: string }[] = []
  let input: Infer<typeof startValidator> | null = null
  try {
    input = await request.validateUsing(startValidator)
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    messages.push(...error.messages)
  }
  // The mapping is checked further even when another field failed.
  const sent: unknown = request.input('mapping')
  const mapping =
    input?.mapping ??
    (Array.isArray(sent) && sent.every((target) => typeof target === 'string') ? sent : null)
  const mappingFailed = messages.some((message) => message.field.split('.')[0] === 'mapping')
  if (mapping && !mappingFailed) {
    const fields = await CustomField.all()
    const labels = new Map(fields.map((field) => [`field:${field.key}`, field.label]))
    const targetName = (target: string) =>
      labels.has(target)
        ? i18n.t('imports.targets.field', { label: labels.get(target)! })
        : i18n.t(`imports.targets.${target}`)
    for (const problem of mappingProblems(mapping, await readHeaders(), fields)) {
      const values = problem.values ?? {}
      messages.push({
        field: problem.field,
        message: i18n.t(problem.key, {
          ...values,
          ...(values.target ? { target: targetName(values.target) } : {}),
        }),
        rule: 'mapping',
      })
    }
  }
  if (!input || messages.length > 0) {
    throw new vineErrors.E_VALIDATION_ERROR(messages)
  }
  return input
}
