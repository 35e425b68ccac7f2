import { randomBytes } from 'node:crypto'
import AudienceSetting from '#models/audience_setting'

/**
 * Keywords that opt a contact out when they are the whole inbound message,
 * in English and Brazilian Portuguese.
 */
export const DEFAULT_OPT_OUT_KEYWORDS = [
  'STOP',
  'SAIR',
  'PARAR',
  'CANCELAR',
  'DESCADASTRAR',
  'UNSUBSCRIBE',
]

/**
 * Returns the current tenant's audience settings, creating them with the
 * defaults on first use. Two concurrent first uses may both try to insert;
 * the unique tenant index lets one win and the other reads it.
 */
export async function audienceSettings() {
  const existing = await AudienceSetting.query().first()
  if (existing) {
    return existing
  }
  try {
    return await AudienceSetting.create({
      optOutKeywords: DEFAULT_OPT_OUT_KEYWORDS,
      optOutReply: null,
      hashSalt: randomBytes(32).toString('hex'),
      importMapping: {},
    })
  } catch (error) {
    const raced = await AudienceSetting.query().first()
    if (raced) {
      return raced
    }
    throw error
  }
}
