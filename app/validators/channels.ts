import vine from '@vinejs/vine'

export const instanceValidator = vine.create(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    channel: vine.string().trim().maxLength(50),
    /**
     * Channel settings, checked against the channel's own schema. A setting
     * left empty arrives as null and takes the channel's default.
     */
    config: vine.record(vine.any().optional()).optional(),
  })
)

export const instanceUpdateValidator = vine.create(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    config: vine.record(vine.any().optional()).optional(),
  })
)

export const scanValidator = vine.create(vine.object({ qr: vine.string().maxLength(500) }))

/** The contact whose conversation with a simulated connection to show. */
export const simulatorConversationValidator = vine.create(
  vine.object({ contactId: vine.number().withoutDecimals().positive() })
)

export const replyValidator = vine.create(
  vine.object({
    contactId: vine.number().withoutDecimals(),
    text: vine.string().trim().minLength(1).maxLength(4096),
    /** Reply from the phone's WhatsApp privacy address: with the phone as an alias, or alone. */
    lid: vine.enum(['with_phone', 'only']).optional(),
  })
)

/** A phone number to link with a pairing code, in E.164 such as +5511987654321. */
export const pairingCodeValidator = vine.create(
  vine.object({
    phone: vine
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/),
  })
)
