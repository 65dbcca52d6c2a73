"""Early warning and win-back (DOMAIN §10): risk scores, model runs, win-back plans."""
