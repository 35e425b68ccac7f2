import { getCurrentInstance, onBeforeUnmount, ref, watch } from 'vue'
import { requestJson } from './flow_api'
import type { FlowStore } from './useFlowStore'
import type { FlowProblem, PortInfo } from './flow_types'

/** Quiet time after the last change before the draft is saved, in milliseconds. */
const AUTOSAVE_DELAY_MS = 600

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'error' | 'conflict'

/**
 * Saves the draft a moment after each change and takes the server's
 * validation back: problems, ports, the new revision and whether the draft
 * equals the version the campaign runs. A 409 means another
 * editor saved first; saving stops until the page is reloaded, so neither
 * draft silently overwrites the other.
 */
export function useFlowAutosave(
  store: FlowStore,
  campaignId: number,
  initial: { revision: number; problems: FlowProblem[]; matchesCurrentVersion: boolean },
  enabled: boolean
) {
  const revision = ref(initial.revision)
  const problems = ref<FlowProblem[]>(initial.problems)
  const matchesCurrentVersion = ref(initial.matchesCurrentVersion)
  const status = ref<SaveStatus>('saved')
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> | null = null
  let again = false

  async function save() {
    if (status.value === 'conflict') return
    if (inFlight) {
      again = true
      return inFlight
    }
    status.value = 'saving'
    const sentVersion = store.version.value
    inFlight = (async () => {
      try {
        const response = await requestJson<{
          revision: number
          problems: FlowProblem[]
          ports: Record<string, PortInfo[]>
          matchesCurrentVersion: boolean
        }>('PUT', `/campaigns/${campaignId}/flow`, { graph: store.graph, revision: revision.value })
        if (response.status === 409) {
          status.value = 'conflict'
          return
        }
        if (!response.ok) {
          status.value = 'error'
          return
        }
        revision.value = response.body.revision
        problems.value = response.body.problems
        matchesCurrentVersion.value = response.body.matchesCurrentVersion
        store.serverPorts.value = response.body.ports
        status.value = store.version.value === sentVersion ? 'saved' : 'pending'
      } catch {
        status.value = 'error'
      } finally {
        inFlight = null
      }
    })()
    await inFlight
    if (again || (status.value as SaveStatus) === 'pending') {
      again = false
      await save()
    }
  }

  /** Saves now unless nothing changed since the last save. */
  async function flush() {
    clearTimeout(timer)
    if (status.value !== 'saved') await save()
    if (inFlight) await inFlight
  }

  if (enabled) {
    watch(store.version, () => {
      if (status.value === 'conflict') return
      status.value = 'pending'
      clearTimeout(timer)
      timer = setTimeout(save, AUTOSAVE_DELAY_MS)
    })
  }

  // A pending save still runs after the editor closes, but its timer must not outlive it.
  if (getCurrentInstance()) onBeforeUnmount(() => clearTimeout(timer))

  return { revision, problems, matchesCurrentVersion, status, flush, save }
}
