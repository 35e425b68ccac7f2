export interface ImportSummary {
  id: number
  fileName: string
  status: 'uploaded' | 'queued' | 'running' | 'finished' | 'failed'
  encoding: string
  delimiter: string
  processedRows: number
  created: number
  updated: number
  duplicates: number
  rejected: number
  warned: number
  error: string | null
  hasReport: boolean
  createdAt: string
  finishedAt: string | null
}

export interface ReportEntry {
  row: number
  status: 'created' | 'updated' | 'duplicate' | 'rejected'
  name: string | null
  phone: string | null
  messages: { code: string; values: Record<string, string | number> }[]
}
