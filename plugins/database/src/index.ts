/**
 * The database plugin (id `database`): PostgreSQL and SQLite connections from config, read-only
 * queries by default, writes only where a connection allows them, schema resources, limits and
 * column masking.
 */
import { definePlugin } from '@mcp-host/sdk';
import { databaseConfig } from './config.js';
import { DatabaseResources } from './DatabaseResources.js';
import { Databases } from './Databases.js';
import { DatabaseTools } from './DatabaseTools.js';

export default definePlugin({
  // A bad config fails the load with every problem named by path.
  config: databaseConfig(),
  classes: [DatabaseTools, DatabaseResources],
  async setup(scope) {
    const settings = scope.config;
    const databases = new Databases(settings, scope.logger);
    // Registered as an instance (useValue), which tsyringe never disposes: the pools close through onDispose.
    scope.container.registerInstance(Databases, databases);
    scope.onDispose(async () => {
      await databases.close();
      scope.logger.info('database connections closed');
    });
    // A role that can do more than its connection may fails the load here, where operators look at
    // start-up, rather than on some later call.
    await databases.checkRoles();
    scope.logger.info({ connections: databases.names() }, 'database plugin set up');
  },
});
