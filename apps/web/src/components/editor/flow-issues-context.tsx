'use client';

import type { FlowIssue } from '@parley/flow-core';
import { createContext, useContext } from 'react';

/** The open flow's validation issues, computed once for the canvas, the checklist, the form and Publish. */
export const FlowIssuesContext = createContext<readonly FlowIssue[]>([]);

export function useFlowIssues(): readonly FlowIssue[] {
  return useContext(FlowIssuesContext);
}
