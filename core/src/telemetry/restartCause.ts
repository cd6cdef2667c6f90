/** Why a plugin's worker or process was restarted: a small fixed set, so the counter's series stay few. */
export type RestartCause = 'exit' | 'rss' | 'unresponsive' | 'error' | 'other';

export const RESTART_CAUSES: readonly RestartCause[] = ['exit', 'rss', 'unresponsive', 'error', 'other'];

/**
 * Classifies the runtime's words for a death (WorkerGeneration, ProcessThread, RssWatchdog: "memory
 * limit exceeded: RSS …", "unresponsive for … ms", "uncaught error: …", "process exited with code 3")
 * into a cause. The free text is for the log; a label must not carry it (one series per message).
 */
export function restartCause(reason: string): RestartCause {
  if (/\bRSS\b|memory|heap/i.test(reason)) return 'rss';
  if (/unresponsive|did not answer|timed? ?out/i.test(reason)) return 'unresponsive';
  if (/^uncaught error|\berror\b/i.test(reason)) return 'error';
  if (/exit|signal|killed|terminated/i.test(reason)) return 'exit';
  return 'other';
}
