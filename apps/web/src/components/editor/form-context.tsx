'use client';

import { createContext, useContext } from 'react';

/** What every field of a step's form needs to know besides its own value. */
export interface StepFormContextValue {
  nodeId: string;
  /** Variables the step may use (only what is available upstream). */
  variables: readonly string[];
  editable: boolean;
  /** Problems of this step by field path ("message.text", "keywords[0]"). */
  fieldIssues: ReadonlyMap<string, string[]>;
}

export const StepFormContext = createContext<StepFormContextValue>({ nodeId: '', variables: [], editable: false, fieldIssues: new Map() });

export function useStepForm(): StepFormContextValue {
  return useContext(StepFormContext);
}

/** Problems reported at `path` or inside it. */
export function issuesAt(fieldIssues: ReadonlyMap<string, string[]>, path: string): string[] {
  const found: string[] = [];
  for (const [field, messages] of fieldIssues) {
    if (field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`)) found.push(...messages);
  }
  return found;
}
