// Which dropped files are read, and under which path the core sees them.

/**
 * The path of a dropped file below `projects/`: everything up to and including the last
 * `projects/` segment is stripped; without such a segment, the path below the dropped root
 * folder is kept (a single file keeps its name).
 */
export function transcriptPath(relativePath: string, name: string): string {
  const path = (relativePath || name).replace(/\\/g, '/').replace(/^\/+/, '');
  const segments = path.split('/').filter(Boolean);
  const projects = segments.lastIndexOf('projects');
  if (projects >= 0 && projects < segments.length - 1) return segments.slice(projects + 1).join('/');
  if (segments.length > 1) return segments.slice(1).join('/');
  return segments[0] ?? name;
}

/** Only transcripts are read. */
export function isTranscript(name: string): boolean {
  return name.toLowerCase().endsWith('.jsonl');
}
