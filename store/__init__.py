"""Where events live and what is kept warm: the event store, codec, audit chain,
views, read models, the workspace and its lean forms."""
