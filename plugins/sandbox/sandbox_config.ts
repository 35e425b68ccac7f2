import { vine, type FormField, type Infer } from '#sdk'

/** Configuration of a sandbox instance. Every value has a default. */
export const sandboxConfigSchema = vine.object({
  /** Time the simulated provider takes to accept a send, in milliseconds. @default 0 */
  sentDelayMs: vine.number().min(0).max(60_000).optional(),
  /** Time from acceptance to the `delivered` receipt, in milliseconds. @default 500 */
  deliveredDelayMs: vine.number().min(0).max(600_000).optional(),
  /** Time from delivery to the `read` receipt, in milliseconds. @default 2000 */
  readDelayMs: vine.number().min(0).max(3_600_000).optional(),
  /** Whether `read` receipts are sent at all. @default true */
  readReceipts: vine.boolean().optional(),
  /** Percentage of accepted messages that get a `failed` receipt instead of `delivered`. @default 0 */
  failurePercent: vine.number().min(0).max(100).optional(),
  /** Percentage of recipient numbers that have no WhatsApp account. @default 0 */
  notOnWhatsAppPercent: vine.number().min(0).max(100).optional(),
  /** Lifetime of each QR code before a new one replaces it, in milliseconds. @default 20000 */
  qrRefreshMs: vine.number().min(500).max(300_000).optional(),
  /** QR codes shown before pairing gives up with `closed`. @default 5 */
  qrAttempts: vine.number().min(1).max(50).optional(),
  /** Wait before reconnecting after a dropped connection, in milliseconds. @default 1000 */
  reconnectDelayMs: vine.number().min(0).max(60_000).optional(),
})

export type SandboxConfigInput = Infer<typeof sandboxConfigSchema>
export type SandboxConfig = Required<SandboxConfigInput>

export const SANDBOX_DEFAULTS: SandboxConfig = {
  sentDelayMs: 0,
  deliveredDelayMs: 500,
  readDelayMs: 2000,
  readReceipts: true,
  failurePercent: 0,
  notOnWhatsAppPercent: 0,
  qrRefreshMs: 20_000,
  qrAttempts: 5,
  reconnectDelayMs: 1000,
}

export function sandboxConfig(input: Record<string, unknown>): SandboxConfig {
  const defined = Object.entries(input).filter(([, value]) => value !== undefined && value !== null)
  return { ...SANDBOX_DEFAULTS, ...(Object.fromEntries(defined) as SandboxConfigInput) }
}

/** A number field whose range matches `sandboxConfigSchema` and whose placeholder is the default. */
const field = (name: keyof SandboxConfig, min: number, max: number): FormField => ({
  kind: 'number',
  name,
  label: `sandbox.fields.${name}`,
  min,
  max,
  default: SANDBOX_DEFAULTS[name] as number,
})

export const sandboxConfigFields: FormField[] = [
  field('sentDelayMs', 0, 60_000),
  field('deliveredDelayMs', 0, 600_000),
  field('readDelayMs', 0, 3_600_000),
  { kind: 'boolean', name: 'readReceipts', label: 'sandbox.fields.readReceipts' },
  field('failurePercent', 0, 100),
  field('notOnWhatsAppPercent', 0, 100),
  field('qrRefreshMs', 500, 300_000),
  field('qrAttempts', 1, 50),
]
