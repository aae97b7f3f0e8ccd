import type { StepCardData } from './editor-node-data';
import { runMarkText } from './run-path-style';

/**
 * A step's accessible name, the same in the editor, test runs and the replay:
 * "If / else", "Send WhatsApp message: Coupon", and the run status when a run
 * is shown ("If / else: succeeded"), the funnel counts when shown ("If / else: Reached 120").
 */
export function stepAriaLabel(data: StepCardData): string {
  const name = data.label ? `${data.displayName}: ${data.label}` : data.displayName;
  const counted = data.counts ? `${name}: ${data.counts}` : name;
  return data.run ? `${counted}: ${runMarkText(data.run)}` : counted;
}
