export interface ImportSummary {
  id: number
  fileName: string
  status: 'uploaded' | 'queued' | 'running' | 'finished' | 'failed'
  encoding: string
  delimiter: string
  processedRows: number
  created: number
  updated: number
  kept: number
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
  status: 'created' | 'updated' | 'kept' | 'duplicate' | 'rejected'
  name: string | null
  phone: string | null
  messages: { code: string; values: Record<string, string | number> }[]
}

/** Problem that keeps the header of an upload from being read, with the line it starts on. */
export interface HeaderProblem {
  line: number
  code: string
  values: Record<string, string | number>
}
