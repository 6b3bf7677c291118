// How a message's rendered text is split for display (tool calls apart from prose).

/** A response's content split into its text and `[tool: Name] {args}` calls. */
export function splitToolCalls(content: string): { kind: 'text' | 'tool'; name?: string; text: string }[] {
  const parts: { kind: 'text' | 'tool'; name?: string; text: string }[] = [];
  const marker = /(?:^|\n)\[tool: ([^\]\n]+)\] ?/g;
  let last = 0;
  let name: string | null = null;
  for (let match = marker.exec(content); match; match = marker.exec(content)) {
    const chunk = content.slice(last, match.index).trim();
    if (name !== null) parts.push({ kind: 'tool', name, text: chunk });
    else if (chunk) parts.push({ kind: 'text', text: chunk });
    name = match[1] ?? '';
    last = match.index + match[0].length;
  }
  const rest = content.slice(last).trim();
  if (name !== null) parts.push({ kind: 'tool', name, text: rest });
  else if (rest) parts.push({ kind: 'text', text: rest });
  return parts;
}
