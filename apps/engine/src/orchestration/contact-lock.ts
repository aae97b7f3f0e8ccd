/** Class id of the advisory locks that serialise one contact's work (the object id is a hash of the contact id). */
export const CONTACT_LOCK_CLASS = 72_001;

/** Takes the contact's lock for this session if nobody holds it: `$1` is the contact id. */
export const TRY_CONTACT_LOCK_SQL = `SELECT pg_try_advisory_lock(${CONTACT_LOCK_CLASS}, hashtext($1)) AS locked`;

export const CONTACT_UNLOCK_SQL = `SELECT pg_advisory_unlock(${CONTACT_LOCK_CLASS}, hashtext($1))`;

/**
 * SQL true when some session holds the lock of the contact whose id is the
 * expression `contactId` (a uuid column). pg_locks shows a two-key advisory
 * lock as (classid, objid, objsubid 2), the keys as unsigned oids, for
 * every database of the server: only this database's count.
 */
export function contactLockHeldSql(contactId: string): string {
  return `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ${CONTACT_LOCK_CLASS}::oid AND l.objid = (hashtext(${contactId}::text)::bigint & 4294967295)::oid)`;
}
