import { describe, expect, it } from 'vitest';
import { writtenByClaudeCode } from '../src/content';

describe('what Claude Code writes for the user', () => {
  it('reads slash commands with or without their slash and arguments', () => {
    expect(writtenByClaudeCode('<command-name>/mcp</command-name>\n  <command-message>mcp</command-message>\n  <command-args></command-args>')).toEqual({ kind: 'command', text: '/mcp' });
    expect(writtenByClaudeCode('<command-name>clear</command-name>\n<command-message>clear</command-message>')).toEqual({ kind: 'command', text: '/clear' });
    expect(writtenByClaudeCode('<command-name>/model</command-name><command-args>opus</command-args>')).toEqual({ kind: 'command', text: '/model opus' });
  });

  it('reads local command output and interruptions', () => {
    expect(writtenByClaudeCode('<local-command-stdout>See ya!</local-command-stdout>')).toEqual({ kind: 'output', text: 'See ya!' });
    expect(writtenByClaudeCode('[Request interrupted by user for tool use]')).toEqual({ kind: 'interrupted', text: '[Request interrupted by user for tool use]' });
    expect(writtenByClaudeCode('<local-command-caveat>Caveat: generated locally.</local-command-caveat>')).toEqual({ kind: 'note', text: 'Caveat: generated locally.' });
  });

  it('leaves ordinary text alone, even when it mentions the markup', () => {
    expect(writtenByClaudeCode('Why does the log show [Request interrupted by user] twice?')).toBeNull();
    expect(writtenByClaudeCode('Please fix the tests')).toBeNull();
  });
});
