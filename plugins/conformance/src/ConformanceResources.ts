import { Resource, ResourceTemplate, injectable, type BlobResourceContents, type TextResourceContents } from '@mcp-host/sdk';
import { TEST_IMAGE_BASE64, TEXTS } from './fixtures.js';

/** The resource fixtures of conformance 0.1.16 (`resources-*`). */
@injectable()
export class ConformanceResources {
  /** `resources-read-text`. */
  @Resource({
    uri: 'test://static-text',
    name: 'static-text',
    title: 'Static Text Resource',
    description: 'A static text resource for testing',
    mimeType: 'text/plain',
  })
  staticText(uri: string): TextResourceContents {
    return { uri, mimeType: 'text/plain', text: TEXTS.staticText };
  }

  /** `resources-read-binary`: a PNG as a base64 blob. */
  @Resource({
    uri: 'test://static-binary',
    name: 'static-binary',
    title: 'Static Binary Resource',
    description: 'A static binary resource (image) for testing',
    mimeType: 'image/png',
  })
  staticBinary(uri: string): BlobResourceContents {
    return { uri, mimeType: 'image/png', blob: TEST_IMAGE_BASE64 };
  }

  /** `resources-subscribe` / `resources-unsubscribe` subscribe to this URI; the host answers both with `{}`. */
  @Resource({
    uri: 'test://watched-resource',
    name: 'watched-resource',
    title: 'Watched Resource',
    description: 'A resource clients can subscribe to (resources/subscribe, resources/unsubscribe)',
    mimeType: 'text/plain',
  })
  watchedResource(uri: string): TextResourceContents {
    return { uri, mimeType: 'text/plain', text: TEXTS.watchedResource };
  }

  /** `resources-templates-read`: `test://template/123/data` → `{"id":"123","templateTest":true,"data":"Data for ID: 123"}`. */
  @ResourceTemplate({
    uriTemplate: 'test://template/{id}/data',
    name: 'template',
    title: 'Resource Template',
    description: 'A resource template with parameter substitution',
    mimeType: 'application/json',
  })
  template(uri: string, variables: Record<string, string | string[]>): TextResourceContents {
    const raw = variables.id;
    const id = Array.isArray(raw) ? raw.join(',') : raw;
    return {
      uri,
      mimeType: 'application/json',
      text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
    };
  }
}
