"""The domain, pure: money, periods, terms, errors, streams, the account book,
months of activity and the contract state."""
