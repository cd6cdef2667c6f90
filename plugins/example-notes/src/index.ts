/**
 * Example plugin: decorated classes sharing one service through the plugin's own DI container.
 */
import { definePlugin } from '@mcp-host/sdk';
import { parseNotesConfig } from './config.js';
import { NotesApp } from './NotesApp.js';
import { NotesResources } from './NotesResources.js';
import { NotesService } from './NotesService.js';
import { NotesTools } from './NotesTools.js';

export default definePlugin({
  classes: [NotesTools, NotesResources, NotesApp],
  setup(scope) {
    // Fail the load early, with a readable reason, when the config section is wrong.
    const config = parseNotesConfig(scope.config);
    // One NotesService per plugin generation, shared by NotesTools and NotesResources.
    scope.container.registerSingleton(NotesService);
    scope.logger.info({ maxNotes: config.maxNotes }, 'notes plugin set up'); // the logger already carries plugin id and version
    scope.onDispose(() => {
      scope.logger.info('notes plugin disposed; its notes are dropped');
    });
  },
});
