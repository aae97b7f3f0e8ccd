import { listPath } from './inbox-api';

describe('the inbox list request', () => {
  it('asks the API for the signed-in user’s conversations on the Mine tab (assignee=me, which the API knows)', () => {
    const query = new URL(listPath({ tab: 'mine', status: 'active', q: '', sort: 'last_activity' }), 'http://x').searchParams;
    expect(query.get('assignee')).toBe('me');
  });

  it('passes the other tabs, the filters and the cursor as they are', () => {
    const unassigned = new URL(listPath({ tab: 'unassigned', status: 'open', q: ' sofa ', sort: 'waiting_since' }, 'abc'), 'http://x');
    expect(Object.fromEntries(unassigned.searchParams)).toEqual({
      assignee: 'unassigned',
      status: 'open',
      sort: 'waiting_since',
      limit: '50',
      q: 'sofa',
      cursor: 'abc',
    });
    expect(new URL(listPath({ tab: 'all', status: 'all', q: '', sort: 'last_activity' }), 'http://x').searchParams.get('assignee')).toBe(
      'all',
    );
  });
});
