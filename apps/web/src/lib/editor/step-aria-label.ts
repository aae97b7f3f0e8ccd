import type { StepCardData } from './editor-node-data';
import { runMarkText } from './run-path-style';

/**
 * A step's accessible name, the same in the editor, test runs and the replay:
 * "If / else", "Send WhatsApp message: Coupon", and the run status when a run
 * is shown ("If / else: succeeded").
 */
export function stepAriaLabel(data: StepCardData): string {
  const name = data.label ? `${data.displayName}: ${data.label}` : data.displayName;
  return data.run ? `${name}: ${runMarkText(data.run)}` : name;
}
