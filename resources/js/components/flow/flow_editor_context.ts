import type { InjectionKey } from 'vue'

/** What the generated forms need from the page: choices for pickers and the campaign to preview for. */
export interface FlowEditorContext {
  campaignId: number
  /** Templates to pick from; archived ones are listed only where the campaign's flow names them. */
  templates: { id: number; name: string; archived?: boolean }[]
  instances: { id: number; name: string }[]
  variables: string[]
  readOnly: boolean
}

export const FLOW_EDITOR_CONTEXT: InjectionKey<FlowEditorContext> = Symbol('flow-editor-context')
