// Setter markers (pure): a YAML line ending in `# {"$imagepolicy": "NS:NAME"}` (or `NS:NAME:tag`,
// `NS:NAME:name`, `NS:NAME:digest`) has its value replaced by the policy's latest image, tag, name
// or digest. The edit is on the text of that line only: comments, quotes, order and formatting
// stay, so the diff is the changed lines. A marker that cannot be read is reported with its line.

export type LatestImage = {
  /** The image name as the ImageRepository spells it. */
  readonly name: string;
  readonly tag: string;
  readonly digest?: string | undefined;
};

export type SetterChange = {
  readonly file: string;
  readonly line: number;
  /** `NS/NAME` of the ImagePolicy. */
  readonly policy: string;
  readonly from: string;
  readonly to: string;
};

export type MarkerProblem = {
  readonly file: string;
  readonly line: number;
  readonly message: string;
};

export type RewriteResult = {
  readonly text: string;
  readonly changes: readonly SetterChange[];
  readonly problems: readonly MarkerProblem[];
};

/** Resolves `namespace`/`name` of a marker to the policy's latest image (undefined: none yet). */
export type PolicyLookup = (namespace: string, name: string) => LatestImage | undefined;

const MARKER_HINT = /\$imagepolicy/;
const MARKER = /#\s*(\{.*\})\s*$/;
const POLICY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?::(tag|name|digest))?$/;
const VALUE = /^(\s*(?:-\s+)?(?:[^\s'"#][^#]*?:\s+)?)(["']?)([^\s"'#]+)\2(\s+)$/;

type Marker = { namespace: string; name: string; field: 'image' | 'tag' | 'name' | 'digest' };

function readMarker(comment: string): Marker | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment);
  } catch {
    return `setter marker is not JSON: ${comment}`;
  }
  const ref = (parsed as Record<string, unknown> | null)?.['$imagepolicy'];
  if (typeof ref !== 'string') return 'setter marker needs "$imagepolicy": "NAMESPACE:NAME"';
  const match = POLICY.exec(ref);
  if (!match)
    return `setter marker "${ref}" is not NAMESPACE:NAME, NAMESPACE:NAME:tag or NAMESPACE:NAME:name`;
  const field = (match[5] ?? 'image') as Marker['field'];
  return { namespace: match[1] ?? '', name: match[3] ?? '', field };
}

function valueOf(latest: LatestImage, field: Marker['field']): string | undefined {
  switch (field) {
    case 'image':
      return `${latest.name}:${latest.tag}${latest.digest ? `@${latest.digest}` : ''}`;
    case 'tag':
      return latest.tag;
    case 'name':
      return latest.name;
    case 'digest':
      return latest.digest;
  }
}

type LineEdit = { text: string; change?: Omit<SetterChange, 'file'>; problem?: string };

function rewriteLine(line: string, number: number, lookup: PolicyLookup): LineEdit {
  if (!MARKER_HINT.test(line)) return { text: line };
  const marker = MARKER.exec(line);
  if (!marker)
    return {
      text: line,
      problem: 'setter marker must be a trailing comment: # {"$imagepolicy": "NAMESPACE:NAME"}',
    };
  const read = readMarker(marker[1] ?? '');
  if (typeof read === 'string') return { text: line, problem: read };
  const before = line.slice(0, marker.index);
  const value = VALUE.exec(before);
  if (!value)
    return {
      text: line,
      problem: 'setter marker follows no value (expected `key: value # {"$imagepolicy": …}`)',
    };
  const latest = lookup(read.namespace, read.name);
  const next = latest ? valueOf(latest, read.field) : undefined;
  const current = value[3] ?? '';
  if (next === undefined || next === current) return { text: line };
  const quote = value[2] ?? '';
  const text = `${value[1] ?? ''}${quote}${next}${quote}${value[4] ?? ''}${line.slice(marker.index)}`;
  const policy = `${read.namespace}/${read.name}`;
  return { text, change: { line: number, policy, from: current, to: next } };
}

/** Rewrites the marked values of one YAML file; with any problem the text is returned unchanged. */
export function rewriteSetters(text: string, file: string, lookup: PolicyLookup): RewriteResult {
  const lines = text.split('\n');
  const changes: SetterChange[] = [];
  const problems: MarkerProblem[] = [];
  const out = lines.map((line, i) => {
    const cr = line.endsWith('\r') ? '\r' : '';
    const edit = rewriteLine(cr ? line.slice(0, -1) : line, i + 1, lookup);
    if (edit.problem) problems.push({ file, line: i + 1, message: edit.problem });
    if (edit.change) changes.push({ file, ...edit.change });
    return edit.text + cr;
  });
  if (problems.length > 0) return { text, changes: [], problems };
  return { text: changes.length > 0 ? out.join('\n') : text, changes, problems };
}
