import type { Message } from "./client.js";

/**
 * Puts one conversation's messages in order and drops repeats: a message is delivered when its `sequence` is the next
 * one (last + 1); a later one waits for the gap to fill; one at or below `last` was delivered before (unless it is an
 * edit or deletion, which is reported as a change). Sequences have no gaps on the server (docs/realtime.md).
 */
export class ConversationSequencer {
  private readonly waiting = new Map<number, Message>();

  constructor(public last: number) {}

  /** What `message` brings: the messages now deliverable (in order), changes to delivered ones, and whether a gap is open. */
  accept(message: Message): { deliver: Message[]; changed: Message[]; gap: boolean } {
    const deliver: Message[] = [];
    const changed: Message[] = [];
    if (message.sequence <= this.last) {
      if (message.editedAt || message.deletedAt) changed.push(message);
    } else {
      const held = this.waiting.get(message.sequence);
      // Keep the newer state of a message that came twice while waiting (an edit in between).
      if (!held || (message.editedAt ?? message.deletedAt ?? "") >= (held.editedAt ?? held.deletedAt ?? "")) this.waiting.set(message.sequence, message);
      let next: Message | undefined;
      while ((next = this.waiting.get(this.last + 1))) {
        this.waiting.delete(this.last + 1);
        this.last += 1;
        deliver.push(next);
      }
    }
    return { deliver, changed, gap: this.waiting.size > 0 };
  }

  get hasGap(): boolean {
    return this.waiting.size > 0;
  }
}
