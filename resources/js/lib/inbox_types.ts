/** A conversation as the inbox list shows it. */
export interface InboxConversation {
  id: number
  instanceId: number
  instanceName: string | null
  contactId: number | null
  contactName: string | null
  consent: string | null
  address: string
  senderName: string | null
  assignedUserId: number | null
  assigneeName: string | null
  unreadCount: number
  lastMessageAt: string | null
  lastDirection: 'in' | 'out' | null
  lastPreview: string | null
  /** Direction of the message previewed: the latest from the contact while unread, else the last. */
  previewDirection: 'in' | 'out' | null
  preview: string | null
  cursor: string
}

/** A message as the server serializes it. */
export interface InboxMessage {
  id: number
  direction: 'in' | 'out'
  instanceId: number
  contactId: number | null
  conversationId: number | null
  campaignId: number | null
  sentByUserId: number | null
  address: string
  body: string | null
  media: { source: string; mimeType: string; fileName: string | null } | null
  status: string
  queuedAt: string | null
  sentAt: string | null
  deliveredAt: string | null
  readAt: string | null
  failedAt: string | null
  receivedAt: string | null
  failureCode: string | null
  failureReason: string | null
  createdAt: string
}

export interface InboxNote {
  id: number
  body: string
  authorName: string | null
  createdAt: string
}

/** The open conversation with its messages, contact, campaigns and notes. */
export interface ConversationDetail {
  conversation: InboxConversation
  messages: InboxMessage[]
  more: boolean
  contact: {
    id: number
    name: string | null
    phone: string
    consent: string
    tags: string[]
  } | null
  campaigns: { id: number; name: string }[]
  notes: InboxNote[]
}

export type InboxEvent =
  | { type: 'conversation'; conversation: InboxConversation }
  | { type: 'message'; message: InboxMessage }
  | { type: 'unread'; unread: { conversations: number; messages: number }; countedAt: number }
  | { type: 'merged'; fromId: number; intoId: number }

/** A rejection as the inbox routes send it: a code, a translation key and its values. */
export interface InboxError {
  code?: string
  message?: string
  key?: string
  values?: Record<string, unknown>
  /** The validator's messages when the server rejected the form. */
  errors?: { field?: string; message: string }[]
}
