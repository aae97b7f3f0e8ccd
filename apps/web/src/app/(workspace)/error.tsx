'use client';

import { useEffect } from 'react';

interface WorkspaceErrorProps {
  error: unknown;
  retry: () => void;
}

/** Last line of defence: an unexpected failure while rendering a signed-in page. */
export default function WorkspaceError({ error, retry }: WorkspaceErrorProps) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="page">
      <div className="notice notice-error" role="alert">
        <h2>Something went wrong</h2>
        <p>This page could not be displayed. Try again; if it keeps happening, the Parley engine may be restarting.</p>
        <div className="notice-actions">
          <button type="button" className="button button-secondary button-small" onClick={retry}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}
