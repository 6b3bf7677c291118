import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCost,
  formatCostExact,
  formatDuration,
  formatInt,
  formatMillis,
  formatPercent,
  formatTokens,
  projectName,
  shortModel,
  truncate,
} from '../src/format';
import { isTranscript, transcriptPath } from '../src/drop/paths';

describe('formatting', () => {
  it('formats costs', () => {
    expect(formatCost(9.278057)).toBe('$9.28');
    expect(formatCost(1234.5)).toBe('$1,234.50');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.004213)).toBe('$0.0042');
    expect(formatCost(0.01)).toBe('$0.01');
    expect(formatCost(-2)).toBe('-$2.00');
    expect(formatCostExact(0.333655)).toBe('$0.333655');
    expect(formatCost(Number.NaN)).toBe('–');
  });

  it('formats token counts', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(9999)).toBe('9,999');
    expect(formatTokens(73_899)).toBe('73.9K');
    expect(formatTokens(8_431_445)).toBe('8.43M');
    expect(formatTokens(123_456_789)).toBe('123M');
    expect(formatTokens(1_200_000_000)).toBe('1.2B');
    expect(formatInt(8_431_445)).toBe('8,431,445');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(112)).toBe('1m 52s');
    expect(formatDuration(120)).toBe('2m');
    expect(formatDuration(9745)).toBe('2h 42m');
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(273_600)).toBe('3d 4h');
    expect(formatDuration(-1)).toBe('–');
    expect(formatMillis(94)).toBe('94 ms');
    expect(formatMillis(1234)).toBe('1.23 s');
    expect(formatMillis(null)).toBe('–');
  });

  it('formats percentages and sizes', () => {
    expect(formatPercent(93)).toBe('93.0%');
    expect(formatPercent(27.25)).toBe('27.3%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2_232_320)).toBe('2.2 MB');
  });

  it('shortens model names and project paths', () => {
    expect(shortModel('claude-opus-4-7')).toBe('Opus 4.7');
    expect(shortModel('claude-sonnet-4-20250514')).toBe('Sonnet 4');
    expect(shortModel('claude-sonnet-4-5-20250929')).toBe('Sonnet 4.5');
    expect(shortModel('claude-3-5-sonnet-20241022')).toBe('Sonnet 3.5');
    expect(shortModel('claude-haiku-4-5-20251001')).toBe('Haiku 4.5');
    expect(shortModel('<synthetic>')).toBe('<synthetic>');
    expect(shortModel(null)).toBe('–');
    expect(projectName('/home/marco/projects/spotter')).toBe('spotter');
    expect(projectName('-experiments/worktrees/')).toBe('worktrees');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});

describe('dropped file paths', () => {
  it('keeps the path below projects/', () => {
    expect(transcriptPath('.claude/projects/-home-me-app/abc.jsonl', 'abc.jsonl')).toBe('-home-me-app/abc.jsonl');
    expect(transcriptPath('projects/-home-me-app/abc/subagents/agent-1.jsonl', 'agent-1.jsonl')).toBe('-home-me-app/abc/subagents/agent-1.jsonl');
  });

  it('keeps the path below the dropped root without a projects/ segment', () => {
    expect(transcriptPath('-home-me-app/abc.jsonl', 'abc.jsonl')).toBe('abc.jsonl');
    expect(transcriptPath('backup/-home-me-app/abc.jsonl', 'abc.jsonl')).toBe('-home-me-app/abc.jsonl');
    expect(transcriptPath('', 'abc.jsonl')).toBe('abc.jsonl');
  });

  it('reads only .jsonl files', () => {
    expect(isTranscript('a.jsonl')).toBe(true);
    expect(isTranscript('A.JSONL')).toBe(true);
    expect(isTranscript('a.json')).toBe(false);
    expect(isTranscript('.DS_Store')).toBe(false);
  });
});

describe('response content', () => {
  it('splits text from tool calls', async () => {
    const { splitToolCalls } = await import('../src/content');
    expect(splitToolCalls('Let me look.\n\n[tool: Bash] {"command":"ls"}\n[tool: Read] {"file":"a"}')).toEqual([
      { kind: 'text', text: 'Let me look.' },
      { kind: 'tool', name: 'Bash', text: '{"command":"ls"}' },
      { kind: 'tool', name: 'Read', text: '{"file":"a"}' },
    ]);
    expect(splitToolCalls('[tool: Bash] {}')).toEqual([{ kind: 'tool', name: 'Bash', text: '{}' }]);
    expect(splitToolCalls('plain <b>text</b>')).toEqual([{ kind: 'text', text: 'plain <b>text</b>' }]);
  });
});
