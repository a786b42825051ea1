"""Domain events: one outbox of what happened, read by notifications, webhooks and the feed.

Services emit (`events.outbox.emit`), inside their transaction: the row exists only if the change
is committed, and the work it causes (bell and e-mail, webhook deliveries) is queued after commit.
Workflow transitions emit from `portal.workflow` itself, so no service has to remember.

This app imports no domain app: each domain app registers its subjects in `AppConfig.ready`
(`events.registry.register_subject`): who may see one, how the API shows it, who is told.
"""
