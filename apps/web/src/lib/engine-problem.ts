/** What a page shows when the engine could not give it the data it needs. */
export interface EngineProblem {
  title: string;
  message: string;
}
