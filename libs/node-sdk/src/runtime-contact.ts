/** The contact an execution runs for, as nodes see it. */
export interface RuntimeContact {
  id: string;
  waId: string | null;
  phoneE164: string | null;
  displayName: string | null;
  firstName: string | null;
}
