import { randomUUID } from 'node:crypto'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import drive from '@adonisjs/drive/services/main'
import type Template from '#models/template'
import { type TemplateMediaType } from '#models/template'
import {
  parseTemplate,
  positionOf,
  variablesOf,
  type SyntaxProblem,
  type TemplateNode,
} from '#services/templates/template_syntax'
import { isKnownVariable, knownVariables } from '#services/templates/template_variables'

/**
 * WhatsApp's limits, in characters: 4,096 for a text message and 1,024 for
 * the caption of an image or document.
 */
export const TEXT_LIMIT = 4096
export const CAPTION_LIMIT = 1024

/**
 * Media a template may carry: the types WhatsApp shows inline, with the size
 * limits of WhatsApp Business (5 MB images, 16 MB audio, 100 MB documents).
 */
export const MEDIA_RULES: Record<TemplateMediaType, { mimes: string[]; maxBytes: number }> = {
  image: { mimes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 5 * 1024 * 1024 },
  audio: {
    mimes: ['audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr'],
    maxBytes: 16 * 1024 * 1024,
  },
  document: {
    mimes: [
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/plain',
      'text/csv',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
}

export interface TemplateProblem {
  code: SyntaxProblem['code'] | 'unknown_variable' | 'too_long' | 'empty'
  index?: number
  line?: number
  column?: number
  value?: string
  limit?: number
  /** Characters in the body, for `too_long`. */
  characters?: number
  /** Characters above `limit`, for `too_long`. */
  over?: number
}

/**
 * Checks a body before it is saved: syntax, unknown variables and length.
 * Returns the problems with their positions, and the parsed nodes when there
 * are none.
 */
export async function validateBody(body: string, mediaType: TemplateMediaType | null) {
  if (body.trim() === '' && !mediaType) {
    return { problems: [{ code: 'empty' }] as TemplateProblem[], nodes: [] as TemplateNode[] }
  }
  const parsed = parseTemplate(body)
  if (!parsed.ok) {
    return { problems: parsed.problems as TemplateProblem[], nodes: [] as TemplateNode[] }
  }

  const known = await knownVariables()
  const fieldKeys = new Set(known.fields)
  const problems: TemplateProblem[] = variablesOf(parsed.nodes)
    .filter((variable) => !isKnownVariable(variable.name, fieldKeys))
    .map((variable) => ({
      code: 'unknown_variable',
      index: variable.index,
      ...positionOf(body, variable.index),
      value: variable.name,
    }))

  const limit = mediaType === 'image' || mediaType === 'document' ? CAPTION_LIMIT : TEXT_LIMIT
  const characters = [...body].length
  if (characters > limit) {
    problems.push({ code: 'too_long', limit, characters, over: characters - limit })
  }
  return { problems, nodes: parsed.nodes }
}

/** Returns the media type a MIME type belongs to, if it is allowed. */
export function mediaTypeOf(mime: string): TemplateMediaType | undefined {
  return (Object.keys(MEDIA_RULES) as TemplateMediaType[]).find((type) =>
    MEDIA_RULES[type].mimes.includes(mime)
  )
}

/**
 * Checks an uploaded media file against the type and size limits. Returns
 * the translation key of the problem, or null.
 */
export function mediaProblem(file: MultipartFile) {
  const mime = `${file.type}/${file.subtype}`
  const type = mediaTypeOf(mime)
  if (!type) {
    return { key: 'templates.errors.media_type', values: { type: mime } }
  }
  if (file.size > MEDIA_RULES[type].maxBytes) {
    return {
      key: 'templates.errors.media_size',
      values: {
        name: file.clientName,
        size: Math.ceil(file.size / 1048576),
        limit: MEDIA_RULES[type].maxBytes / 1048576,
      },
    }
  }
  return null
}

/**
 * Stores a media file on the drive for the template, replacing an earlier one.
 */
export async function attachMedia(template: Template, file: MultipartFile) {
  const mime = `${file.type}/${file.subtype}`
  const key = `templates/${template.tenantId}/${randomUUID()}.${file.extname ?? 'bin'}`
  await drive.use().copyFromFs(file.tmpPath!, key)
  await removeMedia(template)
  template.merge({
    mediaKey: key,
    mediaType: mediaTypeOf(mime)!,
    mediaMime: mime,
    mediaName: file.clientName.slice(0, 255),
    mediaSize: file.size,
  })
}

export async function removeMedia(template: Template) {
  if (template.mediaKey) {
    await drive.use().delete(template.mediaKey)
  }
  template.merge({
    mediaKey: null,
    mediaType: null,
    mediaMime: null,
    mediaName: null,
    mediaSize: null,
  })
}

/** Picks the template's values that an audit entry keeps: the text and its media's type and name. */
export function templateAuditValues(template: Template) {
  return {
    name: template.name,
    body: template.body,
    mediaType: template.mediaType ?? null,
    mediaName: template.mediaName ?? null,
  }
}
