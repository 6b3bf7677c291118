import { describe, expect, it, vi } from 'vitest';

// The wasm package's loader, made to fail as a browser without WebAssembly SIMD fails.
vi.mock('../src/wasm-pkg/cc_analytics_wasm.js', () => ({
  default: () => Promise.reject(new WebAssembly.CompileError('invalid opcode 0xfd')),
  Workspace: class {},
}));

import { createWorkspace } from '../src/drop/load';

describe('createWorkspace', () => {
  it('says what the browser lacks when it cannot compile the module', async () => {
    await expect(createWorkspace()).rejects.toThrow(/needs WebAssembly SIMD/);
  });
});
