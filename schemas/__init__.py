"""msgspec schemas: commands in, events stored, reports out."""
