import type { InjectionKey } from 'vue'
import type { ContactFieldChoice } from './flow_types'

/** What the generated forms need from the page: choices for pickers and the campaign to preview for. */
export interface FlowEditorContext {
  campaignId: number
  /**
   * Templates to pick from, by name in the interface language's order. Archived
   * ones are listed only where the campaign's flow names them.
   */
  templates: { id: number; name: string; archived?: boolean }[]
  /** Connections a send step may use instead of the campaign's, by name. */
  instances: { id: number; name: string }[]
  /** Standard attributes and custom fields the `contact-field` pickers offer. */
  contactFields: ContactFieldChoice[]
  /** Contact lists the `contact-list` pickers offer, by name. */
  contactLists: { id: number; name: string }[]
  variables: string[]
  readOnly: boolean
}

export const FLOW_EDITOR_CONTEXT: InjectionKey<FlowEditorContext> = Symbol('flow-editor-context')
