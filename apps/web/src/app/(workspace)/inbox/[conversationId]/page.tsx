/** /inbox/[conversationId]: the layout opens the conversation named in the URL. */
export default function ConversationPage() {
  return null;
}
