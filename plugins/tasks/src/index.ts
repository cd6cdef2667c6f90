/**
 * The tasks plugin: one tool per configured, allow-listed command. With no tasks configured it
 * serves no tools, so a default config can load it safely.
 */
import { definePlugin } from '@mcp-host/sdk';
import { TASKS, tasksConfig } from './config.js';
import { TaskRunner } from './TaskRunner.js';
import { TasksCatalog } from './TasksCatalog.js';
import { TaskTools } from './TaskTools.js';

export default definePlugin({
  // A bad section (unknown placeholder, bad pattern, missing folder…) fails the load, naming every problem by path.
  config: tasksConfig(process.cwd()),
  classes: [TasksCatalog],
  setup({ config: tasks, container, logger, onDispose }) {
    container.register(TASKS, { useValue: tasks });
    container.registerSingleton(TaskRunner);
    const runner = container.resolve(TaskRunner);
    // A reload or shutdown stops every run's process tree; nothing outlives its generation.
    onDispose(() => runner.stopAll());
    logger.info({ tasks: tasks.map((t) => t.name) }, 'tasks plugin set up');
  },
  // The task tools: their names and schemas come from the config.
  items: (_tasks, { container }) => ({ tools: container.resolve(TaskTools).definitions() }),
});
