import vine from '@vinejs/vine'

export const inboxReplyValidator = vine.create(
  vine.object({
    text: vine.string().trim().maxLength(4096).optional(),
    templateId: vine.number().withoutDecimals().positive().optional(),
    file: vine.file({ size: '16mb' }).optional(),
  })
)

export const assigneeValidator = vine.create(
  vine.object({ userId: vine.number().withoutDecimals().positive().nullable() })
)

export const noteValidator = vine.create(
  vine.object({ body: vine.string().trim().minLength(1).maxLength(4000) })
)

export const olderMessagesValidator = vine.create(
  vine.object({ before: vine.number().withoutDecimals().positive().optional() })
)

export const tagValidator = vine.create(
  vine.object({ name: vine.string().trim().minLength(1).maxLength(200) })
)
