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

/** What a user line that Claude Code wrote for the user holds, for display: a slash command
 * (`/mcp args`), a local command's output, a note to the model (the caveat before local
 * commands), or an interruption; `null` for ordinary text. */
export type Written = { kind: 'command' | 'output' | 'note' | 'interrupted'; text: string };

export function writtenByClaudeCode(content: string): Written | null {
  const tag = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(content)?.[1]?.trim();
  const command = tag('command-name');
  if (command !== undefined) {
    const args = tag('command-args') ?? '';
    const name = command.startsWith('/') ? command : `/${command}`;
    return { kind: 'command', text: args ? `${name} ${args}` : name };
  }
  const output = tag('local-command-stdout') ?? tag('local-command-stderr');
  if (output !== undefined) return { kind: 'output', text: output };
  const note = tag('local-command-caveat');
  if (note !== undefined) return { kind: 'note', text: note };
  const trimmed = content.trim();
  if (/^\[Request interrupted by user[^\]]*\]$/.test(trimmed)) return { kind: 'interrupted', text: trimmed };
  return null;
}
