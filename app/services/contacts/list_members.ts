import Contact from '#models/contact'
import type ContactList from '#models/contact_list'
import { addToLists } from '#services/contacts/contact_service'
import { parsePhone } from '#services/contacts/phone_numbers'

/**
 * Adds contacts of the current tenant to a static list by id or by phone
 * number in any format. Returns how many were added, the entries that are
 * not phone numbers (`invalid`) and the numbers that match no contact
 * (`notFound`), each as typed.
 */
export async function addListMembers(
  list: ContactList,
  input: { contactIds: number[]; phones: string[] },
  defaultCountry: string
) {
  const numbers = input.phones.map((phone) => parsePhone(phone, defaultCountry))
  const valid = numbers.flatMap((number) => (number.ok ? [number.e164] : []))
  const contacts = await Contact.query()
    .where((query) => query.whereIn('id', input.contactIds).orWhereIn('phone', valid))
    .select('id', 'phone')
  await addToLists(
    contacts.map((contact) => contact.id),
    [list.id]
  )

  const found = new Set(contacts.map((contact) => contact.phone))
  const invalid: string[] = []
  const notFound: string[] = []
  input.phones.forEach((phone, index) => {
    const number = numbers[index]
    if (!number.ok) {
      invalid.push(phone)
    } else if (!found.has(number.e164)) {
      notFound.push(phone)
    }
  })
  return { added: contacts.length, invalid, notFound }
}
