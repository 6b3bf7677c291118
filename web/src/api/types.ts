// The JSON of the cc-analytics API (shared/spec/API.md), as the dashboard reads it.

export interface ModelShare {
  model: string;
  count: number;
  percentage: number;
}

export interface Overview {
  totalSessions: number;
  totalCost: number;
  totalTokens: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  tokensWithCache: number;
  avgSessionDuration: number;
  topModels: ModelShare[];
  dateRange: { from: string; to: string } | null;
  totalResponses: number;
  totalToolCalls: number;
  cacheHitRate: number;
  unpricedModels: string[];
  rateLimitHits: number;
}

export interface Session {
  id: string;
  projectPath: string;
  startTime: string;
  endTime: string;
  duration: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
  model: string | null;
  title: string | null;
  models: string[];
  gitBranch: string | null;
  version: string | null;
  userPrompts: number;
  responses: number;
  toolCalls: number;
  toolErrors: number;
  subagents: number;
  compactions: number;
}

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
}

export interface SessionPage {
  sessions: Session[];
  pagination: Pagination;
}

export type MessageKind = 'prompt' | 'response' | 'tool_result' | 'meta' | 'compact_summary' | string;

export interface Message {
  id: string;
  sessionId: string;
  timestamp: string;
  role: 'user' | 'assistant' | 'system' | string;
  content: string;
  inputTokens: number;
  outputTokens: number;
  kind: MessageKind;
  model: string | null;
  isSidechain: boolean;
  agentId: string | null;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

export interface SessionDetail {
  session: Session;
  messages: Message[];
}

export interface DailyModel {
  model: string;
  cost: number;
  tokens: number;
}

export interface DailyUsage {
  date: string;
  sessions: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  avgDuration: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  responses: number;
  models: DailyModel[];
}

export interface ModelUsage {
  model: string;
  count: number;
  percentage: number;
  totalCost: number;
  totalTokens: number;
  responses: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

export interface ToolUsage {
  tool: string;
  count: number;
  percentage: number;
  errors: number;
  sessions: number;
}

export interface ProjectUsage {
  projectPath: string;
  sessions: number;
  responses: number;
  cost: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  tokensWithCache: number;
  lastActivity: string | null;
  models: string[];
}

export interface HeatmapCell {
  weekday: number;
  hour: number;
  responses: number;
  cost: number;
  tokensWithCache: number;
}

export interface Block {
  id: string;
  startTime: string;
  endTime: string;
  lastActivity: string;
  isActive: boolean;
  responses: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  tokensWithCache: number;
  cost: number;
  models: string[];
  burnRate: { tokensPerMinute: number; costPerHour: number } | null;
  projection: { tokensWithCache: number; cost: number; remainingMinutes: number } | null;
}

export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface SyncRunStats {
  filesProcessed: number;
  sessionsAdded: number;
  messagesAdded: number;
  errors: number;
}

export interface SyncStatus {
  lastSync: string | null;
  isRunning: boolean;
  /** 0 (and the stats all 0) before the first sync, when `lastSync` is null. */
  lastSyncDuration: number;
  lastSyncStats: SyncRunStats;
  progress: SyncProgress | null;
  lastError: string | null;
  syncId: string | null;
  /** What the last dry run since the server started would have done. */
  lastDryRun: { syncId: string; finished: string; duration: number; stats: SyncRunStats; error: string | null } | null;
}

export interface SyncPreview {
  pendingFiles: { path: string; lastModified: string | null; estimatedSessions: number; estimatedMessages: number }[];
  totalPendingFiles: number;
  estimatedNewSessions: number;
  estimatedNewMessages: number;
}

export interface SyncStats {
  totalSessions: number;
  totalMessages: number;
  oldestSession: string | null;
  newestSession: string | null;
  databaseSize: string;
  databaseSizeBytes?: number;
  retentionDays: number | null;
}

export interface SyncStarted {
  started: boolean;
  syncId: string;
  message: string;
}

export interface Health {
  status: string;
  version?: string;
  [key: string]: unknown;
}
