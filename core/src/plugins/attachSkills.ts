import type { SkillBinding, ResourceBinding } from '../catalog/bindings.js';
import { readSkill } from '../skills/readSkill.js';
import type { PluginGeneration } from './loadPlugin.js';
import type { PluginManifest } from './readManifest.js';

/**
 * Adds the skills a plugin's manifest declares to a freshly loaded generation: the host reads the
 * folders itself (no plugin code runs for them, whatever the plugin's isolation), so the files and
 * the skills come and go with the generation, as its other items do. A skill that cannot be read
 * fails the load; the generation is disposed and the serving one stays.
 */
export async function attachSkills(generation: PluginGeneration, manifest: PluginManifest): Promise<PluginGeneration> {
  try {
    const skills: SkillBinding[] = [];
    const resources: ResourceBinding[] = [];
    for (const decl of manifest.skills) {
      const declared = decl.scopes || decl.roles ? { scopes: decl.scopes, roles: decl.roles } : undefined;
      const read = await readSkill({ dir: decl.dir, authority: manifest.id, plugin: generation.info, logger: generation.logger, declared });
      skills.push(read.skill);
      resources.push(...read.resources);
    }
    // The generation object is the one its runtime reports crashes with, so it is completed in place.
    generation.bindings = { ...generation.bindings, resources: [...generation.bindings.resources, ...resources], skills };
    // Kept when the plugin changes its own items (see publishBindings).
    generation.hostBindings = { resources, skills };
    return generation;
  } catch (e) {
    await generation.dispose();
    throw e;
  }
}
