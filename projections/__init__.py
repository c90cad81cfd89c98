"""Read side: billing, statements, balances, journal, breaches."""
