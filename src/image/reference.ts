// Image names: `registry[:port]/path` → where its distribution API is and what it is called there.
import { err, ok, type Result } from '../core/index.ts';

export type ImageName = {
  /** Host (and port) of the registry, `registry-1.docker.io` for Docker Hub names. */
  readonly registry: string;
  /** The repository path in that registry (`library/nginx` for `nginx`). */
  readonly path: string;
  /** As written in the spec: what rewritten image references start with. */
  readonly name: string;
};

const DOCKER_HUB = 'registry-1.docker.io';

/** `127.0.0.1:5000/app` → registry `127.0.0.1:5000`, path `app`; `nginx` → Docker Hub. */
export function parseImageName(name: string): Result<ImageName, string> {
  if (/[@\s]/.test(name) || name.length === 0) return err(`${name}: not an image name`);
  const [first = '', ...rest] = name.split('/');
  const isHost = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
  if (isHost) return ok({ registry: first, path: rest.join('/'), name });
  const path = rest.length === 0 ? `library/${first}` : name;
  return ok({ registry: DOCKER_HUB, path, name });
}
