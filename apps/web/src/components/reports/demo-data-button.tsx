'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';

/** Fills an empty workspace with 30 days of demo data, so the reports have something to show. */
export function DemoDataButton() {
  const router = useRouter();
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({ busy: false, message: null });
  async function load() {
    setState({ busy: true, message: null });
    const answer = await callEngine('/api/reports/demo-data', z.object({ messages: z.number() }), { method: 'POST', body: '{}' });
    setState({ busy: false, message: answer.ok ? `Loaded ${answer.data.messages} demo messages.` : answer.message });
    if (answer.ok) router.refresh();
  }
  return (
    <>
      <button type="button" className="button button-secondary" disabled={state.busy} onClick={() => void load()}>
        {state.busy ? 'Loading demo data…' : 'Load demo data'}
      </button>
      {state.message ? <p role="status">{state.message}</p> : null}
    </>
  );
}
