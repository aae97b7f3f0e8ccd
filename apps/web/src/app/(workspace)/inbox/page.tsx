/** /inbox: the list, no conversation open (the layout draws everything). */
export default function InboxPage() {
  return null;
}
