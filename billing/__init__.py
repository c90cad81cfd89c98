"""Statement lines: one pure function per line code, and statement assembly (SPEC §5)."""
