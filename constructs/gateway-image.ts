/**
 * The gateway image this version of the package was released with. The release workflow
 * publishes `ghcr.io/<owner>/poorman-faas-gateway:<version>` from the project's Dockerfile, so
 * the constructs and the image stay in step without anyone editing a tag by hand.
 */
import packageJson from '../package.json' with { type: 'json' };

/** Registry owner the release workflow publishes under. */
export const GATEWAY_IMAGE_OWNER = 'poorman-faas';

/** `ghcr.io/poorman-faas/poorman-faas-gateway:<package version>`. */
export function defaultGatewayImage(owner: string = GATEWAY_IMAGE_OWNER): string {
  return `ghcr.io/${owner}/poorman-faas-gateway:${packageJson.version}`;
}
