import { parsePhoneNumberFromString } from 'libphonenumber-js'

/**
 * Formats a stored phone number (E.164, such as `+5531988770003`) the way
 * people write it: `+55 31 98877 0003`, with the country code first because
 * contacts come from many countries. A value that is not a phone number,
 * such as a channel address, is returned unchanged.
 */
export function formatPhone(value: string) {
  const parsed = parsePhoneNumberFromString(value)
  return parsed ? parsed.formatInternational() : value
}
