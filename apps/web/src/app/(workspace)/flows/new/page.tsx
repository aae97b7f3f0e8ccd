import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { TemplateGallery } from '@/components/template-gallery';
import { readFromEngine } from '@/lib/engine-server';
import { flowTemplateListSchema } from '@/lib/flow-template-summary';

export const metadata: Metadata = { title: 'New flow' };

export default async function NewFlowPage() {
  const templates = await readFromEngine('/api/flow-templates', flowTemplateListSchema);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>New flow</h1>
          <p className="page-subtitle">Start from a ready-made flow and adjust it, or from an empty canvas.</p>
        </div>
      </div>
      {templates.ok ? (
        <TemplateGallery templates={[...templates.data.data].sort((a, b) => a.number - b.number)} />
      ) : (
        <ErrorNotice problem={templates.problem} />
      )}
    </div>
  );
}
