import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { useTranslate } from '~/composables/useTranslate'
import { requestJson } from '~/components/flow/flow_api'
import { sortByName } from '~/lib/name_order'

/** A contact as the contact pickers offer it. */
export interface ContactChoice {
  id: number
  name: string | null
  phone: string
}

/** Delay after the last key typed before the search is sent, in milliseconds. */
const SEARCH_DELAY_MS = 250

/**
 * Searches the contacts of a picker on the server as the member types, so
 * a workspace of any size can be searched. `url` builds the address of a
 * search term, whose JSON body is `{ contacts }`, and `initial` is what the
 * picker shows before the first search. The choices are sorted by name in the
 * interface language's order. A search that finds contacts chooses the
 * first one, and the chosen contact (`contactId`) stays among the choices
 * when a later search leaves it out.
 */
export function useContactSearch(
  url: (search: string) => string,
  contactId: Ref<number | null>,
  initial: ContactChoice[] = []
) {
  const { locale } = useTranslate()
  const search = ref('')
  const found = ref<ContactChoice[]>([...initial])
  const chosen = ref<ContactChoice | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let requestNumber = 0

  /** Sends the current search; a reply that arrives after a newer search's is dropped. */
  async function load() {
    const current = ++requestNumber
    const response = await requestJson<{ contacts: ContactChoice[] }>('GET', url(search.value))
    if (current !== requestNumber || !response.ok) {
      return
    }
    found.value = response.body.contacts
    if (search.value.trim() !== '' && found.value.length > 0) {
      contactId.value = sortByName(found.value, locale.value)[0].id
    }
  }

  watch(search, () => {
    clearTimeout(timer)
    timer = setTimeout(load, SEARCH_DELAY_MS)
  })
  onBeforeUnmount(() => clearTimeout(timer))

  watch(
    [contactId, found],
    () => {
      const match = found.value.find((contact) => contact.id === contactId.value)
      if (match) {
        chosen.value = match
      }
    },
    { immediate: true }
  )

  const choices = computed(() => {
    const sorted = sortByName(found.value, locale.value)
    const current = chosen.value
    if (
      current &&
      current.id === contactId.value &&
      !sorted.some((contact) => contact.id === current.id)
    ) {
      return [current, ...sorted]
    }
    return sorted
  })

  /** The chosen contact, or `null` when none is chosen. */
  const contact = computed(
    () => choices.value.find((candidate) => candidate.id === contactId.value) ?? null
  )

  /** Whether the last search found no contact. */
  const noMatch = computed(() => search.value.trim() !== '' && found.value.length === 0)

  return { search, choices, contact, noMatch, load }
}
