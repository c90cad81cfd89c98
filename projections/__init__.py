"""Pure projections of a contract: breach records and journal transactions."""
