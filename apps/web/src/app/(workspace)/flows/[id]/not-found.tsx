import Link from 'next/link';

export default function FlowNotFound() {
  return (
    <div className="page">
      <div className="notice" role="status">
        <h2>Flow not found</h2>
        <p>This flow does not exist in your workspace. It may have been deleted, or the link is wrong.</p>
        <div className="notice-actions">
          <Link className="button button-secondary button-small" href="/flows">
            Back to flows
          </Link>
        </div>
      </div>
    </div>
  );
}
