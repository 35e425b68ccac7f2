import {
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max'
import { getCountry } from 'countries-and-timezones'

/**
 * Why a phone value could not be read. Each reason has a translation
 * `contacts.phone_errors.<reason>`.
 */
export type PhoneProblem = 'missing' | 'scientific_notation' | 'invalid'

/** Something worth telling about a number that was read. */
export type PhoneNotice = 'ninth_digit_added' | 'landline'

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; notices: PhoneNotice[] }
  | { ok: false; problem: PhoneProblem; value: string }

/**
 * A spreadsheet turns a long number into scientific notation (`1,19877E+10`),
 * which loses its last digits for good.
 */
const SCIENTIFIC_NOTATION = /^\s*\d+(?:[.,]\d+)?\s*e\s*\+?\d+\s*$/i

/**
 * Reads a phone number as people write it, with `defaultCountry` for numbers
 * without a country code, and returns it in E.164.
 *
 * A Brazilian mobile written with the eight digits it had before 2016
 * (`11 8765-4320`) gets its ninth digit and the `ninth_digit_added` notice.
 * A landline is kept with the `landline` notice, because it may have no
 * WhatsApp.
 */
export function parsePhone(raw: string | null | undefined, defaultCountry: string): PhoneResult {
  const value = (raw ?? '').trim()
  if (value === '') {
    return { ok: false, problem: 'missing', value }
  }
  if (SCIENTIFIC_NOTATION.test(value)) {
    return { ok: false, problem: 'scientific_notation', value }
  }

  const parsed = parsePhoneNumberFromString(value, defaultCountry as CountryCode)
  if (!parsed) {
    return { ok: false, problem: 'invalid', value }
  }

  // With the full metadata, a number has a type exactly when it matches one
  // of its country's number patterns, so one getType() call replaces
  // isValid() and getType(), which would match the same patterns twice.
  const notices: PhoneNotice[] = []
  let number: PhoneNumber = parsed
  let type = number.getType()
  if (type === undefined) {
    const fixed = withBrazilianNinthDigit(number)
    if (!fixed) {
      return { ok: false, problem: 'invalid', value }
    }
    number = fixed
    type = 'MOBILE'
    notices.push('ninth_digit_added')
  }

  if (type === 'FIXED_LINE') {
    notices.push('landline')
  }
  return { ok: true, e164: number.number, country: number.country, notices }
}

/**
 * Returns the Brazilian mobile number with a 9 before its eight subscriber
 * digits, or undefined when that does not make a valid mobile. Old mobiles
 * started with 6 to 9; the 9 was added in every area code by 2016.
 */
function withBrazilianNinthDigit(number: PhoneNumber) {
  const national = number.nationalNumber
  const subscriber = national.slice(2)
  if (number.countryCallingCode !== '55' || national.length !== 10 || !/^[6-9]/.test(subscriber)) {
    return undefined
  }
  const candidate = parsePhoneNumberFromString(`+55${national.slice(0, 2)}9${subscriber}`)
  return candidate?.getType() === 'MOBILE' ? candidate : undefined
}

/**
 * Returns the IANA time zone of the number's country when that country has
 * exactly one, else `fallback`.
 */
export function timezoneForCountry(country: string | undefined, fallback: string) {
  if (!country) {
    return fallback
  }
  const zones = getCountry(country)?.timezones ?? []
  return zones.length === 1 ? zones[0] : fallback
}

/**
 * Returns digits of a search term that looks like a phone number, so a search
 * for `(11) 98765-4321` finds `+5511987654321`.
 */
export function phoneSearchTerm(term: string, defaultCountry: string) {
  const digits = term.replace(/\D/g, '')
  if (digits.length < 4 || /[a-z@]/i.test(term)) {
    return undefined
  }
  const parsed = parsePhone(term, defaultCountry)
  return parsed.ok ? parsed.e164.slice(1) : digits
}
