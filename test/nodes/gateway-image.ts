/**
 * The gateway image without a registry or an image builder, from this checkout: the bundle that
 * the Dockerfile's build stage makes (`bundleGateway`), under /app, on the Node that runs this
 * tier (an LTS from the npm registry) at /nodejs/bin/node, with the shared libraries it links and
 * a passwd entry for UID 65532, as in distroless's nonroot image. It differs from the published
 * image in what distroless adds beyond that (CA certificates, tzdata, os-release, its Node build),
 * none of which the gateway reads in a cluster: it trusts the API server through the mounted CA.
 *
 * Tagged with the reference synth writes, so the gateway's Deployment runs unchanged.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleGateway } from '../../build/bundle-gateway.js';
import { defaultGatewayImage } from '../../constructs/gateway-image.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NODE = '/nodejs/bin/node';

/** The libraries `ldd` resolves for `binary`, with the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Writes the image's docker-archive tarball into `dir`; returns its path and reference. */
export async function buildGatewayImage(dir: string): Promise<{ tarball: string; reference: string }> {
  const rootfs = mkdtempSync(join(dir, 'gateway-root.'));
  try {
    await bundleGateway(root, join(rootfs, 'app'));
    mkdirSync(join(rootfs, dirname(NODE)), { recursive: true });
    copyFileSync(process.execPath, join(rootfs, NODE));
    for (const lib of sharedLibraries(process.execPath)) {
      mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(rootfs, lib));
    }
    mkdirSync(join(rootfs, 'etc'));
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
    mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
    mkdirSync(join(rootfs, 'home/nonroot'), { recursive: true });
    // The Dockerfile's runtime stage, as an image config.
    const config = {
      Entrypoint: [NODE],
      Cmd: ['/app/gateway.mjs'],
      Env: ['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=8080', 'GATEWAY_BACKEND=kubernetes'],
      User: '65532:65532',
      WorkingDir: '/app',
      ExposedPorts: { '8080/tcp': {} },
    };
    const reference = defaultGatewayImage();
    const tarball = join(dir, 'gateway.tar');
    execFileSync(join(root, 'test/nodes/image-tarball'), [rootfs, tarball, reference, JSON.stringify(config)]);
    return { tarball, reference };
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
