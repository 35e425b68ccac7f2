import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import type { apiCampaignValidator } from '#validators/api'
import type { CampaignSettingsInput } from '#services/campaigns/campaign_settings'
import { settingsErrors, unknownChoices } from '#services/campaigns/campaign_settings'
import { ApiException } from '#services/api/api_errors'
import { engineNow } from '#engine/clock'

type ApiCampaignInput = Infer<typeof apiCampaignValidator>

/** Field of the API input that each settings field of the web form comes from. */
const API_FIELD: Record<string, string> = {
  'startsAtLocal': 'startsAt',
  'quietHours.window.end': 'quietHours.end',
}

/**
 * Converts a campaign created through the API into the settings the web
 * form saves, with the form's defaults, and raises a 422 `ApiException`
 * for a value the settings rules reject or an id the tenant does not own.
 */
export async function campaignSettingsFrom(
  input: ApiCampaignInput,
  timeZone: string,
  translate: (key: string, values: Record<string, string | number>) => string
): Promise<CampaignSettingsInput> {
  const settings: CampaignSettingsInput = {
    name: input.name,
    listIds: input.listIds ?? [],
    segmentIds: input.segmentIds ?? [],
    channelInstanceIds: input.channelInstanceIds ?? [],
    variables: Object.entries(input.variables ?? {}).map(([name, value]) => ({ name, value })),
    startMode: input.startsAt ? 'at' : 'now',
    startsAtLocal: input.startsAt ? localTime(input.startsAt, timeZone) : null,
    minIntervalSeconds: input.minIntervalSeconds ?? 30,
    maxIntervalSeconds: input.maxIntervalSeconds ?? 90,
    dailyCapPerNumber: input.dailyCapPerNumber ?? null,
    pauseAfterSends: input.pauseAfterSends ?? null,
    pauseMinutes: input.pauseMinutes ?? null,
    quietHours: input.quietHours
      ? { mode: 'custom', window: input.quietHours }
      : { mode: 'tenant', window: null },
  }

  const errors = Object.entries(settingsErrors(settings, timeZone, { now: await engineNow() }))
  if (errors.length > 0) {
    const [field, { key, values }] = errors[0]
    throw new ApiException(translate(key, values), {
      code: 'E_VALIDATION_ERROR',
      status: 422,
      field: API_FIELD[field] ?? field,
    })
  }
  const [unknown] = Object.entries(await unknownChoices(settings))
  if (unknown) {
    const [field, { values }] = unknown
    throw new ApiException(
      `No ${field.replace(/Ids$/, '')} with id ${values.ids} in this tenant.`,
      { code: 'E_VALIDATION_ERROR', status: 422, field }
    )
  }
  return settings
}

/** The end of an ISO 8601 time that gives its offset: `Z`, `+03:00` or `-0300`. */
const OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i

function localTime(iso: string, timeZone: string) {
  const time = DateTime.fromISO(iso, { setZone: true })
  // A time without an offset would be read in the server's zone, hours away from the one meant.
  if (!time.isValid || !iso.includes('T') || !OFFSET.test(iso)) {
    throw new ApiException(
      `startsAt "${iso}" is not an ISO 8601 date and time with an offset. Send one such as 2030-01-31T12:00:00Z or 2030-01-31T09:00:00-03:00.`,
      { code: 'E_VALIDATION_ERROR', status: 422, field: 'startsAt' }
    )
  }
  return time.setZone(timeZone).toFormat("yyyy-MM-dd'T'HH:mm")
}
