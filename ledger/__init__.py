"""The domain: money, periods, terms, contract state and rules, the store."""
