import { vine, type FormField, type Infer } from '#sdk'

/** Configuration of a WhatsApp instance. Every value has a default. */
export const whatsappConfigSchema = vine.object({
  /**
   * How long the instance shows "typing…" to the recipient before each
   * send, in milliseconds; 0 sends at once. @default 0
   */
  typingMs: vine.number().min(0).max(15_000).optional(),
  /** How long a send may wait for WhatsApp before it fails as timed out, in milliseconds. @default 30000 */
  sendTimeoutMs: vine.number().min(1000).max(120_000).optional(),
  /** Delay of the first reconnect after a dropped connection, in milliseconds. @default 1000 */
  reconnectBaseMs: vine.number().min(50).max(60_000).optional(),
  /** Maximum delay between reconnects, in milliseconds. @default 300000 */
  reconnectMaxMs: vine.number().min(100).max(3_600_000).optional(),
  /**
   * Minimum wait after another WhatsApp Web session replaced this one, in
   * milliseconds, so two clients of one number do not take turns. @default 60000
   */
  replacedDelayMs: vine.number().min(0).max(3_600_000).optional(),
  /**
   * Lifetime of every QR code, in milliseconds. 0 keeps WhatsApp Web's own:
   * 60 s for the first code, 20 s for each later one. @default 0
   */
  qrTimeoutMs: vine.number().min(0).max(300_000).optional(),
})

export type WhatsAppConfigInput = Infer<typeof whatsappConfigSchema>
export type WhatsAppConfig = Required<WhatsAppConfigInput>

export const WHATSAPP_DEFAULTS: WhatsAppConfig = {
  typingMs: 0,
  sendTimeoutMs: 30_000,
  reconnectBaseMs: 1000,
  reconnectMaxMs: 300_000,
  replacedDelayMs: 60_000,
  qrTimeoutMs: 0,
}

export function whatsappConfig(input: Record<string, unknown>): WhatsAppConfig {
  const defined = Object.entries(input).filter(([, value]) => value !== undefined && value !== null)
  return { ...WHATSAPP_DEFAULTS, ...(Object.fromEntries(defined) as WhatsAppConfigInput) }
}

export const whatsappConfigFields: FormField[] = [
  {
    kind: 'number',
    name: 'typingMs',
    label: 'whatsapp.fields.typingMs',
    help: 'whatsapp.fields.typingMsHelp',
    min: 0,
    max: 15_000,
    default: WHATSAPP_DEFAULTS.typingMs,
  },
]
