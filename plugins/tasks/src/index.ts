/**
 * The tasks plugin: one tool per configured, allow-listed command. With no tasks configured it
 * serves no tools, so a default config can load it safely.
 */
import { definePlugin, type ToolDefinition } from '@mcp-host/sdk';
import { TASKS, resolveTasksConfig } from './config.js';
import { TaskRunner } from './TaskRunner.js';
import { TasksCatalog } from './TasksCatalog.js';
import { TaskTools } from './TaskTools.js';

/**
 * The task tools. Their names and schemas come from the config, which only setup() sees:
 * definePlugin freezes the definition but not this array, and the host reads it after setup.
 */
const tools: ToolDefinition[] = [];

export default definePlugin({
  classes: [TasksCatalog],
  tools,
  async setup(scope) {
    // A bad section (unknown placeholder, bad pattern, missing folder…) fails the load, naming every problem.
    const tasks = await resolveTasksConfig(scope.config, process.cwd());
    scope.container.register(TASKS, { useValue: tasks });
    scope.container.registerSingleton(TaskRunner);
    const runner = scope.container.resolve(TaskRunner);
    // A reload or shutdown stops every run's process tree; nothing outlives its generation.
    scope.onDispose(() => runner.stopAll());
    tools.splice(0, tools.length, ...scope.container.resolve(TaskTools).definitions());
    scope.logger.info({ tasks: tasks.map((t) => t.name) }, 'tasks plugin set up');
  },
});
