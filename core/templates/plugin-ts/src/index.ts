/**
 * The plugin's entry: the host imports the compiled dist/index.js and reads this definition.
 */
import { definePlugin } from '@mcp-host/sdk';
import { GreetingTools } from './GreetingTools.js';

export default definePlugin({
  classes: [GreetingTools],
  setup(scope) {
    // The logger already carries the plugin id and version.
    scope.logger.info('{{id}} set up');
  },
});
