import { onBeforeUnmount, ref, type Ref } from 'vue'
import { followChannel } from '~/lib/live_channels'

export type DeletionStepName = 'campaigns' | 'instances' | 'jobs' | 'plugins' | 'files' | 'rows'

/** A workspace deletion as the server serializes it for its page and its channel. */
export interface WorkspaceDeletionView {
  id: number
  workspaceName: string
  requestedBy: string | null
  requestedAt: string
  status: 'queued' | 'running' | 'finished'
  step: DeletionStepName | null
  percent: number
  steps: { name: DeletionStepName; state: 'pending' | 'running' | 'done'; count: number }[]
  tables: { name: string; total: number; removed: number }[]
  rowsTotal: number
  rowsRemoved: number
  finishedAt: string | null
}

/**
 * Follows a deletion's progress on `workspace-deletions/<id>`. Every event
 * carries the whole state, so the newest one replaces what was shown.
 * `onFollowing` runs once the subscription exists, for a page that reads
 * its props again to catch a change made before it subscribed.
 */
export function useWorkspaceDeletion<View extends { id: number; percent: number; status?: string }>(
  initial: View,
  onFollowing?: () => void
): Ref<View> {
  const live = ref(initial) as Ref<View>
  const { stop, created } = followChannel(`workspace-deletions/${initial.id}`, (event) => {
    const next = event as Partial<View>
    if (typeof next?.percent === 'number') {
      live.value = { ...live.value, ...next }
    }
  })
  created.then(() => onFollowing?.()).catch(() => {})
  onBeforeUnmount(stop)
  return live
}
