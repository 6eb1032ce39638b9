"""The event outbox: every state change writes its event in its own transaction; the
consumers (the waitlist, and next email, webhooks, live updates, payments) hear of it
after commit, each in a transaction of its own, at least once, retried with backoff."""
