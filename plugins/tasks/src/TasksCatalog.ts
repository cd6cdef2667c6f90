import { Resource, inject, injectable, type TextResourceContents } from '@mcp-host/sdk';
import { TASKS, type TaskSettings } from './config.js';

/** What each task tool runs, for operators and clients that want to see it before calling. */
@injectable()
export class TasksCatalog {
  constructor(@inject(TASKS) private readonly tasks: readonly TaskSettings[]) {}

  @Resource({
    uri: 'tasks://catalog',
    name: 'tasks-catalog',
    title: 'Configured tasks',
    description: 'Every configured task: its command, argument template, parameters, folder and limits (environment values are not shown).',
    mimeType: 'application/json',
  })
  catalog(uri: string): TextResourceContents {
    const tasks = this.tasks.map((t) => ({
      name: t.name,
      description: t.description,
      command: t.command,
      args: t.args,
      params: t.params,
      cwd: t.cwd,
      useWorkingFolder: t.useWorkingFolder,
      envNames: Object.keys(t.env),
      inheritEnv: t.inheritEnv,
      timeoutMs: t.timeoutMs,
      maxConcurrent: t.maxConcurrent,
    }));
    return { uri, mimeType: 'application/json', text: JSON.stringify(tasks, null, 2) };
  }
}
