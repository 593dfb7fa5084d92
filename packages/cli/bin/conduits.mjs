#!/usr/bin/env node
// The `conduits` command. The CLI is TypeScript run from its source: tsx compiles it as it loads.
// `pnpm conduits ...` finds this as the workspace's bin and runs it without pnpm's script banner,
// so stdout holds only what the command prints.
import { register } from 'tsx/esm/api';

register();
const { runCommandLine } = await import('../src/main.ts');
runCommandLine();
