import type { InjectionKey } from 'vue'

/** What the generated forms need from the page: choices for pickers and the campaign to preview for. */
export interface FlowEditorContext {
  campaignId: number
  templates: { id: number; name: string }[]
  instances: { id: number; name: string }[]
  variables: string[]
  readOnly: boolean
}

export const FLOW_EDITOR_CONTEXT: InjectionKey<FlowEditorContext> = Symbol('flow-editor-context')
