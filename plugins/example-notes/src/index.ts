/**
 * Example plugin: decorated classes sharing one service through the plugin's own DI container.
 */
import { definePlugin } from '@mcp-host/sdk';
import { NotesConfigSchema } from './config.js';
import { NotesApp } from './NotesApp.js';
import { NotesResources } from './NotesResources.js';
import { NotesService } from './NotesService.js';
import { NotesTools } from './NotesTools.js';

export default definePlugin({
  // The host validates the config section with it (a bad one fails the load, naming each path).
  config: NotesConfigSchema,
  classes: [NotesTools, NotesResources, NotesApp],
  setup(scope) {
    // One NotesService per plugin generation, shared by NotesTools and NotesResources.
    scope.container.registerSingleton(NotesService);
    scope.logger.info({ maxNotes: scope.config.maxNotes }, 'notes plugin set up'); // the logger already carries plugin id and version
    scope.onDispose(() => {
      scope.logger.info('notes plugin disposed; its notes are dropped');
    });
  },
});
