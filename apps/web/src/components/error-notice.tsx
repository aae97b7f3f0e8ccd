import type { EngineProblem } from '@/lib/engine-problem';
import { ReloadButton } from './reload-button';

interface ErrorNoticeProps {
  problem: EngineProblem;
}

/** A friendly explanation of why a page could not load, with a way to try again. */
export function ErrorNotice({ problem }: ErrorNoticeProps) {
  return (
    <div className="notice notice-error" role="alert">
      <h2>{problem.title}</h2>
      <p>{problem.message}</p>
      <div className="notice-actions">
        <ReloadButton />
      </div>
    </div>
  );
}
